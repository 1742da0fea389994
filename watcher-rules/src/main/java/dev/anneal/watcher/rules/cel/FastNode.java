package dev.anneal.watcher.rules.cel;

import java.util.Map;

/**
 * One node of a fast-path evaluator tree, compiled by {@link FastCompiler} from a checked CEL AST.
 * Nodes are immutable. {@link #eval} returns the value CEL would return, throws
 * {@link ExprEvaluationException} where CEL would fail, and throws {@link FastOps.Bail} where the
 * outcome depends on something the fast path does not model (the caller then runs the CEL program).
 */
abstract class FastNode {

    abstract Object eval(FastVariables v) throws ExprEvaluationException;

    // Leaves.

    static final class Const extends FastNode {
        final Object value;

        Const(Object value) {
            this.value = value;
        }

        @Override
        Object eval(FastVariables v) {
            return value;
        }
    }

    /** A sub-expression that always fails the same way (a missing parameter, folded at load). */
    static final class Fail extends FastNode {
        private final String message;

        Fail(String message) {
            this.message = message;
        }

        @Override
        Object eval(FastVariables v) throws ExprEvaluationException {
            throw new ExprEvaluationException(message);
        }
    }

    /** A derived name. Absent means CEL's "unknown": bail. */
    static final class Var extends FastNode {
        private final String name;

        Var(String name) {
            this.name = name;
        }

        @Override
        Object eval(FastVariables v) {
            Object x = v.variable(name);
            if (x == null) {
                throw FastOps.bail();
            }
            return FastOps.known(x);
        }
    }

    /** A field name that is not a derived name of the environment. Absent means unknown: bail. */
    static final class Field extends FastNode {
        private final String name;

        Field(String name) {
            this.name = name;
        }

        @Override
        Object eval(FastVariables v) {
            Object x = v.field(name);
            if (x == null) {
                throw FastOps.bail();
            }
            return FastOps.known(x);
        }
    }

    /** A built-in variable ({@code record}, {@code window}, ...). */
    static final class Builtin extends FastNode {
        enum Which { RECORD, PARAMS, WINDOW, ALERT, KIND, RUN_ID, BASELINE }

        private final Which which;

        Builtin(Which which) {
            this.which = which;
        }

        @Override
        Object eval(FastVariables v) {
            Object x;
            switch (which) {
                case RECORD:
                    x = v.record();
                    break;
                case PARAMS:
                    x = v.params();
                    break;
                case WINDOW:
                    x = v.window();
                    break;
                case ALERT:
                    x = v.alert();
                    break;
                case KIND:
                    x = v.kind();
                    return x instanceof String ? x : bailOut();
                case RUN_ID:
                    x = v.runId();
                    return x instanceof String ? x : bailOut();
                default:
                    x = v.baseline();
                    return x instanceof Double ? x : bailOut();
            }
            return x instanceof Map ? x : bailOut();
        }

        private static Object bailOut() {
            throw FastOps.bail();
        }
    }

    // Map access.

    /** {@code m.field} on a map: the value, an error for a missing key, unknown (bail) for a null value. */
    static final class Select extends FastNode {
        private final FastNode operand;
        private final String field;
        private final boolean doubles; // the operand is declared map(string, double)

        Select(FastNode operand, String field, boolean doubles) {
            this.operand = operand;
            this.field = field;
            this.doubles = doubles;
        }

        @Override
        Object eval(FastVariables v) throws ExprEvaluationException {
            Object o = operand.eval(v);
            if (!(o instanceof Map<?, ?> m)) {
                throw FastOps.bail(); // messages, or CEL's "field selection on a non-map" error
            }
            Object x = m.get(field);
            if (x == null) {
                if (m.containsKey(field)) {
                    throw FastOps.bail();
                }
                throw FastOps.missingKey(field);
            }
            if (doubles && !(x instanceof Double)) {
                throw FastOps.bail(); // a map declared map(string, double) holding something else
            }
            return FastOps.known(x);
        }
    }

    /** {@code has(m.field)} on a map: key presence (a null value counts as present). */
    static final class Has extends FastNode {
        private final FastNode operand;
        private final String field;

        Has(FastNode operand, String field) {
            this.operand = operand;
            this.field = field;
        }

        @Override
        Object eval(FastVariables v) throws ExprEvaluationException {
            Object o = operand.eval(v);
            if (!(o instanceof Map<?, ?> m)) {
                throw FastOps.bail();
            }
            return m.containsKey(field);
        }
    }

