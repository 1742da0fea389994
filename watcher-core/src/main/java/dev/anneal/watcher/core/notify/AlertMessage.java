package dev.anneal.watcher.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One alert transition as read back from the alerts topic (the JSON object
 * {@code dev.anneal.watcher.core.output.AlertJson} writes), with the fields the receivers need
 * and the original object for receivers that forward it whole.
 *
 * @param id          the alert id: the same for an alert's firing and its resolved transition
 * @param rule        the rule id (Alertmanager's {@code alertname})
 * @param runId       the run
 * @param state       {@code firing} or {@code resolved}
 * @param severity    the rule's severity, lower case
 * @param action      HOLD, FREEZE or ROLLBACK
 * @param value       the observed value, or null
 * @param threshold   the threshold, or null
 * @param source      the record behind the transition ({@code topic/partition:offset+1})
 * @param eventTime   the transition's event time, epoch milliseconds
 * @param labels      the alert's labels
 * @param annotations the alert's annotations (summary, runbook_url, ...)
 * @param synthetic   whether the record behind it was injected by QA
 * @param json        the whole object as published; its {@code acked} and {@code silenced} objects,
 *                    when an operator acknowledged or silenced the alert, are read by {@link #acked()}
 *                    and {@link #silenced()}
 */
public record AlertMessage(String id, String rule, String runId, String state, String severity, String action,
        Double value, Double threshold, String source, long eventTime, Map<String, String> labels,
        Map<String, String> annotations, boolean synthetic, ObjectNode json) {

    /** The {@code state} of a firing transition. */
    public static final String FIRING = "firing";
    /** The {@code state} of a resolved transition. */
    public static final String RESOLVED = "resolved";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public AlertMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(runId, "runId");
        if (!FIRING.equals(state) && !RESOLVED.equals(state)) {
            throw new IllegalArgumentException("state must be firing or resolved, was " + state);
        }
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(action, "action");
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        annotations = Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
        Objects.requireNonNull(json, "json");
    }

    /**
     * An operator's acknowledgement of a firing alert ({@code watcher ack}): the alert's
     * {@code acked} object.
     *
     * @param by        who acknowledged it
     * @param reason    why
     * @param at        when, as published (ISO-8601)
     * @param commandId the command that did it
     */
    public record Ack(String by, String reason, String at, String commandId) {
    }

    /**
     * The silence an alert is under ({@code watcher silence}): the alert's {@code silenced} object.
     *
     * @param silenceId the silence (the command id of the {@code silence} command)
     * @param until     when it ends; while it lasts the alert is not delivered
     */
    public record Silenced(String silenceId, Instant until) {
        /** Whether the silence still holds at {@code now}. */
        public boolean holdsAt(Instant now) {
            return until.isAfter(now);
        }
    }

    /** Whether this transition starts the alert (firing) rather than ends it (resolved). */
    public boolean firing() {
        return FIRING.equals(state);
    }

    /**
     * The id receivers can deduplicate by: one per alert transition, stable across retries and
     * restarts ({@code <alert id>:<state>}); an acknowledged firing alert, re-published with its ack,
     * is a message of its own ({@code <alert id>:firing:acked}).
     */
    public String deliveryId() {
        return id + ":" + state + (firing() && acked().isPresent() ? ":acked" : "");
    }

    /** The ack, when the alert carries an {@code acked} object; empty when it is null or absent. */
    public Optional<Ack> acked() {
        JsonNode a = json.get("acked");
        if (a == null || !a.isObject()) {
            return Optional.empty();
        }
        return Optional.of(new Ack(a.path("by").asText(""), a.path("reason").asText(""), a.path("at").asText(""),
                a.path("command_id").asText("")));
    }

    /**
     * The silence, when the alert carries a {@code silenced} object with a readable {@code until}
     * (ISO-8601, or epoch milliseconds); empty when it is null or absent.
     */
    public Optional<Silenced> silenced() {
        JsonNode s = json.get("silenced");
        if (s == null || !s.isObject()) {
            return Optional.empty();
        }
        JsonNode until = s.get("until");
        Instant end;
        if (until != null && until.isIntegralNumber()) {
            end = Instant.ofEpochMilli(until.asLong());
        } else {
            try {
                end = Instant.parse(until == null ? "" : until.asText());
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        return Optional.of(new Silenced(s.path("silence_id").asText(""), end));
    }

    /**
     * Reads one published alert.
     *
     * @throws IllegalArgumentException naming what is missing or malformed: such a record can never
     *                                  be delivered and goes to the undeliverable topic
     */
    public static AlertMessage parse(byte[] value) {
        if (value == null) {
            throw new IllegalArgumentException("the record has no value (a tombstone), not an alert");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (!(node instanceof ObjectNode object)) {
            throw new IllegalArgumentException("expected a JSON object, got " + (node == null ? "nothing"
                    : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
        JsonNode eventTime = object.get("event_time");
        if (eventTime == null || !eventTime.canConvertToLong()) {
            throw new IllegalArgumentException("field event_time: expected epoch milliseconds");
        }
        return new AlertMessage(text(object, "id"), text(object, "rule"), text(object, "run_id"),
                text(object, "state"), text(object, "severity"), text(object, "action"), number(object, "value"),
                number(object, "threshold"), optionalText(object, "source"), eventTime.asLong(),
                strings(object, "labels"), strings(object, "annotations"), object.path("synthetic").asBoolean(false),
                object);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("field " + field + ": expected a string");
        }
        return v.asText();
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Double number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException("field " + field + ": expected a number or null");
        }
        return v.asDouble();
    }

    private static Map<String, String> strings(JsonNode node, String field) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isObject()) {
            throw new IllegalArgumentException("field " + field + ": expected an object of strings");
        }
        v.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
