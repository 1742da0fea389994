package dev.anneal.watcher.core.decode;

import dev.anneal.watcher.rules.model.FieldValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Health records (townlet K2): parsing of {@code tick_health} log lines and the required-key check
 * shared with JSON health records.
 *
 * <p>The line rules follow townlet's {@code _parse_health_line} where it is sound (strip, the
 * first token must be exactly {@code tick_health}, tokens without {@code =} are ignored, the last
 * duplicate wins) and deliberately differ where townlet silently loses data: {@code None} becomes
 * {@link FieldValues#NULL} instead of dropping the key, exponent notation such as {@code 1e-3} is a
 * number, and any other unparsable value rejects the line instead of vanishing, so a watcher never
 * evaluates a line with a key quietly missing.
 */
final class HealthFields {

    /** Keys townlet requires on every health line. */
    static final List<String> REQUIRED = List.of("tick", "duration_ms", "queue", "dropped");

    private static final String TOKEN = "tick_health";
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern NUMBER = Pattern.compile("[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?");

    private HealthFields() {
    }

    /** True when the text's first whitespace-separated token is exactly {@code tick_health}. */
    static boolean startsWithToken(String text) {
        String stripped = text.strip();
        return stripped.startsWith(TOKEN)
                && (stripped.length() == TOKEN.length() || Character.isWhitespace(stripped.charAt(TOKEN.length())));
    }

    /**
     * Parses one non-blank line into normalised fields.
     *
     * @throws DecodeFailure with the rejection reason
     */
    static Map<String, Object> parseLine(String line) {
        if (!startsWithToken(line)) {
            throw new DecodeFailure(Reasons.NOT_TICK_HEALTH);
        }
        String[] tokens = WHITESPACE.split(line.strip());
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 1; i < tokens.length; i++) {
            String token = tokens[i];
            int eq = token.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = token.substring(0, eq);
            String text = token.substring(eq + 1);
            fields.put(key, parseValue(key, text));
        }
        checkRequired(fields, "tick_health line", "tick_health", "None");
        return fields;
    }

    /**
     * Checks that every required key is present and a number.
     *
     * @param subject      how to name the record in a "lacks keys" reason
     * @param valueSubject how to name the record in a "value for key" reason
     * @param nullWord     how the source spells null ({@code None} in log lines, {@code null} in JSON)
     * @throws DecodeFailure with the rejection reason
     */
    static void checkRequired(Map<String, Object> fields, String subject, String valueSubject, String nullWord) {
        List<String> missing = new ArrayList<>();
        List<String> nulls = new ArrayList<>();
        for (String key : REQUIRED) {
            Object value = fields.get(key);
            if (value == null) {
                missing.add(key);
            } else if (value == FieldValues.NULL) {
                nulls.add(key);
            }
        }
        if (!missing.isEmpty()) {
            throw new DecodeFailure(Reasons.lacksKeys(subject, missing));
        }
        if (!nulls.isEmpty()) {
            throw new DecodeFailure(Reasons.isNull(valueSubject, nulls, nullWord));
        }
        for (String key : REQUIRED) {
            Object value = fields.get(key);
            if (!(value instanceof Double)) {
                throw new DecodeFailure(Reasons.notANumber(valueSubject, key, value));
            }
        }
    }

    private static Object parseValue(String key, String text) {
        if (text.equals("None")) {
            return FieldValues.NULL;
        }
        if (!NUMBER.matcher(text).matches()) {
            throw new DecodeFailure(Reasons.healthNotANumber(key, text));
        }
        double value = Double.parseDouble(text);
        if (!Double.isFinite(value)) {
            throw new DecodeFailure(Reasons.nonFinite(List.of(key)));
        }
        return value;
    }
}
