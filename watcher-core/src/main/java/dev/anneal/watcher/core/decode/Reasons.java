package dev.anneal.watcher.core.decode;

import static dev.anneal.watcher.rules.model.RejectionCategory.BAD_ENVELOPE;
import static dev.anneal.watcher.rules.model.RejectionCategory.EMPTY;
import static dev.anneal.watcher.rules.model.RejectionCategory.INVALID_JSON;
import static dev.anneal.watcher.rules.model.RejectionCategory.MISSING_KEYS;
import static dev.anneal.watcher.rules.model.RejectionCategory.NON_FINITE;
import static dev.anneal.watcher.rules.model.RejectionCategory.NOT_AN_OBJECT;
import static dev.anneal.watcher.rules.model.RejectionCategory.TOO_LARGE;
import static dev.anneal.watcher.rules.model.RejectionCategory.UNRECOGNISED;
import static dev.anneal.watcher.rules.model.RejectionCategory.WRONG_TYPE;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.anneal.watcher.rules.model.FieldValues;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.RejectReason;
import dev.anneal.watcher.rules.model.RejectionCategory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every rejection reason the decoder produces, in one place, so that the wording stays consistent
 * (key lists sorted, values quoted the same way) and tests can assert exact texts. Each factory
 * creates the reason with its {@link RejectionCategory}, so the category never has to be read
 * back out of the wording.
 */
final class Reasons {

    /** Longest key list printed in an "unrecognised record" reason before it is cut. */
    static final int MAX_KEYS_SHOWN = 20;

    private static final int MAX_VALUE_CHARS = 80;

    /** Jackson's pointer to where an unclosed object or array started, which names no useful source. */
    private static final Pattern SOURCE_REFERENCE = Pattern.compile("\\s*\\([^()]*\\[Source:.*$", Pattern.DOTALL);

    /** Jackson's long list of what a value may be; "a JSON value" says the same to a person. */
    private static final Pattern VALUE_LIST =
            Pattern.compile("(?:expecting|expected a valid value) \\(JSON String, Number.*\\)$");

    static final RejectReason NOT_TICK_HEALTH = new RejectReason(WRONG_TYPE, "not a tick_health line");
    static final RejectReason WORLD_TELEMETRY =
            new RejectReason(RejectionCategory.WORLD_TELEMETRY,
                    "world telemetry (K10) records are not evaluated by the watcher");
    static final RejectReason EMPTY_DOCUMENT = new RejectReason(EMPTY, "empty JSON document");

    private Reasons() {
    }

