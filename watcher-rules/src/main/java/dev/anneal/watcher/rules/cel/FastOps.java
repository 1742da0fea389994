package dev.anneal.watcher.rules.cel;

import com.google.common.primitives.UnsignedLong;
import dev.cel.common.values.NullValue;
import java.util.List;
import java.util.Map;

/**
 * The value semantics of the fast path, transcribed from CEL-Java 0.14's standard runtime (the
 * legacy interpreter {@code CelRuntimeFactory.standardCelRuntimeBuilder()} builds) with
 * {@code enableHeterogeneousNumericComparisons}. {@code FastPathDifferentialTest} checks every
 * rule here against the real CEL program.
 *
 * <p>Values the fast path handles are CEL's own Java representations: {@link Double},
 * {@link Long} (int), {@link UnsignedLong} (uint), {@link String}, {@link Boolean},
 * {@link NullValue}, {@link List} and {@link Map}. Anything else (an {@code Integer} a caller put in
 * a map, CEL unknowns, bytes, timestamps), a Java {@code null} where CEL would produce an unknown,
 * and the rare operations not transcribed (uint arithmetic, list/map equality) make the fast path
 * {@linkplain Bail bail out}: the caller re-evaluates the whole expression with the CEL program, so
 * these cases keep CEL's exact behaviour.
 */
final class FastOps {

    private static final UnsignedLong UINT_TO_INT_MAX = UnsignedLong.valueOf(Long.MAX_VALUE);
    private static final double DOUBLE_TO_INT_MAX = (double) Long.MAX_VALUE;
    private static final double DOUBLE_TO_INT_MIN = (double) Long.MIN_VALUE;
    private static final double DOUBLE_TO_UINT_MAX = UnsignedLong.MAX_VALUE.doubleValue();

    private FastOps() {
    }

    /**
     * Thrown when the fast path cannot decide an evaluation with certainty; the caller falls back to
     * the CEL program for the whole expression. Preallocated and stackless: bailing is cheap.
     */
    static final class Bail extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Bail INSTANCE = new Bail();

