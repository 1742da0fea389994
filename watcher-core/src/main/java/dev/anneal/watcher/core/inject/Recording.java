package dev.anneal.watcher.core.inject;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * A recorded telemetry file turned into messages to inject: NDJSON lines or JSON documents (one
 * after another, as townlet writes rehearsal summaries), each either a bare townlet payload or a
 * watcher envelope. An envelope's {@code data}, {@code kind} and {@code ts} are kept (the
 * timestamps give the recording's own spacing for {@code --speed}); its {@code run_id} is replaced
 * by the injection's, because a drill must never write into a real run.
 */
public final class Recording {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);

    private Recording() {
    }

    /**
     * Reads {@code file}.
     *
     * @throws IOException              when the file cannot be read
     * @throws IllegalArgumentException when it is not JSON, naming the file and where
     */
    public static List<SyntheticMessage> read(Path file, String runId) throws IOException {
        List<JsonNode> values = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                MappingIterator<JsonNode> it = MAPPER.readerFor(JsonNode.class).readValues(reader)) {
            while (it.hasNextValue()) {
                values.add(it.nextValue());
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ":" + e.getLocation().getLineNr() + ": not JSON ("
                    + e.getOriginalMessage() + "); inject reads NDJSON lines or JSON documents");
        } catch (RuntimeException e) {
            if (e.getCause() instanceof JsonProcessingException j) {
                throw new IllegalArgumentException(file + ":" + j.getLocation().getLineNr() + ": not JSON ("
                        + j.getOriginalMessage() + "); inject reads NDJSON lines or JSON documents");
            }
            throw e;
        }
        if (values.isEmpty()) {
            throw new IllegalArgumentException(file + ": no records to inject");
        }
        List<SyntheticMessage> out = new ArrayList<>();
        Long firstTs = null;
        for (int i = 0; i < values.size(); i++) {
            JsonNode v = values.get(i);
            if (isEnvelope(v)) {
                String kind = v.path("kind").isTextual() ? v.get("kind").asText() : null;
                long offset = -1;
                JsonNode ts = v.get("ts");
                if (ts != null && !ts.isNull()) {
                    long millis = timestamp(ts, file, i + 1);
                    if (firstTs == null) {
                        firstTs = millis;
                    }
                    offset = Math.max(0, millis - firstTs);
                }
                out.add(SyntheticMessage.payload(runId, kind, v.get("data"), offset));
            } else {
                out.add(SyntheticMessage.payload(runId, null, v, -1));
            }
        }
        return List.copyOf(out);
    }

    private static boolean isEnvelope(JsonNode v) {
        return v.isObject() && v.has("data") && (v.has("run_id") || v.has("kind") || v.has("ts"))
                && (v.get("data").isObject() || v.get("data").isArray());
    }

    private static long timestamp(JsonNode ts, Path file, int record) {
        if (ts.isNumber()) {
            return ts.asLong();
        }
        try {
            return Instant.parse(ts.asText()).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(file + ": record " + record + ": envelope ts '" + ts.asText()
                    + "' is neither an ISO-8601 instant nor epoch milliseconds");
        }
    }
}