    /** {@code m['key']} with a constant string key: a null value is "not found", like a missing key. */
    static final class Index extends FastNode {
        private final FastNode operand;
        private final String key;
        private final boolean doubles;

        Index(FastNode operand, String key, boolean doubles) {
            this.operand = operand;
            this.key = key;
            this.doubles = doubles;
        }

        @Override
        Object eval(FastVariables v) throws ExprEvaluationException {
            Object o = operand.eval(v);
            if (!(o instanceof Map<?, ?> m)) {
                throw FastOps.bail();
            }
            Object x = m.get(key);
            if (x == null) {
                throw FastOps.missingKey(key);
            }
            if (doubles && !(x instanceof Double)) {
                throw FastOps.bail(); // a map declared map(string, double) holding something else
            }
            return FastOps.known(x);
        }
    }

    /** {@code 'key' in m} with a constant string key. */
    static final class In extends FastNode {
        private final String key;
        private final FastNode operand;

        In(String key, FastNode operand) {
            this.key = key;
            this.operand = operand;
        }

        @Override
        Object eval(FastVariables v) throws ExprEvaluationException {
            Object o = operand.eval(v);
            if (!(o instanceof Map<?, ?> m)) {
                throw FastOps.bail(); // lists: left to CEL
            }
            return m.get(key) != null;
        }
    }

    // Logic.

    /**
     * {@code a && b}: CEL's commutative, error-absorbing AND. An operand that fails is absorbed when
     * the other is false; when neither is false the left failure wins. An operand that evaluates to
     * a non-boolean value is an error of its own that is not absorbed (CEL-Java's behaviour).
     */
    static final class And extends FastNode {
        private final FastNode left;
        private final FastNode right;

        And(FastNode left, FastNode right) {
            this.left = left;
            this.right = right;
        }

        @Override
        Object eval(FastVariables v) throws ExprEvaluationException {
            ExprEvaluationException leftError = null;
            Object l = null;
            try {
                l = left.eval(v);
            } catch (ExprEvaluationException e) {
                leftError = e;
            }
            if (leftError == null) {
                if (!(l instanceof Boolean)) {
                    throw FastOps.notBoolean(l);
                }
                if (!(Boolean) l) {
                    return Boolean.FALSE;
                }
            }
            Object r;
            try {
                r = right.eval(v);
            } catch (ExprEvaluationException e) {
                throw leftError != null ? leftError : e;
            }
            if (!(r instanceof Boolean)) {
                throw FastOps.notBoolean(r);
            }
            if (!(Boolean) r) {
                return Boolean.FALSE;
            }
            if (leftError != null) {
                throw leftError;
            }
            return Boolean.TRUE;
        }
    }

    /** {@code a || b}: the mirror image of {@link And}. */
    static final class Or extends FastNode {
        private final FastNode left;
        private final FastNode right;

        Or(FastNode left, FastNode right) {
            this.left = left;
            this.right = right;
        }

        @Override
        Object eval(FastVariables v) throws ExprEvaluationException {
            ExprEvaluationException leftError = null;
            Object l = null;
            try {
                l = left.eval(v);
            } catch (ExprEvaluationException e) {
                leftError = e;
            }
            if (leftError == null) {
                if (!(l instanceof Boolean)) {
                    throw FastOps.notBoolean(l);
                }
                if ((Boolean) l) {
                    return Boolean.TRUE;
                }
            }
            Object r;
            try {
                r = right.eval(v);
            } catch (ExprEvaluationException e) {
                throw leftError != null ? leftError : e;
            }
            if (!(r instanceof Boolean)) {
                throw FastOps.notBoolean(r);
            }
            if ((Boolean) r) {
                return Boolean.TRUE;
            }
            if (leftError != null) {
                throw leftError;
            }
            return Boolean.FALSE;
        }
    }

    static final class Not extends FastNode {
        private final FastNode arg;

        Not(FastNode arg) {
            this.arg = arg;
        }

        @Override
        Object eval(FastVariables v) throws ExprEvaluationException {
            Object a = arg.eval(v);
            if (a instanceof Boolean b) {
                return !b;
            }
            throw FastOps.noOverload("!_", a);
        }
    }

