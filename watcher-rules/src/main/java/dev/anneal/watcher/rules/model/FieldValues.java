package dev.anneal.watcher.rules.model;

import dev.cel.common.values.NullValue;

/** Helpers for the normalised field values a {@link TelemetryRecord} holds. */
public final class FieldValues {

    /** The value a JSON null becomes; it is CEL's null, so conditions can test {@code x == null}. */
    public static final Object NULL = NullValue.NULL_VALUE;

    private FieldValues() {
    }

    /** True when the value is absent or a JSON null. */
    public static boolean isMissing(Object value) {
        return value == null || value == NULL;
    }

    /** The value as a double when it is a number, else NaN. */
    public static double asDouble(Object value) {
        return value instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
