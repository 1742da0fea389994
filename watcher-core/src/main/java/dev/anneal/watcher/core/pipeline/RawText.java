package dev.anneal.watcher.core.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.watcher.rules.model.FieldValues;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.util.LinkedHashMap;
import java.util.Map;

/** Renders a decoded record back to JSON text for a rejection report. */
final class RawText {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RawText() {
    }

    static String of(TelemetryRecord record) {
        Map<String, Object> plain = new LinkedHashMap<>();
        record.fields().forEach((k, v) -> plain.put(k, v == FieldValues.NULL ? null : v));
        try {
            return MAPPER.writeValueAsString(plain);
        } catch (JsonProcessingException e) {
            return record.fields().toString();
        }
    }
}