        private Bail() {
            super("fast path bailed out", null, false, false);
        }
    }

    static Bail bail() {
        return Bail.INSTANCE;
    }

    /** Returns {@code v} when it is a value the fast path understands, else bails. */
    static Object known(Object v) {
        if (v instanceof Double || v instanceof String || v instanceof Boolean || v instanceof Long
                || v instanceof NullValue || v instanceof List || v instanceof Map || v instanceof UnsignedLong) {
            return v;
        }
        throw bail();
    }

    /** CEL's name for the type of a value the fast path understands; bails on anything else. */
    static String typeName(Object v) {
        if (v instanceof Double) {
            return "double";
        }
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof Long) {
            return "int";
        }
        if (v instanceof NullValue) {
            return "null_type";
        }
        if (v instanceof UnsignedLong) {
            return "uint";
        }
        if (v instanceof List) {
            return "list";
        }
        if (v instanceof Map) {
            return "map";
        }
        throw bail();
    }

    /** The (final) Java class of CEL values of a scalar type; null for list and map. */
    static Class<?> scalarClass(String typeName) {
        switch (typeName) {
            case "double":
                return Double.class;
            case "string":
                return String.class;
            case "bool":
                return Boolean.class;
            case "int":
                return Long.class;
            case "null_type":
                return NullValue.class;
            case "uint":
                return UnsignedLong.class;
            case "list":
            case "map":
                return null;
            default:
                throw new IllegalArgumentException(typeName);
        }
    }

    private static String describe(Object v) {
        try {
            return typeName(v);
        } catch (Bail b) {
            return v == null ? "null" : v.getClass().getSimpleName();
        }
    }

    static ExprEvaluationException noOverload(String function, Object... args) {
        StringBuilder sb = new StringBuilder("no matching overload for '").append(function).append("' applied to (");
        for (int i = 0; i < args.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(describe(args[i]));
        }
        return new ExprEvaluationException(sb.append(')').toString());
    }

    static ExprEvaluationException notBoolean(Object v) {
        return new ExprEvaluationException("expected boolean value, found: " + v);
    }

    static ExprEvaluationException missingKey(String key) {
        return new ExprEvaluationException("key '" + key + "' is not present in map.");
    }

    // Equality (RuntimeEquality.objectEquals with heterogeneous numeric equality).

    static boolean equal(Object a, Object b) {
        if (a == b) {
            return true; // CEL checks identity first: the same NaN object equals itself
        }
        Class<?> c = a.getClass(); // dispatch on the exact (final) class: interface checks are slow
        if (c == String.class || c == Boolean.class || c == NullValue.class) {
            return a.equals(b); // different kinds are unequal
        }
        if (c == Double.class) {
            Double x = (Double) a;
            if (b instanceof Double y) {
                return x.doubleValue() == y.doubleValue(); // false for NaN, true for -0.0 == 0.0
            }
            if (b instanceof Long y) {
                return compareDoubleInt(x, y) == 0;
            }
            if (b instanceof UnsignedLong y) {
                return compareDoubleUint(x, y) == 0;
            }
            return false;
        }
        if (c == Long.class) {
            Long x = (Long) a;
            if (b instanceof Long y) {
                return x.longValue() == y.longValue();
            }
            if (b instanceof Double y) {
                return compareDoubleInt(y, x) == 0;
            }
            if (b instanceof UnsignedLong y) {
                return compareIntUint(x, y) == 0;
            }
            return false;
        }
        if (c == UnsignedLong.class) {
            UnsignedLong x = (UnsignedLong) a;
            if (b instanceof UnsignedLong y) {
                return x.equals(y);
            }
            if (b instanceof Double y) {
                return compareDoubleUint(y, x) == 0;
            }
            if (b instanceof Long y) {
                return compareIntUint(y, x) == 0;
            }
            return false;
        }
        if ((a instanceof List && b instanceof List) || (a instanceof Map && b instanceof Map)) {
            throw bail(); // element-wise heterogeneous equality: left to CEL
        }
        return false; // a list or a map against a value of another kind
    }

    // Ordering (the less/greater overloads and ComparisonFunctions).

    /** A comparison operator. */
    enum Cmp {
        LT("_<_"), LE("_<=_"), GT("_>_"), GE("_>=_");

        final String function;

        Cmp(String function) {
            this.function = function;
        }

        /** The double/double overloads compare primitives: false whenever a NaN is involved. */
        boolean doubles(double a, double b) {
            switch (this) {
                case LT:
                    return a < b;
                case LE:
                    return a <= b;
                case GT:
                    return a > b;
                default:
                    return a >= b;
            }
        }

        /** The other overloads go through a three-way comparison. */
        boolean of(int c) {
            switch (this) {
                case LT:
                    return c < 0;
                case LE:
                    return c <= 0;
                case GT:
                    return c > 0;
                default:
                    return c >= 0;
            }
        }
    }

    static boolean compare(Cmp op, Object a, Object b) throws ExprEvaluationException {
        if (a instanceof Double x) {
            if (b instanceof Double y) {
                return op.doubles(x, y);
            }
            if (b instanceof Long y) {
                return op.of(compareDoubleInt(x, y));
            }
            if (b instanceof UnsignedLong y) {
                return op.of(compareDoubleUint(x, y));
            }
        } else if (a instanceof Long x) {
            if (b instanceof Long y) {
                return op.of(Long.compare(x, y));
            }
            if (b instanceof Double y) {
                return op.of(-compareDoubleInt(y, x));
            }
            if (b instanceof UnsignedLong y) {
                return op.of(compareIntUint(x, y));
            }
        } else if (a instanceof UnsignedLong x) {
            if (b instanceof UnsignedLong y) {
                return op.of(x.compareTo(y));
            }
            if (b instanceof Double y) {
                return op.of(-compareDoubleUint(y, x));
            }
            if (b instanceof Long y) {
                return op.of(-compareIntUint(y, x));
            }
        } else if (a instanceof String x) {
            if (b instanceof String y) {
                return op.of(x.compareTo(y)); // UTF-16 code unit order, as CEL-Java
            }
        } else if (a instanceof Boolean x) {
            if (b instanceof Boolean y) {
                return op.of(Boolean.compare(x, y));
            }
        }
        throw noOverload(op.function, a, b);
    }

    static int compareDoubleInt(double d, long l) {
        if (d < DOUBLE_TO_INT_MIN) {
            return -1;
        }
        if (d > DOUBLE_TO_INT_MAX) {
            return 1;
        }
        return Double.compare(d, (double) l); // NaN sorts above everything, -0.0 below 0
    }

    static int compareDoubleUint(double d, UnsignedLong ul) {
        if (d < 0.0) {
            return -1;
        }
        if (d > DOUBLE_TO_UINT_MAX) {
            return 1;
        }
        return Double.compare(d, ul.doubleValue());
    }

    static int compareIntUint(long l, UnsignedLong ul) {
        if (l < 0 || ul.compareTo(UINT_TO_INT_MAX) >= 0) {
            return -1;
        }
        return Long.compare(l, ul.longValue());
    }

    // Arithmetic.

    /** An arithmetic operator. */
    enum Arith {
        ADD("_+_"), SUB("_-_"), MUL("_*_"), DIV("_/_"), MOD("_%_");

        final String function;

        Arith(String function) {
            this.function = function;
        }
    }

    static Object arith(Arith op, Object a, Object b) throws ExprEvaluationException {
        if (a instanceof Double x && b instanceof Double y) {
            double p = x;
            double q = y;
            switch (op) {
                case ADD:
                    return p + q;
                case SUB:
                    return p - q;
                case MUL:
                    return p * q;
                case DIV:
                    return p / q; // division by zero gives +-inf or NaN, as CEL
                default:
                    throw noOverload(op.function, a, b);
            }
        }
        if (a instanceof Long x && b instanceof Long y) {
            long p = x;
            long q = y;
            try {
                switch (op) {
                    case ADD:
                        return Math.addExact(p, q);
                    case SUB:
                        return Math.subtractExact(p, q);
                    case MUL:
                        return Math.multiplyExact(p, q);
                    case DIV:
                        if (q == 0) {
                            throw new ExprEvaluationException("/ by zero");
                        }
                        if (p == Long.MIN_VALUE && q == -1) {
                            throw new ExprEvaluationException("most negative number wraps");
                        }
                        return p / q;
                    default:
                        if (q == 0) {
                            throw new ExprEvaluationException("/ by zero");
                        }
                        return p % q;
                }
            } catch (ArithmeticException e) {
                throw new ExprEvaluationException(e.getMessage()); // "long overflow"
            }
        }
        if (op == Arith.ADD && a instanceof String x && b instanceof String y) {
            return x.concat(y);
        }
        if ((a instanceof UnsignedLong && b instanceof UnsignedLong)
                || (op == Arith.ADD && a instanceof List && b instanceof List)) {
            throw bail();
        }
        throw noOverload(op.function, a, b);
    }

    static Object negate(Object a) throws ExprEvaluationException {
        if (a instanceof Double x) {
            return -x;
        }
        if (a instanceof Long x) {
            if (x == Long.MIN_VALUE) {
                throw new ExprEvaluationException("long overflow");
            }
            return -x;
        }
        throw noOverload("-_", a);
    }

    static Object abs(Object a) throws ExprEvaluationException {
        if (a instanceof Double x) {
            return Math.abs(x);
        }
        if (a instanceof Long x) {
            if (x == Long.MIN_VALUE) {
                throw new ExprEvaluationException("integer overflow");
            }
            return Math.abs(x);
        }
        if (a instanceof UnsignedLong) {
            throw bail();
        }
        throw noOverload("math.abs", a);
    }

    static Object size(Object a) throws ExprEvaluationException {
        if (a instanceof String s) {
            return (long) s.codePointCount(0, s.length());
        }
        if (a instanceof List<?> l) {
            return (long) l.size();
        }
        if (a instanceof Map<?, ?> m) {
            return (long) m.size();
        }
        throw noOverload("size", a);
    }
}
