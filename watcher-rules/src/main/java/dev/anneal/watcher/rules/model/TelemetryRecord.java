package dev.anneal.watcher.rules.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One decoded telemetry record, the unit the rule engine evaluates.
 *
 * <p>Field values are normalised by the decoder to a small set of Java types so that rule
 * conditions see the same thing whatever the input format: {@link Double} for every JSON number
 * (townlet writes counters as floats anyway), {@link String}, {@link Boolean},
 * {@link FieldValues#NULL} for a JSON null, {@link java.util.List} and {@link Map} for nested
 * structures. Field names are kept verbatim, dots included ({@code conflict.rivalry_max_mean_avg}
 * is one flat key).
 *
 * @param runId      the run this record belongs to (envelope {@code run_id}, else {@code --run-id},
 *                   else the input's name)
 * @param kind       the record kind
 * @param position   where the record came from
 * @param eventTime  event time in epoch milliseconds when {@code hasTimestamp}; otherwise the
 *                   record's ordinal position in the stream (0-based), never the wall clock
 * @param hasTimestamp whether {@code eventTime} came from the envelope's {@code ts}
 * @param synthetic  whether the record was injected by QA (envelope {@code synthetic: true})
 * @param fields     the normalised fields, in input order
 */
public record TelemetryRecord(
        String runId,
        RecordKind kind,
        SourcePosition position,
        long eventTime,
        boolean hasTimestamp,
        boolean synthetic,
        Map<String, Object> fields) {

    public TelemetryRecord {
        Objects.requireNonNull(runId, "runId");
        if (runId.isBlank()) {
            throw new IllegalArgumentException("runId must not be blank");
        }
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(fields, "fields");
        if (!(fields instanceof OwnedFields)) {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }
    }

    /**
     * Builds a record that takes ownership of {@code fields} instead of copying it: the decoder
     * builds a fresh map per record and never touches it again, and at a million records the copy
     * is a measurable share of replay time. The caller must not keep or change the map.
     */
    public static TelemetryRecord owning(String runId, RecordKind kind, SourcePosition position, long eventTime,
                                         boolean hasTimestamp, boolean synthetic, Map<String, Object> fields) {
        return new TelemetryRecord(runId, kind, position, eventTime, hasTimestamp, synthetic, new OwnedFields(fields));
    }

    /** A read-only view of a map the record owns (see {@link #owning}). */
    private static final class OwnedFields extends java.util.AbstractMap<String, Object> {
        private final Map<String, Object> map;

        OwnedFields(Map<String, Object> map) {
            this.map = Objects.requireNonNull(map, "fields");
        }

        @Override
        public Object get(Object key) {
            return map.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return map.containsKey(key);
        }

        @Override
        public int size() {
            return map.size();
        }

        @Override
        public java.util.Set<Map.Entry<String, Object>> entrySet() {
            return Collections.unmodifiableMap(map).entrySet();
        }
    }

    /** The field's value, or {@code null} when the key is absent (a JSON null is {@link FieldValues#NULL}). */
    public Object field(String name) {
        return fields.get(name);
    }
}