    /** {@code c ? a : b}: only the chosen branch is evaluated. */
    static final class Cond extends FastNode {
        private final FastNode cond;
        private final FastNode then;
        private final FastNode otherwise;

        Cond(FastNode cond, FastNode then, FastNode otherwise) {
            this.cond = cond;
            this.then = then;
            this.otherwise = otherwise;
        }

        @Override
        Object eval(FastVariables v) throws ExprEvaluationException {
            Object c = cond.eval(v);
            if (!(c instanceof Boolean)) {
                throw FastOps.notBoolean(c);
            }
            return (Boolean) c ? then.eval(v) : otherwise.eval(v);
        }
    }

    // Equality, ordering, types.

    static final class Eq extends FastNode {
        private final FastNode left;
        private final FastNode right;
        private final boolean negate;

        Eq(FastNode left, FastNode right, boolean negate) {
            this.left = left;
            this.right = right;
            this.negate = negate;
        }

        @Override
        Object eval(FastVariables v) throws ExprEvaluationException {
            Object a = left.eval(v);
            Object b = right.eval(v);
            return FastOps.equal(a, b) != negate;
        }
    }

    /** {@code type(x) == T} / {@code type(x) != T} for a simple type name T. */
    static final class TypeIs extends FastNode {
        private final FastNode arg;
        private final Class<?> type; // the final class CEL uses for T; null for list and map
        private final boolean negate;

        TypeIs(FastNode arg, String typeName, boolean negate) {
            this.arg = arg;
            this.type = FastOps.scalarClass(typeName);
            this.negate = negate;
        }

        @Override
        Object eval(FastVariables v) throws ExprEvaluationException {
            Object a = arg.eval(v);
            if (a.getClass() == type) {
                return !negate;
            }
            if (a instanceof java.util.List || a instanceof Map) {
                throw FastOps.bail(); // CEL derives a container's type from its contents (and can fail)
            }
            FastOps.known(a); // bails on values that are not CEL's
            return negate;
        }
    }

    static final class Compare extends FastNode {
        private final FastOps.Cmp op;
        private final FastNode left;
        private final FastNode right;

        Compare(FastOps.Cmp op, FastNode left, FastNode right) {
            this.op = op;
            this.left = left;
            this.right = right;
        }

        @Override
        Object eval(FastVariables v) throws ExprEvaluationException {
            Object a = left.eval(v);
            Object b = right.eval(v);
            return FastOps.compare(op, a, b);
        }
    }

    /** A comparison against a double constant (literal or folded parameter) on the right. */
    static final class CompareToDouble extends FastNode {
        private final FastOps.Cmp op;
        private final FastNode left;
        private final Double constant;
        private final double c;

        CompareToDouble(FastOps.Cmp op, FastNode left, Double constant) {
            this.op = op;
            this.left = left;
            this.constant = constant;
            this.c = constant;
        }

        @Override
        Object eval(FastVariables v) throws ExprEvaluationException {
            Object a = left.eval(v);
            if (a instanceof Double d) {
                return op.doubles(d, c);
            }
            return FastOps.compare(op, a, constant);
        }
    }

    // Arithmetic and functions.

    static final class Arith extends FastNode {
        private final FastOps.Arith op;
        private final FastNode left;
        private final FastNode right;

        Arith(FastOps.Arith op, FastNode left, FastNode right) {
            this.op = op;
            this.left = left;
            this.right = right;
        }

        @Override
        Object eval(FastVariables v) throws ExprEvaluationException {
            Object a = left.eval(v);
            Object b = right.eval(v);
            return FastOps.arith(op, a, b);
        }
    }

    static final class Negate extends FastNode {
        private final FastNode arg;

        Negate(FastNode arg) {
            this.arg = arg;
        }

        @Override
        Object eval(FastVariables v) throws ExprEvaluationException {
            return FastOps.negate(arg.eval(v));
        }
    }

    static final class Abs extends FastNode {
        private final FastNode arg;

        Abs(FastNode arg) {
            this.arg = arg;
        }

        @Override
        Object eval(FastVariables v) throws ExprEvaluationException {
            return FastOps.abs(arg.eval(v));
        }
    }

    static final class Size extends FastNode {
        private final FastNode arg;

        Size(FastNode arg) {
            this.arg = arg;
        }

        @Override
        Object eval(FastVariables v) throws ExprEvaluationException {
            return FastOps.size(arg.eval(v));
        }
    }
}