    static RejectReason invalidJson(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        }
        message = SOURCE_REFERENCE.matcher(message).replaceFirst("");
        message = cutAt(message, " at [Source");
        message = cutAt(message, "\n");
        message = message
                .replace("Unexpected end-of-input: expected close marker for Object", "Unexpected end-of-input in object")
                .replace("Unexpected end-of-input: expected close marker for Array", "Unexpected end-of-input in array")
                .replace("Unexpected end-of-input in VALUE_STRING", "Unexpected end-of-input in string");
        message = VALUE_LIST.matcher(message).replaceFirst("expecting a JSON value");
        return new RejectReason(INVALID_JSON, "invalid JSON: " + message + location(e.getLocation()));
    }

    static RejectReason trailingContent(JsonLocation location) {
        return new RejectReason(INVALID_JSON,
                "invalid JSON: trailing content after the top-level value" + location(location));
    }

    static RejectReason notAnObject(Object value) {
        return new RejectReason(NOT_AN_OBJECT, "not a JSON object (found " + typeName(value) + ")");
    }

    static RejectReason nonFinite(List<Object> path) {
        String key = String.valueOf(path.get(0));
        if (path.size() == 1) {
            return new RejectReason(NON_FINITE, "non-finite number for key " + key);
        }
        return new RejectReason(NON_FINITE, "non-finite number for key " + key + " (at " + renderPath(path) + ")");
    }

    static RejectReason unrecognised(Collection<String> keys) {
        if (keys.isEmpty()) {
            return new RejectReason(UNRECOGNISED, "unrecognised record: no known kind matches (no keys)");
        }
        return new RejectReason(UNRECOGNISED,
                "unrecognised record: no known kind matches (keys: " + keyList(keys, MAX_KEYS_SHOWN) + ")");
    }

    static RejectReason unrecognisedStage(Object mode, Collection<String> keys) {
        if (FieldValues.isMissing(mode)) {
            return new RejectReason(UNRECOGNISED,
                    "unrecognised stage result: no mode \"bc\" or \"ppo\" and no PPO keys (keys: "
                            + keyList(keys, MAX_KEYS_SHOWN) + ")");
        }
        return new RejectReason(UNRECOGNISED,
                "unrecognised stage result: mode " + render(mode) + " is not \"bc\" or \"ppo\"");
    }

    static RejectReason stageNotAnObject(int index, Object value) {
        return new RejectReason(NOT_AN_OBJECT,
                "rehearsal results[" + index + "] is not a JSON object (found " + typeName(value) + ")");
    }

    static RejectReason unknownEnvelopeKeys(Collection<String> keys) {
        return new RejectReason(BAD_ENVELOPE, "unknown envelope keys: " + keyList(keys, Integer.MAX_VALUE));
    }

    static RejectReason envelopeKind(Object kind) {
        String valid = Arrays.stream(RecordKind.values()).map(RecordKind::id).collect(Collectors.joining(", "));
        return new RejectReason(BAD_ENVELOPE, "envelope kind " + render(kind) + " is not one of " + valid);
    }

    /** A {@code run_end} envelope whose data is more than an optional reason text. */
    static RejectReason runEndData(Collection<String> keys, Object reason) {
        if (keys.stream().anyMatch(k -> !k.equals("reason"))) {
            return new RejectReason(BAD_ENVELOPE, "run_end data may only hold a reason, not "
                    + keyList(keys.stream().filter(k -> !k.equals("reason")).toList(), Integer.MAX_VALUE));
        }
        return new RejectReason(WRONG_TYPE, "run_end reason must be a string (found " + describeForType(reason) + ")");
    }

    static RejectReason envelopeTs(Object ts) {
        return new RejectReason(BAD_ENVELOPE,
                "envelope ts " + render(ts) + " is not an ISO-8601 instant or epoch milliseconds");
    }

    static RejectReason envelopeRunId(Object runId) {
        return new RejectReason(BAD_ENVELOPE,
                "envelope run_id must be a non-blank string (found " + describeForType(runId) + ")");
    }

    static RejectReason envelopeSynthetic(Object synthetic) {
        return new RejectReason(BAD_ENVELOPE,
                "envelope synthetic must be a boolean (found " + typeName(synthetic) + ")");
    }

    static RejectReason envelopeData(Object data) {
        return new RejectReason(BAD_ENVELOPE,
                "envelope data must be an object or an array (found " + typeName(data) + ")");
    }

    static RejectReason lacksKeys(String subject, Collection<String> missing) {
        return new RejectReason(MISSING_KEYS,
                subject + " lacks " + (missing.size() == 1 ? "key " : "keys ") + keyList(missing, Integer.MAX_VALUE));
    }

    static RejectReason notANumber(String subject, String key, Object value) {
        return new RejectReason(WRONG_TYPE,
                subject + " value for key " + key + " is not a number (found " + typeName(value) + ")");
    }

    static RejectReason notABoolean(String subject, String key, Object value) {
        return new RejectReason(WRONG_TYPE,
                subject + " value for key " + key + " is not a boolean (found " + typeName(value) + ")");
    }

    static RejectReason isNull(String subject, List<String> keys, String nullWord) {
        List<String> sorted = new ArrayList<>(keys);
        sorted.sort(null);
        if (sorted.size() == 1) {
            return new RejectReason(WRONG_TYPE, subject + " value for key " + sorted.get(0) + " is " + nullWord);
        }
        return new RejectReason(WRONG_TYPE,
                subject + " values for keys " + String.join(", ", sorted) + " are " + nullWord);
    }

    static RejectReason healthNotANumber(String key, String value) {
        return new RejectReason(WRONG_TYPE, "tick_health value for key " + key + " is not a number: " + quote(value));
    }

    static RejectReason lineTooLong(int maxBytes) {
        return new RejectReason(TOO_LARGE, "line longer than " + maxBytes + " bytes");
    }

    static RejectReason documentTooLarge(long maxBytes) {
        return new RejectReason(TOO_LARGE, "JSON document larger than " + maxBytes + " bytes; split it or use NDJSON");
    }

    /** The JSON type name of a normalised value, as used in "found ..." phrases. */
    static String typeName(Object value) {
        if (value == null) {
            return "nothing";
        }
        if (value == FieldValues.NULL) {
            return "null";
        }
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Number) {
            return "number";
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        if (value instanceof List) {
            return "array";
        }
        return "object";
    }

    /** A short rendering of a normalised value for a reason: strings quoted, containers by type. */
    static String render(Object value) {
        if (value instanceof String s) {
            return quote(s);
        }
        if (value instanceof Double d) {
            return PythonRepr.floatRepr(d);
        }
        if (value instanceof Boolean || value == FieldValues.NULL) {
            return String.valueOf(value == FieldValues.NULL ? "null" : value);
        }
        return "(an " + typeName(value) + ")";
    }

    private static String describeForType(Object value) {
        return value instanceof String s && s.isBlank() ? "a blank string" : typeName(value);
    }

    static String quote(String text) {
        String shown = text.length() > MAX_VALUE_CHARS ? text.substring(0, MAX_VALUE_CHARS) + "…" : text;
        StringBuilder out = new StringBuilder(shown.length() + 2).append('"');
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    static String keyList(Collection<String> keys, int max) {
        List<String> sorted = new ArrayList<>(keys);
        sorted.sort(null);
        if (sorted.size() <= max) {
            return String.join(", ", sorted);
        }
        return String.join(", ", sorted.subList(0, max)) + ", … (" + (sorted.size() - max) + " more)";
    }

    private static String renderPath(List<Object> path) {
        StringBuilder out = new StringBuilder();
        for (Object element : path) {
            if (element instanceof Integer index) {
                out.append('[').append(index).append(']');
            } else {
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(element);
            }
        }
        return out.toString();
    }

    private static String location(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static String cutAt(String text, String marker) {
        int at = text.indexOf(marker);
        return at >= 0 ? text.substring(0, at) : text;
    }
}
