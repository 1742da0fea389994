package dev.anneal.watcher.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.watcher.core.stream.WatcherTopics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * How {@code watcher tail} shows one output record: a line for people (recommendations, alerts and
 * dead letters each in their own layout, recognised by their content, so quarantine and renamed
 * topics read the same), optionally with ANSI colour, or a JSON object per line for scripts.
 */
final class TailFormat {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static final String RESET = "\u001b[0m";
    static final String RED = "\u001b[31m";
    static final String GREEN = "\u001b[32m";
    static final String YELLOW = "\u001b[33m";
    static final String MAGENTA = "\u001b[35m";
    static final String CYAN = "\u001b[36m";
    static final String BOLD = "\u001b[1m";

    private final boolean colour;

    TailFormat(boolean colour) {
        this.colour = colour;
    }

    /** The run id of a record: its key, else the value's {@code run_id}, else null. */
    static String runId(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() != null && r.key().length > 0) {
            return new String(r.key(), StandardCharsets.UTF_8);
        }
        JsonNode v = json(r.value());
        return v != null && v.path("run_id").isTextual() ? v.get("run_id").asText() : null;
    }

    /**
     * The record as one JSON object: topic, partition, offset, timestamp, key, headers and the
     * value (parsed when it is JSON, else as text).
     */
    static String json(ConsumerRecord<byte[], byte[]> r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("topic", r.topic());
        o.put("partition", r.partition());
        o.put("offset", r.offset());
        o.put("timestamp", r.timestamp());
        o.put("key", r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8));
        ObjectNode headers = o.putObject("headers");
        headers(r).forEach(headers::put);
        JsonNode value = json(r.value());
        if (value != null) {
            o.set("value", value);
        } else {
            o.put("value", r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8));
        }
        return o.toString();
    }

    /** The record as one line for people. */
    String human(ConsumerRecord<byte[], byte[]> r) {
        String time = Instant.ofEpochMilli(r.timestamp()).toString();
        String run = runId(r);
        Map<String, String> headers = headers(r);
        JsonNode v = json(r.value());
        StringBuilder sb = new StringBuilder();
        sb.append(time).append("  ").append(run == null ? "(no run)" : bold(run)).append("  ");
        if (headers.containsKey(WatcherTopics.HEADER_REASON)) {
            sb.append(paint(RED, "DEAD LETTER")).append("  ").append(headers.get(WatcherTopics.HEADER_REASON));
            sb.append(" [").append(headers.getOrDefault(WatcherTopics.HEADER_REASON_CATEGORY, "?")).append("] at ")
                    .append(headers.getOrDefault(WatcherTopics.HEADER_POSITION, "?"));
        } else if (v != null && v.has("action") && v.has("evidence")) {
            String action = v.get("action").asText();
            sb.append(paint(actionColour(action), action));
            if (v.path("latched").asBoolean()) {
                sb.append(" (latched)");
            }
            List<String> reasons = new ArrayList<>();
            v.path("reasons").forEach(n -> reasons.add(n.asText()));
            if (!reasons.isEmpty()) {
                sb.append("  ").append(String.join("; ", reasons));
            }
        } else if (v != null && v.has("rule") && v.has("state")) {
            String state = v.get("state").asText();
            sb.append(paint(state.equals("firing") ? RED : GREEN, state.toUpperCase(java.util.Locale.ROOT)))
                    .append(' ').append(v.get("rule").asText());
            if (state.equals("firing")) {
                String action = v.path("action").asText();
                sb.append(' ').append(paint(actionColour(action), action)).append(' ').append(v.path("severity").asText());
            }
            if (v.has("value") && !v.get("value").isNull()) {
                sb.append("  value ").append(v.get("value").asText());
            }
            if (v.has("threshold") && !v.get("threshold").isNull()) {
                sb.append(" threshold ").append(v.get("threshold").asText());
            }
            String summary = v.path("annotations").path("summary").asText("");
            if (!summary.isEmpty()) {
                sb.append("  ").append(summary);
            }
        } else {
            sb.append(r.value() == null ? "(tombstone)" : new String(r.value(), StandardCharsets.UTF_8));
        }
        boolean synthetic = "true".equals(headers.get(WatcherTopics.HEADER_SYNTHETIC))
                || (v != null && v.path("synthetic").asBoolean(false));
        if (synthetic) {
            sb.append("  ").append(paint(CYAN, "[synthetic]"));
        }
        return sb.toString();
    }

    private static String actionColour(String action) {
        return switch (action) {
            case "ROLLBACK" -> RED;
            case "FREEZE" -> MAGENTA;
            case "HOLD" -> YELLOW;
            default -> GREEN;
        };
    }

    private String paint(String colourCode, String text) {
        return colour ? colourCode + text + RESET : text;
    }

    private String bold(String text) {
        return colour ? BOLD + text + RESET : text;
    }

    static Map<String, String> headers(ConsumerRecord<byte[], byte[]> r) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Header h : r.headers()) {
            out.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static JsonNode json(byte[] value) {
        if (value == null || value.length == 0) {
            return null;
        }
        try {
            JsonNode n = MAPPER.readTree(value);
            return n != null && n.isContainerNode() ? n : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
