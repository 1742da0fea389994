package dev.anneal.watcher.core.output;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.anneal.watcher.rules.model.Evidence;
import dev.anneal.watcher.rules.model.Recommendation;
import java.io.IOException;

/**
 * One recommendation change as one JSON object. Field order is fixed and is public API:
 *
 * <pre>
 * run_id, action, latched, reasons, evidence, source, event_time, synthetic, rule_set
 * </pre>
 *
 * with each evidence entry written as
 * {@code rule, alert_id, action, severity, value, threshold, started_at, source, reasons}, in the
 * recommendation's evidence order (highest action first).
 */
public final class RecommendationJson {

    private RecommendationJson() {
    }

    /** Writes {@code rec} as one JSON object. */
    public static void write(JsonGenerator g, Recommendation rec) throws IOException {
        g.writeStartObject();
        g.writeStringField("run_id", rec.runId());
        g.writeStringField("action", rec.action().name());
        g.writeBooleanField("latched", rec.latched());
        Json.strings(g, "reasons", rec.reasons());
        g.writeArrayFieldStart("evidence");
        for (Evidence e : rec.evidence()) {
            writeEvidence(g, e);
        }
        g.writeEndArray();
        Json.position(g, "source", rec.source());
        g.writeNumberField("event_time", rec.eventTime());
        g.writeBooleanField("synthetic", rec.synthetic());
        g.writeStringField("rule_set", rec.ruleSetDigest());
        g.writeEndObject();
    }

    private static void writeEvidence(JsonGenerator g, Evidence e) throws IOException {
        g.writeStartObject();
        g.writeStringField("rule", e.rule());
        g.writeStringField("alert_id", e.alertId());
        g.writeStringField("action", e.action().name());
        g.writeStringField("severity", e.severity().id());
        Json.number(g, "value", e.value());
        Json.number(g, "threshold", e.threshold());
        Json.position(g, "started_at", e.startedAt());
        Json.position(g, "source", e.source());
        Json.strings(g, "reasons", e.reasons());
        g.writeEndObject();
    }

    /** The recommendation as one line of JSON, without a line end. */
    public static String toJson(Recommendation rec) {
        return Json.compact(g -> write(g, rec));
    }
}
