package dev.anneal.watcher.core.decode;

import dev.anneal.watcher.rules.model.FieldValues;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code str()} of a decoded JSON value. townlet builds reason strings such as
 * {@code loss_flag_cycle_1.0} from {@code str(stage["cycle"])}, and the watcher has to produce the
 * same text to be comparable with promotion_evaluate.py output, so float formatting follows
 * CPython's {@code repr}: the shortest digits that round-trip, positional notation for decimal
 * exponents in [-4, 16), otherwise {@code 1e+16} style.
 */
final class PythonRepr {

    private PythonRepr() {
    }

    /**
     * {@code str(value)} as Python prints the value json.loads produced.
     *
     * @param value       the normalised value, or null when the key was absent (prints {@code None})
     * @param integerText the literal text when the JSON token was an integer, else null
     */
    static String str(Object value, String integerText) {
        if (integerText != null) {
            return new BigInteger(integerText).toString();
        }
        if (value instanceof String s) {
            return s;
        }
        return repr(value);
    }

    /** CPython's {@code repr(float)}. */
    static String floatRepr(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0.0) {
            return (1.0 / value) < 0 ? "-0.0" : "0.0";
        }
        BigDecimal shortest = shortestRoundTrip(value);
        String digits = shortest.unscaledValue().abs().toString();
        int strip = digits.length();
        while (strip > 1 && digits.charAt(strip - 1) == '0') {
            strip--;
        }
        // value = 0.<digits> * 10^decimalPoint
        int decimalPoint = digits.length() - shortest.scale();
        digits = digits.substring(0, strip);
        String sign = value < 0 ? "-" : "";
        if (decimalPoint > -4 && decimalPoint <= 16) {
            return sign + positional(digits, decimalPoint);
        }
        int exponent = decimalPoint - 1;
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String exponentText = String.format("%s%02d", exponent < 0 ? "-" : "+", Math.abs(exponent));
        return sign + mantissa + "e" + exponentText;
    }

    private static String repr(Object value) {
        if (value == null || value == FieldValues.NULL) {
            return "None";
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (value instanceof Double d) {
            return floatRepr(d);
        }
        if (value instanceof String s) {
            return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
        }
        if (value instanceof List<?> list) {
            StringBuilder out = new StringBuilder("[");
            for (Iterator<?> it = list.iterator(); it.hasNext(); ) {
                out.append(repr(it.next()));
                if (it.hasNext()) {
                    out.append(", ");
                }
            }
            return out.append(']').toString();
        }
        if (value instanceof Map<?, ?> map) {
            StringBuilder out = new StringBuilder("{");
            for (Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<?, ?> e = it.next();
                out.append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
                if (it.hasNext()) {
                    out.append(", ");
                }
            }
            return out.append('}').toString();
        }
        return String.valueOf(value);
    }

    private static BigDecimal shortestRoundTrip(double value) {
        BigDecimal exact = new BigDecimal(value);
        for (int precision = 1; precision < 17; precision++) {
            BigDecimal candidate = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            if (candidate.doubleValue() == value) {
                return candidate;
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
    }

    private static String positional(String digits, int decimalPoint) {
        if (decimalPoint <= 0) {
            return "0." + "0".repeat(-decimalPoint) + digits;
        }
        if (decimalPoint >= digits.length()) {
            return digits + "0".repeat(decimalPoint - digits.length()) + ".0";
        }
        return digits.substring(0, decimalPoint) + "." + digits.substring(decimalPoint);
    }
}
