package dev.anneal.watcher.core.output;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.watcher.rules.model.CommandType;
import dev.anneal.watcher.rules.model.OperatorCommand;
import dev.anneal.watcher.rules.model.SilenceMatcher;
import dev.anneal.watcher.rules.yaml.Durations;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An operator command as one JSON object: the value format of the commands topic
 * ({@code anneal.commands}) and the lines of a {@code replay --commands} file. Public API; field
 * order when written:
 *
 * <pre>
 * command_id, type, run_id, actor, reason, issued_at, [rule], [silence {rule, labels, duration}],
 * [silence_id], synthetic
 * </pre>
 *
 * {@code issued_at} is ISO-8601 UTC; a silence's {@code duration} is written as people write it
 * ({@code 2h}, {@code 30m}). {@link #parse} is strict: an unknown key, a missing or mistyped
 * field, or a command that breaks {@link OperatorCommand}'s invariants is a
 * {@link CommandFormatException} naming the field.
 */
public final class CommandJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> KEYS = Set.of("command_id", "type", "run_id", "actor", "reason", "issued_at",
            "rule", "silence", "silence_id", "synthetic");
    private static final Set<String> SILENCE_KEYS = Set.of("rule", "labels", "duration");

    private CommandJson() {
    }

    /** Writes the command's fields into the current object (for writers that add fields of their own). */
    static void fields(JsonGenerator g, OperatorCommand c) throws IOException {
        g.writeStringField("command_id", c.commandId());
        g.writeStringField("type", c.type().id());
        g.writeStringField("run_id", c.runId());
        g.writeStringField("actor", c.actor());
        g.writeStringField("reason", c.reason());
        g.writeStringField("issued_at", Instant.ofEpochMilli(c.issuedAt()).toString());
        if (c.rule() != null) {
            g.writeStringField("rule", c.rule());
        }
        if (c.silence() != null) {
            g.writeObjectFieldStart("silence");
            if (c.silence().rule() != null) {
                g.writeStringField("rule", c.silence().rule());
            }
            Json.stringMap(g, "labels", c.silence().labels());
            g.writeStringField("duration", Durations.format(Duration.ofMillis(c.silenceMillis())));
            g.writeEndObject();
        }
        if (c.silenceId() != null) {
            g.writeStringField("silence_id", c.silenceId());
        }
        g.writeBooleanField("synthetic", c.synthetic());
    }

    /** The command as one line of JSON, without a line end. */
    public static String toJson(OperatorCommand c) {
        return Json.compact(g -> {
            g.writeStartObject();
            fields(g, c);
            g.writeEndObject();
        });
    }

    /** Reads a command from its JSON text. */
    public static OperatorCommand parse(String json) throws CommandFormatException {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new CommandFormatException("not JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode o)) {
            throw new CommandFormatException("a command is a JSON object");
        }
        return parse(o, Set.of());
    }

    /**
     * Reads a command from a JSON object that may carry other keys the caller reads itself
     * ({@code extraKeys}, e.g. {@code after_records} in a replay commands file).
     */
    public static OperatorCommand parse(ObjectNode o, Set<String> extraKeys) throws CommandFormatException {
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k) && !extraKeys.contains(k)) {
                throw new CommandFormatException("unknown key '" + k + "'; a command has " + String.join(", ",
                        new TreeSet<>(KEYS)));
            }
        }
        String typeId = text(o, "type", true);
        CommandType type = CommandType.ofId(typeId).orElseThrow(() -> new CommandFormatException(
                "type '" + typeId + "' is not a command; use clear, ack, silence, unsilence or end"));
        SilenceMatcher silence = null;
        long silenceMillis = 0;
        JsonNode s = o.get("silence");
        if (s != null && !s.isNull()) {
            if (!(s instanceof ObjectNode so)) {
                throw new CommandFormatException("silence must be an object {rule, labels, duration}");
            }
            for (Iterator<String> it = so.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!SILENCE_KEYS.contains(k)) {
                    throw new CommandFormatException("unknown key 'silence." + k + "'; a silence has rule, labels, duration");
                }
            }
            Map<String, String> labels = new LinkedHashMap<>();
            JsonNode l = so.get("labels");
            if (l != null && !l.isNull()) {
                if (!l.isObject()) {
                    throw new CommandFormatException("silence.labels must be an object of label names to values");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = l.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getValue().isTextual()) {
                        throw new CommandFormatException("silence.labels." + e.getKey() + " must be a string");
                    }
                    labels.put(e.getKey(), e.getValue().asText());
                }
            }
            String duration = text(so, "duration", true, "silence.duration");
            silenceMillis = Durations.parse(duration).orElseThrow(() -> new CommandFormatException(
                    "silence.duration '" + duration + "' is not a duration; write e.g. 30m, 2h or 1d")).toMillis();
            silence = new SilenceMatcher(text(so, "rule", false, "silence.rule"), labels);
        }
        JsonNode synthetic = o.get("synthetic");
        if (synthetic != null && !synthetic.isNull() && !synthetic.isBoolean()) {
            throw new CommandFormatException("synthetic must be true or false");
        }
        String issued = text(o, "issued_at", true);
        long issuedAt;
        try {
            issuedAt = Instant.parse(issued).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new CommandFormatException("issued_at '" + issued + "' is not an ISO-8601 UTC time such as "
                    + "2026-12-04T11:02:03Z");
        }
        try {
            return new OperatorCommand(text(o, "command_id", true), type, text(o, "run_id", true),
                    text(o, "actor", true), text(o, "reason", true), issuedAt, text(o, "rule", false), silence,
                    silenceMillis, text(o, "silence_id", false), synthetic != null && synthetic.asBoolean());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new CommandFormatException(e.getMessage());
        }
    }

    private static String text(JsonNode o, String key, boolean required) throws CommandFormatException {
        return text(o, key, required, key);
    }

    private static String text(JsonNode o, String key, boolean required, String name) throws CommandFormatException {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw new CommandFormatException(name + " is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new CommandFormatException(name + " must be a string");
        }
        return v.asText();
    }
}
