package dev.anneal.watcher.core.decode;

import dev.anneal.watcher.rules.model.FieldValues;
import dev.anneal.watcher.rules.model.RecordKind;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The watcher's own wrapper around a townlet payload:
 * {@code {"run_id": ..., "kind": ..., "ts": ..., "synthetic": ..., "data": {...} or [...]}}.
 * townlet payloads carry no run id, kind or timestamp, so producers that can add them (a Kafka
 * bridge, QA injecting synthetic records) wrap the payload instead of changing its schema.
 *
 * <p>An object is an envelope when it has {@code data} and either names {@code run_id} or
 * {@code kind}, or has no keys outside the envelope set; in the first case any other key is an
 * error rather than a reason to treat the object as a plain record, because a typo in an envelope
 * key must not silently turn the whole message into an unrecognised record. A JSON null in an
 * optional envelope key means "not given".
 *
 * @param runId     the envelope's run id, or null when not given
 * @param kind      the envelope's kind, or null to detect it from the payload
 * @param timestamp event time in epoch milliseconds, or null when not given
 * @param synthetic whether QA injected the record
 */
record Envelope(String runId, RecordKind kind, Long timestamp, boolean synthetic) {

    /** No envelope: everything comes from the decoder's defaults and from detection. */
    static final Envelope NONE = new Envelope(null, null, null, false);

    private static final Set<String> KEYS = Set.of("data", "run_id", "kind", "ts", "synthetic");

    static boolean isEnvelope(Map<String, Object> object) {
        if (!object.containsKey("data")) {
            return false;
        }
        if (object.containsKey("run_id") || object.containsKey("kind")) {
            return true;
        }
        return KEYS.containsAll(object.keySet());
    }

    /**
     * Validates the envelope keys of {@code object} (not its {@code data}).
     *
     * @throws DecodeFailure naming the first problem
     */
    static Envelope parse(Map<String, Object> object) {
        List<String> unknown = new ArrayList<>();
        for (String key : object.keySet()) {
            if (!KEYS.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new DecodeFailure(Reasons.unknownEnvelopeKeys(unknown));
        }
        RecordKind kind = null;
        Object kindValue = object.get("kind");
        if (!FieldValues.isMissing(kindValue)) {
            Optional<RecordKind> known = kindValue instanceof String s ? RecordKind.fromId(s) : Optional.empty();
            kind = known.orElseThrow(() -> new DecodeFailure(Reasons.envelopeKind(kindValue)));
        }
        String runId = null;
        Object runIdValue = object.get("run_id");
        if (!FieldValues.isMissing(runIdValue)) {
            if (!(runIdValue instanceof String s) || s.isBlank()) {
                throw new DecodeFailure(Reasons.envelopeRunId(runIdValue));
            }
            runId = s;
        }
        Long timestamp = null;
        Object tsValue = object.get("ts");
        if (!FieldValues.isMissing(tsValue)) {
            timestamp = parseTimestamp(tsValue);
        }
        boolean synthetic = false;
        Object syntheticValue = object.get("synthetic");
        if (!FieldValues.isMissing(syntheticValue)) {
            if (!(syntheticValue instanceof Boolean b)) {
                throw new DecodeFailure(Reasons.envelopeSynthetic(syntheticValue));
            }
            synthetic = b;
        }
        Object data = object.get("data");
        if (!(data instanceof Map) && !(data instanceof List)) {
            throw new DecodeFailure(Reasons.envelopeData(data));
        }
        return new Envelope(runId, kind, timestamp, synthetic);
    }

    /**
     * Parses the common shape {@code yyyy-MM-ddTHH:mm:ss[.SSS]Z} without {@link Instant#parse}
     * (which costs several microseconds per record at a million records); returns
     * {@link Long#MIN_VALUE} for anything else, which then goes through {@link Instant#parse}.
     */
    static long fastInstant(String s) {
        int n = s.length();
        if ((n != 20 && n != 24) || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-'
                || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':'
                || (n == 24 && s.charAt(19) != '.')) {
            return Long.MIN_VALUE;
        }
        for (int i = 0; i < n - 1; i++) {
            boolean separator = i == 4 || i == 7 || i == 10 || i == 13 || i == 16 || i == 19;
            if (!separator && !Character.isDigit(s.charAt(i))) {
                return Long.MIN_VALUE;
            }
        }
        int year = Integer.parseInt(s, 0, 4, 10);
        int month = Integer.parseInt(s, 5, 7, 10);
        int day = Integer.parseInt(s, 8, 10, 10);
        int hour = Integer.parseInt(s, 11, 13, 10);
        int minute = Integer.parseInt(s, 14, 16, 10);
        int second = Integer.parseInt(s, 17, 19, 10);
        int millis = n == 24 ? Integer.parseInt(s, 20, 23, 10) : 0;
        if (month < 1 || month > 12 || day < 1 || day > java.time.YearMonth.of(year, month).lengthOfMonth()
                || hour > 23 || minute > 59 || second > 59) {
            return Long.MIN_VALUE;
        }
        return java.time.LocalDate.of(year, month, day).toEpochDay() * 86_400_000L
                + (hour * 3600L + minute * 60L + second) * 1000L + millis;
    }

    /** An ISO-8601 instant (with {@code Z} or an offset) or a JSON number of epoch milliseconds. */
    static long parseTimestamp(Object ts) {
        if (ts instanceof String text) {
            long fast = fastInstant(text);
            if (fast != Long.MIN_VALUE) {
                return fast;
            }
            try {
                return Instant.parse(text).toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                try {
                    return OffsetDateTime.parse(text).toInstant().toEpochMilli();
                } catch (DateTimeParseException | ArithmeticException e2) {
                    throw new DecodeFailure(Reasons.envelopeTs(ts));
                }
            }
        }
        if (ts instanceof Double millis && Double.isFinite(millis)
                && millis >= Long.MIN_VALUE && millis < 0x1p63) {
            return (long) Math.floor(millis);
        }
        throw new DecodeFailure(Reasons.envelopeTs(ts));
    }
}
