package dev.anneal.watcher.rules.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelReference;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.common.types.TypeType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compiles a checked CEL AST into a tree of {@link FastNode}s, or reports why it cannot.
 *
 * <p>Supported: literals (null, bool, int, uint, double, string); identifiers (fields, derived
 * names and the built-ins); {@code m.f} and {@code has(m.f)} on maps; {@code m['k']} and
 * {@code 'k' in m} with a literal key; {@code && || ! ?:}; {@code == !=};
 * {@code < <= > >=}; {@code + - * / %} and unary {@code -}; {@code math.abs}; {@code size};
 * {@code type(x) == T} and {@code !=} for T in double, int, uint, string, bool, null_type, list,
 * map. When the parameter values are known at compile time, {@code params.NAME},
 * {@code params['NAME']} and {@code 'NAME' in params} are folded into constants (a missing NAME
 * folds into CEL's "key not found" error, or {@code false} for {@code in}).
 *
 * <p>Anything else (comprehensions such as {@code exists}/{@code map}/{@code filter}, list and map
 * literals, other functions and methods, bare type values) makes the whole expression use the CEL
 * program.
 */
final class FastCompiler {

    /** The expression uses a construct the fast path does not implement. */
    static final class Unsupported extends Exception {
        private static final long serialVersionUID = 1L;

        Unsupported(String message) {
            super(message, null, false, false);
        }
    }

    private final CelAbstractSyntaxTree ast;
    private final Map<String, Double> params; // null: look parameters up at evaluation time
    private final Set<String> derivedNames;
    private final CelOptions options;

    private FastCompiler(CelAbstractSyntaxTree ast, Map<String, Double> params, Set<String> derivedNames,
                         CelOptions options) {
        this.ast = ast;
        this.params = params;
        this.derivedNames = derivedNames;
        this.options = options;
    }

    /**
     * @param params       the resolved parameters to fold, or null to read {@code params} when evaluating
     * @param derivedNames the environment's derived names (other identifiers are record fields)
     */
    static FastNode compile(CelAbstractSyntaxTree ast, Map<String, Double> params, Set<String> derivedNames,
                            CelOptions options) throws Unsupported {
        if (!ast.isChecked()) {
            throw new Unsupported("the AST is not type-checked");
        }
        return new FastCompiler(ast, params, derivedNames, options).node(ast.getExpr());
    }

    private FastNode node(CelExpr e) throws Unsupported {
        switch (e.getKind()) {
            case CONSTANT:
                return new FastNode.Const(constant(e.constant()));
            case IDENT:
                return ident(e);
            case SELECT:
                return select(e);
            case CALL:
                return call(e);
            case LIST:
                throw new Unsupported("list literal");
            case MAP:
                throw new Unsupported("map literal");
            case STRUCT:
                throw new Unsupported("message literal");
            case COMPREHENSION:
                throw new Unsupported("comprehension (a macro such as exists, all, map or filter)");
            default:
                throw new Unsupported("expression kind " + e.getKind());
        }
    }

    private Object constant(CelConstant c) throws Unsupported {
        switch (c.getKind()) {
            case NULL_VALUE:
                return c.nullValue();
            case BOOLEAN_VALUE:
                return c.booleanValue();
            case INT64_VALUE:
                return c.int64Value();
            case UINT64_VALUE:
                return options.enableUnsignedLongs() ? c.uint64Value() : (Object) c.uint64Value().longValue();
            case DOUBLE_VALUE:
                return c.doubleValue();
            case STRING_VALUE:
                return c.stringValue();
            default:
                throw new Unsupported(c.getKind().name().toLowerCase().replace("_value", "") + " literal");
        }
    }

    private CelReference reference(CelExpr e) throws Unsupported {
        return ast.getReference(e.id()).orElseThrow(() -> new Unsupported("unresolved reference"));
    }

    private FastNode ident(CelExpr e) throws Unsupported {
        CelReference ref = reference(e);
        if (ref.value().isPresent()) {
            throw new Unsupported("enum constant '" + ref.name() + "'");
        }
        if (isTypeValue(e)) {
            throw new Unsupported("type value '" + ref.name() + "' outside a type(x) == T comparison");
        }
        String name = ref.name();
        switch (name) {
            case ExprEnvironment.RECORD:
                return new FastNode.Builtin(FastNode.Builtin.Which.RECORD);
            case ExprEnvironment.PARAMS:
                return params != null ? new FastNode.Const(params)
                        : new FastNode.Builtin(FastNode.Builtin.Which.PARAMS);
            case ExprEnvironment.WINDOW:
                return new FastNode.Builtin(FastNode.Builtin.Which.WINDOW);
            case ExprEnvironment.ALERT:
                return new FastNode.Builtin(FastNode.Builtin.Which.ALERT);
            case ExprEnvironment.KIND:
                return new FastNode.Builtin(FastNode.Builtin.Which.KIND);
            case ExprEnvironment.RUN_ID:
                return new FastNode.Builtin(FastNode.Builtin.Which.RUN_ID);
            case ExprEnvironment.BASELINE:
                return new FastNode.Builtin(FastNode.Builtin.Which.BASELINE);
            default:
                return derivedNames.contains(name) ? new FastNode.Var(name) : new FastNode.Field(name);
        }
    }

    private boolean isTypeValue(CelExpr e) {
        Optional<CelType> t = ast.getType(e.id());
        return t.isPresent() && t.get().kind() == CelKind.TYPE;
    }

    /** The built-in an identifier names, when {@code e} is an identifier. */
    private Optional<String> identName(CelExpr e) {
        if (e.getKind() != CelExpr.ExprKind.Kind.IDENT) {
            return Optional.empty();
        }
        return ast.getReference(e.id()).map(CelReference::name);
    }

    private boolean isParams(CelExpr e) {
        return identName(e).filter(ExprEnvironment.PARAMS::equals).isPresent();
    }

    /** Maps declared {@code map(string, double)}: their values must be doubles (else bail). */
    private boolean holdsDoubles(CelExpr e) {
        Optional<String> n = identName(e);
        return n.isPresent() && (n.get().equals(ExprEnvironment.PARAMS) || n.get().equals(ExprEnvironment.WINDOW));
    }

    private FastNode select(CelExpr e) throws Unsupported {
        if (ast.getReference(e.id()).isPresent()) {
            throw new Unsupported("qualified name '" + ast.getReference(e.id()).get().name() + "'");
        }
        CelExpr.CelSelect sel = e.select();
        String field = sel.field();
        if (params != null && isParams(sel.operand())) {
            if (sel.testOnly()) {
                return new FastNode.Const(params.containsKey(field));
            }
            return paramValue(field);
        }
        FastNode operand = node(sel.operand());
        if (sel.testOnly()) {
            return new FastNode.Has(operand, field);
        }
        return new FastNode.Select(operand, field, holdsDoubles(sel.operand()));
    }

    private FastNode paramValue(String name) {
        Double v = params.get(name);
        return v != null ? new FastNode.Const(v) : new FastNode.Fail("key '" + name + "' is not present in map.");
    }

    private FastNode call(CelExpr e) throws Unsupported {
        CelReference ref = reference(e);
        List<String> overloads = ref.overloadIds();
        CelExpr.CelCall call = e.call();
        String fn = call.function();
        List<CelExpr> args = call.args();
        if (call.target().isPresent()) {
            if (fn.equals("size") && args.isEmpty() && !overloads.isEmpty()
                    && overloads.stream().allMatch(o -> o.endsWith("_size"))) {
                return new FastNode.Size(node(call.target().get()));
            }
            throw new Unsupported("method '" + fn + "'");
        }
        switch (fn) {
            case "_&&_":
                expect(overloads, "logical_and", args, 2);
                return new FastNode.And(node(args.get(0)), node(args.get(1)));
            case "_||_":
                expect(overloads, "logical_or", args, 2);
                return new FastNode.Or(node(args.get(0)), node(args.get(1)));
            case "!_":
                expect(overloads, "logical_not", args, 1);
                return new FastNode.Not(node(args.get(0)));
            case "_?_:_":
                expect(overloads, "conditional", args, 3);
                return new FastNode.Cond(node(args.get(0)), node(args.get(1)), node(args.get(2)));
            case "_==_":
                expect(overloads, "equals", args, 2);
                return equality(args, false);
            case "_!=_":
                expect(overloads, "not_equals", args, 2);
                return equality(args, true);
            case "_<_":
                return compare(FastOps.Cmp.LT, "less_", overloads, args);
            case "_<=_":
                return compare(FastOps.Cmp.LE, "less_equals_", overloads, args);
            case "_>_":
                return compare(FastOps.Cmp.GT, "greater_", overloads, args);
            case "_>=_":
                return compare(FastOps.Cmp.GE, "greater_equals_", overloads, args);
            case "_+_":
                return arith(FastOps.Arith.ADD, "add_", overloads, args);
            case "_-_":
                return arith(FastOps.Arith.SUB, "subtract_", overloads, args);
            case "_*_":
                return arith(FastOps.Arith.MUL, "multiply_", overloads, args);
            case "_/_":
                return arith(FastOps.Arith.DIV, "divide_", overloads, args);
            case "_%_":
                return arith(FastOps.Arith.MOD, "modulo_", overloads, args);
            case "-_":
                expectPrefix(overloads, "negate_", args, 1);
                return new FastNode.Negate(node(args.get(0)));
            case "math.abs":
                expectPrefix(overloads, "math_abs_", args, 1);
                return new FastNode.Abs(node(args.get(0)));
            case "size":
                expectPrefix(overloads, "size", args, 1);
                return new FastNode.Size(node(args.get(0)));
            case "_[_]":
                return index(overloads, args);
            case "@in":
                return in(overloads, args);
            default:
                throw new Unsupported("function '" + fn + "'");
        }
    }

    private FastNode equality(List<CelExpr> args, boolean negate) throws Unsupported {
        CelExpr a = args.get(0);
        CelExpr b = args.get(1);
        if (isTypeCall(a) && isTypeValue(b)) {
            return new FastNode.TypeIs(node(a.call().args().get(0)), typeName(b), negate);
        }
        if (isTypeValue(a) && isTypeCall(b)) {
            return new FastNode.TypeIs(node(b.call().args().get(0)), typeName(a), negate);
        }
        return new FastNode.Eq(node(a), node(b), negate);
    }

    private boolean isTypeCall(CelExpr e) {
        return e.getKind() == CelExpr.ExprKind.Kind.CALL && e.call().function().equals("type")
                && e.call().target().isEmpty() && e.call().args().size() == 1
                && ast.getReference(e.id()).map(r -> r.overloadIds().equals(List.of("type"))).orElse(false);
    }

    private String typeName(CelExpr typeValue) throws Unsupported {
        if (typeValue.getKind() != CelExpr.ExprKind.Kind.IDENT) {
            throw new Unsupported("type value that is not a type name");
        }
        CelType t = ast.getType(typeValue.id()).orElseThrow();
        CelType of = t instanceof TypeType tt ? tt.type() : null;
        if (of == null) {
            throw new Unsupported("type value without a type parameter");
        }
        switch (of.kind()) {
            case DOUBLE:
                return "double";
            case INT:
                return "int";
            case UINT:
                return "uint";
            case STRING:
                return "string";
            case BOOL:
                return "bool";
            case NULL_TYPE:
                return "null_type";
            case LIST:
                return "list";
            case MAP:
                return "map";
            default:
                throw new Unsupported("type comparison with '" + of.name() + "'");
        }
    }

    private FastNode compare(FastOps.Cmp op, String prefix, List<String> overloads, List<CelExpr> args)
            throws Unsupported {
        expectPrefix(overloads, prefix, args, 2);
        FastNode left = node(args.get(0));
        FastNode right = node(args.get(1));
        if (right instanceof FastNode.Const c && c.value instanceof Double d) {
            return new FastNode.CompareToDouble(op, left, d);
        }
        return new FastNode.Compare(op, left, right);
    }

    private FastNode arith(FastOps.Arith op, String prefix, List<String> overloads, List<CelExpr> args)
            throws Unsupported {
        expectPrefix(overloads, prefix, args, 2);
        return new FastNode.Arith(op, node(args.get(0)), node(args.get(1)));
    }

    private FastNode index(List<String> overloads, List<CelExpr> args) throws Unsupported {
        expectPrefix(overloads, "index_", args, 2);
        String key = stringLiteral(args.get(1), "index");
        if (params != null && isParams(args.get(0))) {
            return paramValue(key);
        }
        return new FastNode.Index(node(args.get(0)), key, holdsDoubles(args.get(0)));
    }

    private FastNode in(List<String> overloads, List<CelExpr> args) throws Unsupported {
        expectPrefix(overloads, "in_", args, 2);
        String key = stringLiteral(args.get(0), "'in' operand");
        if (params != null && isParams(args.get(1))) {
            return new FastNode.Const(params.containsKey(key));
        }
        return new FastNode.In(key, node(args.get(1)));
    }

    private static String stringLiteral(CelExpr e, String what) throws Unsupported {
        if (e.getKind() == CelExpr.ExprKind.Kind.CONSTANT && e.constant().getKind() == CelConstant.Kind.STRING_VALUE) {
            return e.constant().stringValue();
        }
        throw new Unsupported(what + " that is not a string literal");
    }

    private static void expect(List<String> overloads, String id, List<CelExpr> args, int arity) throws Unsupported {
        if (!overloads.equals(List.of(id)) || args.size() != arity) {
            throw new Unsupported("overloads " + overloads + " with " + args.size() + " argument(s)");
        }
    }

    private static void expectPrefix(List<String> overloads, String prefix, List<CelExpr> args, int arity)
            throws Unsupported {
        if (overloads.isEmpty() || !allStartWith(overloads, prefix) || args.size() != arity) {
            throw new Unsupported("overloads " + overloads + " with " + args.size() + " argument(s)");
        }
    }

    private static boolean allStartWith(List<String> overloads, String prefix) {
        return overloads.stream().allMatch(o -> o.startsWith(prefix));
    }
}
