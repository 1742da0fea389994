package dev.anneal.watcher.rules.yaml;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Optional;

/**
 * What the text of a bare (unquoted) YAML scalar means under YAML 1.1, the dialect the parser
 * speaks: booleans including yes/no/on/off, {@code .inf} and {@code .nan}, numbers with
 * {@code _} separators and {@code 0x} hex.
 */
public final class YamlScalars {

    private YamlScalars() {
    }

    /** {@code true}/{@code yes}/{@code on} or {@code false}/{@code no}/{@code off}, any case. */
    public static Optional<Boolean> bool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> Optional.of(true);
            case "false", "no", "off" -> Optional.of(false);
            default -> Optional.empty();
        };
    }

    /** {@code .inf}, {@code +.inf}, {@code -.inf} or {@code .nan}, any case. */
    public static Optional<Double> specialFloat(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case ".inf", "+.inf" -> Optional.of(Double.POSITIVE_INFINITY);
            case "-.inf" -> Optional.of(Double.NEGATIVE_INFINITY);
            case ".nan" -> Optional.of(Double.NaN);
            default -> Optional.empty();
        };
    }

    /** A decimal or {@code 0x} hexadecimal number, exactly. */
    public static Optional<BigDecimal> number(String text) {
        String t = text.trim().replace("_", "");
        try {
            String digits = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
            if (digits.startsWith("0x") || digits.startsWith("0X")) {
                BigInteger v = new BigInteger(digits.substring(2), 16);
                return Optional.of(new BigDecimal(t.startsWith("-") ? v.negate() : v));
            }
            return Optional.of(new BigDecimal(t));
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }
}
