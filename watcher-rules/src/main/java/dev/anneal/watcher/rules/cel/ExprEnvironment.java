package dev.anneal.watcher.rules.cel;

import dev.anneal.watcher.rules.spec.Expr;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The CEL environment rule expressions compile in. Expressions are compiled once, when a rule
 * set loads; a compile error is reported against the rule file's line.
 *
 * <p>Variables: every {@link FieldCatalog} field (dynamic type: absent on a record means the
 * expression fails for that record, so guard optional fields with {@code select.present} or
 * {@code has(record.x)}), {@code record} (all fields as a map, for dotted or unlisted keys),
 * {@code kind}, {@code run_id}, {@code params} (the resolved parameters), {@code window} (the
 * rule's rolling windows), {@code baseline} (the rule's baseline), {@code alert} (templates only) and the pack's
 * derived names. CEL's math ({@code math.abs}, {@code math.greatest}, ...), strings and lists
 * ({@code flatten()}, ...)
 * extensions are enabled.
 *
 * <p>Each expression is also compiled, from its checked AST, into a fast-path evaluator tree when it
 * only uses the constructs the fast path implements (see {@link FastCompiler} and
 * {@link CompiledExpr}). When the environment knows the resolved parameter values, parameter
 * accesses are folded into constants; evaluations must then see the same {@code params} map. The
 * system property {@code watcher.cel.fastPath=false} turns the fast path off (every expression then
 * runs on the CEL program).
 */
public final class ExprEnvironment {

    public static final String RECORD = "record";
    public static final String KIND = "kind";
    public static final String RUN_ID = "run_id";
    public static final String PARAMS = "params";
    public static final String WINDOW = "window";
    public static final String BASELINE = "baseline";
    /** In templates only: {@code alert.value} and {@code alert.threshold}. */
    public static final String ALERT = "alert";
    private static final Set<String> BUILT_INS = Set.of(RECORD, KIND, RUN_ID, PARAMS, WINDOW, BASELINE, ALERT);

    private static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .build();

    /** System property that disables the fast path when set to {@code false}. */
    public static final String FAST_PATH_PROPERTY = "watcher.cel.fastPath";

    private final CelCompiler boolCompiler;
    private final CelCompiler dynCompiler;
    private final CelRuntime runtime;
    private final Set<String> variables;
    private final Map<String, Double> params;
    private final Set<String> derivedNames;
    private final boolean fastPath;

    /**
     * An environment where {@code derivedNames} are also declared. Parameters are looked up when
     * expressions are evaluated.
     */
    public ExprEnvironment(Collection<String> derivedNames) {
        this(derivedNames, null);
    }

    /**
     * An environment where {@code derivedNames} are also declared and the parameter values are
     * {@code params} (the resolved rule-set parameters, which every evaluation's {@code params}
     * variable must equal): parameter accesses are folded into constants. A null map means the
     * values are not known when compiling.
     */
    public ExprEnvironment(Collection<String> derivedNames, Map<String, Double> params) {
        // A null value (never produced by RuleSetCompiler) is an unknown to CEL: do not fold then.
        this.params = params == null
                || params.entrySet().stream().anyMatch(e -> e.getKey() == null || e.getValue() == null)
                ? null : Map.copyOf(params);
        this.derivedNames = Set.copyOf(derivedNames);
        this.fastPath = !"false".equalsIgnoreCase(System.getProperty(FAST_PATH_PROPERTY, "true").trim());
        Set<String> vars = new LinkedHashSet<>(FieldCatalog.fields());
        vars.addAll(derivedNames);
        this.variables = Set.copyOf(vars);
        this.boolCompiler = builder(vars).setResultType(SimpleType.BOOL).build();
        this.dynCompiler = builder(vars).build();
        this.runtime = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS)
                .addLibraries(CelExtensions.math(OPTIONS), CelExtensions.strings(), CelExtensions.lists())
                .build();
    }

    private static CelCompilerBuilder builder(Set<String> vars) {
        CelCompilerBuilder b = CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addLibraries(CelExtensions.math(OPTIONS), CelExtensions.strings(), CelExtensions.lists());
        for (String v : vars) {
            b.addVar(v, SimpleType.DYN);
        }
        CelType dynMap = MapType.create(SimpleType.STRING, SimpleType.DYN);
        b.addVar(RECORD, dynMap);
        b.addVar(KIND, SimpleType.STRING);
        b.addVar(RUN_ID, SimpleType.STRING);
        b.addVar(PARAMS, MapType.create(SimpleType.STRING, SimpleType.DOUBLE));
        b.addVar(WINDOW, MapType.create(SimpleType.STRING, SimpleType.DOUBLE));
        b.addVar(BASELINE, SimpleType.DOUBLE);
        b.addVar(ALERT, dynMap);
        return b;
    }

    public boolean declares(String name) {
        return variables.contains(name) || BUILT_INS.contains(name);
    }

    /** Compiles a boolean expression (conditions, selectors). */
    public CompiledExpr compileBool(Expr expr) throws ExprCompileException {
        return compile(boolCompiler, expr);
    }

    /** Compiles an expression of any type (values, thresholds, baselines, window inputs, templates). */
    public CompiledExpr compileAny(Expr expr) throws ExprCompileException {
        return compile(dynCompiler, expr);
    }

    private CompiledExpr compile(CelCompiler compiler, Expr expr) throws ExprCompileException {
        try {
            CelAbstractSyntaxTree ast = compiler.compile(expr.text()).getAst();
            CelRuntime.Program program = runtime.createProgram(ast);
            if (!fastPath) {
                return new CompiledExpr(expr, program, null, "fast path disabled (-D" + FAST_PATH_PROPERTY + "=false)",
                        ast);
            }
            try {
                return new CompiledExpr(expr, program, FastCompiler.compile(ast, params, derivedNames, OPTIONS), null,
                        ast);
            } catch (FastCompiler.Unsupported e) {
                return new CompiledExpr(expr, program, null, e.getMessage(), ast);
            }
        } catch (CelValidationException e) {
            throw new ExprCompileException(e.getMessage());
        } catch (CelEvaluationException e) {
            throw new ExprCompileException("cannot plan expression: " + e.getMessage());
        }
    }
}
