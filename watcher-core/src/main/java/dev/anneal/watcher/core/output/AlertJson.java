package dev.anneal.watcher.core.output;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.anneal.watcher.rules.model.Ack;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.Silence;
import java.io.IOException;
import java.time.Instant;
import java.util.TreeMap;

/**
 * One alert transition as one JSON object, the line format of {@code replay --alerts} files (and
 * the payload the daemon will publish). Field order is fixed and is public API:
 *
 * <pre>
 * id, rule, run_id, state, severity, action, value, threshold, source, started_at, event_time,
 * labels, annotations, synthetic, rule_set, resolved_by, acked {command_id, by, reason, at},
 * silenced {silence_id, until, by, reason}
 * </pre>
 *
 * {@code state} and {@code severity} are lower case, {@code action} upper case; {@code value} and
 * {@code threshold} are numbers or null; {@code source} and {@code started_at} are positions
 * ({@code file:line} or {@code file:line[i]}); {@code labels} are sorted by name, annotations keep
 * the rule's order; {@code rule_set} is the rule-set digest. {@code resolved_by} says what
 * resolved the alert when its own condition did not (a run that ended, a rules reload; the
 * annotation of the same name), else null. {@code acked} is the operator's acknowledgement of the
 * alert and {@code silenced} the silence covering it (which keeps it from notifying and from
 * changing the recommendation), each null when there is none; their times are ISO-8601 UTC.
 * Nothing depends on the wall clock or on hash-map order, so the same replay writes the same bytes.
 */
public final class AlertJson {

    private AlertJson() {
    }

    /** Writes {@code alert} as one JSON object. */
    public static void write(JsonGenerator g, AlertEvent alert) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", alert.id());
        g.writeStringField("rule", alert.rule());
        g.writeStringField("run_id", alert.runId());
        g.writeStringField("state", alert.state().id());
        g.writeStringField("severity", alert.severity().id());
        g.writeStringField("action", alert.action().name());
        Json.number(g, "value", alert.value());
        Json.number(g, "threshold", alert.threshold());
        Json.position(g, "source", alert.source());
        Json.position(g, "started_at", alert.startedAt());
        g.writeNumberField("event_time", alert.eventTime());
        Json.stringMap(g, "labels", new TreeMap<>(alert.labels()));
        Json.stringMap(g, "annotations", alert.annotations());
        g.writeBooleanField("synthetic", alert.synthetic());
        g.writeStringField("rule_set", alert.ruleSetDigest());
        g.writeStringField("resolved_by", alert.resolvedBy());
        g.writeFieldName("acked");
        ack(g, alert.acked());
        g.writeFieldName("silenced");
        silence(g, alert.silenced());
        g.writeEndObject();
    }

    /** An acknowledgement as {@code {command_id, by, reason, at}}, or null (also for {@code /api/runs/ID}). */
    public static void ack(JsonGenerator g, Ack ack) throws IOException {
        if (ack == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeStringField("command_id", ack.commandId());
        g.writeStringField("by", ack.actor());
        g.writeStringField("reason", ack.reason());
        g.writeStringField("at", Instant.ofEpochMilli(ack.at()).toString());
        g.writeEndObject();
    }

    /** A silence as {@code {silence_id, until, by, reason}}, or null (also for {@code /api/runs/ID}). */
    public static void silence(JsonGenerator g, Silence silence) throws IOException {
        if (silence == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeStringField("silence_id", silence.id());
        g.writeStringField("until", Instant.ofEpochMilli(silence.until()).toString());
        g.writeStringField("by", silence.actor());
        g.writeStringField("reason", silence.reason());
        g.writeEndObject();
    }

    /** The alert as one line of JSON, without a line end. */
    public static String toJson(AlertEvent alert) {
        return Json.compact(g -> write(g, alert));
    }
}
