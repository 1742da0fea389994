package dev.anneal.watcher.app.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.anneal.watcher.core.output.AlertJson;
import dev.anneal.watcher.core.output.AuditJson;
import dev.anneal.watcher.core.output.RecommendationJson;
import dev.anneal.watcher.core.stream.RunQueries.ActiveAlert;
import dev.anneal.watcher.core.stream.RunQueries.RunDetail;
import dev.anneal.watcher.core.stream.RunQueries.RunOverview;
import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.Evidence;
import dev.anneal.watcher.rules.model.Silence;
import dev.anneal.watcher.rules.model.SourcePosition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/**
 * The JSON bodies of {@code /api/runs} and {@code /api/runs/{id}}. Field names are public API and
 * follow the topics' JSON (snake_case; positions as {@code topic/partition:line} text); the
 * recommendation object is exactly the one published on the recommendations topic.
 */
final class RunsJson {

    private static final JsonFactory FACTORY = new JsonFactory();

    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private RunsJson() {
    }

    /**
     * {@code {"runs": [{"run_id", "action", "latched", "reasons", "active_alerts", "changed_at", "status",
     * "records", "last_record_at", "synthetic"}], "rule_set"}}; times are ISO-8601 UTC or null.
     */
    static byte[] runs(List<RunOverview> runs, String ruleSet) {
        return json(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("runs");
            for (RunOverview r : runs) {
                g.writeStartObject();
                g.writeStringField("run_id", r.runId());
                g.writeStringField("action", r.action() == null ? null : r.action().name());
                g.writeBooleanField("latched", r.latched());
                strings(g, "reasons", r.reasons());
                g.writeNumberField("active_alerts", r.activeAlerts());
                position(g, "changed_at", r.changedAt());
                g.writeStringField("status", r.status().id());
                g.writeNumberField("records", r.records());
                time(g, "last_record_at", r.lastRecordAt());
                g.writeBooleanField("synthetic", r.synthetic());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("rule_set", ruleSet);
            g.writeEndObject();
        });
    }

    /**
     * {@code {"run_id", "recommendation": {...} | null, "latched": "FREEZE" | null, "active_alerts": [...],
     * "evidence": [...], "rule_set", "status", "ended_at", "end_reason", "records", "last_record_at",
     * "silences": [...], "audit": [...]}}: each active alert with its {@code acked} and {@code silenced}
     * (as in the alert JSON), each audit record as on the audit topic; times are ISO-8601 UTC or null.
     */
    static byte[] run(RunDetail d) {
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("run_id", d.runId());
            g.writeFieldName("recommendation");
            if (d.recommendation().isPresent()) {
                RecommendationJson.write(g, d.recommendation().get());
            } else {
                g.writeNull();
            }
            g.writeStringField("latched", d.latched() == null ? null : d.latched().name());
            g.writeArrayFieldStart("active_alerts");
            for (ActiveAlert a : d.activeAlerts()) {
                g.writeStartObject();
                g.writeStringField("rule", a.rule());
                g.writeStringField("alert_id", a.alertId());
                g.writeStringField("state", a.state().id());
                g.writeStringField("severity", a.severity() == null ? null : a.severity().id());
                g.writeStringField("action", a.action() == null ? null : a.action().name());
                number(g, "value", a.value());
                number(g, "threshold", a.threshold());
                position(g, "started_at", a.startedAt());
                position(g, "last_source", a.lastSource());
                strings(g, "reasons", a.reasons());
                g.writeFieldName("acked");
                AlertJson.ack(g, a.acked());
                g.writeFieldName("silenced");
                AlertJson.silence(g, a.silenced());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("evidence");
            for (Evidence e : d.evidence()) {
                g.writeStartObject();
                g.writeStringField("rule", e.rule());
                g.writeStringField("alert_id", e.alertId());
                g.writeStringField("action", e.action().name());
                g.writeStringField("severity", e.severity().id());
                number(g, "value", e.value());
                number(g, "threshold", e.threshold());
                position(g, "started_at", e.startedAt());
                position(g, "source", e.source());
                strings(g, "reasons", e.reasons());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("rule_set", d.ruleSet());
            g.writeStringField("status", d.status().id());
            time(g, "ended_at", d.endedAt());
            g.writeStringField("end_reason", d.endReason());
            g.writeNumberField("records", d.records());
            time(g, "last_record_at", d.lastRecordAt());
            g.writeArrayFieldStart("silences");
            for (Silence s : d.silences()) {
                AlertJson.silence(g, s);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("audit");
            for (AuditRecord a : d.audit()) {
                AuditJson.write(g, a);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void time(JsonGenerator g, String name, Long epochMillis) throws IOException {
        g.writeStringField(name, epochMillis == null ? null : Instant.ofEpochMilli(epochMillis).toString());
    }

    /** {@code {"error": "..."}}. */
    static byte[] error(String message) {
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("error", message);
            g.writeEndObject();
        });
    }

    private static void strings(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static void number(JsonGenerator g, String name, Double value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, value.doubleValue());
        }
    }

    private static void position(JsonGenerator g, String name, SourcePosition p) throws IOException {
        g.writeStringField(name, p == null ? null : p.toString());
    }

    private static byte[] json(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }
}
