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

    private final CelCompiler boolCompiler;
    private final CelCompiler dynCompiler;
    private final CelRuntime runtime;
    private final Set<String> variables;

    /** An environment where {@code derivedNames} are also declared. */
    public ExprEnvironment(Collection<String> derivedNames) {
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
            return new CompiledExpr(expr, program);
        } catch (CelValidationException e) {
            throw new ExprCompileException(e.getMessage());
        } catch (CelEvaluationException e) {
            throw new ExprCompileException("cannot plan expression: " + e.getMessage());
        }
    }
}
