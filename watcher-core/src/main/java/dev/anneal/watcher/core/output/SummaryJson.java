package dev.anneal.watcher.core.output;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.anneal.watcher.core.decode.Rejection;
import dev.anneal.watcher.core.replay.AlertSummary;
import dev.anneal.watcher.core.replay.ReplayResult;
import dev.anneal.watcher.core.replay.RuleErrorSummary;
import dev.anneal.watcher.core.replay.RunSummary;
import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.Recommendation;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.TreeMap;

/**
 * A replay's {@link ReplayResult} as one pretty-printed JSON document ({@code replay --summary}
 * and {@code replay --json}). The layout is public API; field order is fixed:
 *
 * <pre>
 * decision
 * reasons      [string]
 * rule_set     {digest, packs, params (sorted by name)}
 * records      {read, accepted, rejected}
 * runs         [{run_id, decision, reasons, decided_at, final {action, latched, reasons, source},
 *                status, end_reason,
 *                alerts [{id, rule, state, fired, severity, action, value, threshold, started_at,
 *                         last_source, summary}]}]
 * rejected     [{source, reason}]
 * rule_errors  [{rule, count, first_source, first_message}]
 * commands     [audit record ({@code AuditJson}), in the order the commands were applied]
 * </pre>
 *
 * {@code decided_at} is the position of the recommendation that set the run's verdict;
 * {@code status} is {@code active} or {@code ended} at the end of the replay (an ended run that
 * expired stays here), {@code end_reason} why it ended or null. The
 * document holds no wall-clock time and no hash-map order, so the same input and rules always
 * give byte-identical files, which is what lets CI diff two replays.
 */
public final class SummaryJson {

    private SummaryJson() {
    }

    /** Writes the summary, followed by a newline, to {@code out} (which stays open). */
    public static void write(ReplayResult result, OutputStream out) throws IOException {
        try (JsonGenerator g = Json.generator(out, true)) {
            write(g, result);
            g.writeRaw('\n');
        }
    }

    /** The summary as text, ending with a newline. */
    public static String toJson(ReplayResult result) {
        return Json.pretty(g -> write(g, result));
    }

    /** Writes the summary object with a caller-supplied generator. */
    public static void write(JsonGenerator g, ReplayResult result) throws IOException {
        g.writeStartObject();
        g.writeStringField("decision", result.decision().name());
        Json.strings(g, "reasons", result.reasons());

        g.writeObjectFieldStart("rule_set");
        g.writeStringField("digest", result.ruleSetDigest());
        Json.strings(g, "packs", result.packs());
        g.writeObjectFieldStart("params");
        for (Map.Entry<String, Double> p : new TreeMap<>(result.params()).entrySet()) {
            Json.number(g, p.getKey(), p.getValue());
        }
        g.writeEndObject();
        g.writeEndObject();

        g.writeObjectFieldStart("records");
        g.writeNumberField("read", result.counts().read());
        g.writeNumberField("accepted", result.counts().accepted());
        g.writeNumberField("rejected", result.counts().rejected());
        g.writeEndObject();

        g.writeArrayFieldStart("runs");
        for (RunSummary run : result.runs()) {
            writeRun(g, run);
        }
        g.writeEndArray();

        g.writeArrayFieldStart("rejected");
        for (Rejection r : result.rejections()) {
            g.writeStartObject();
            Json.position(g, "source", r.position());
            g.writeStringField("reason", r.reason());
            g.writeEndObject();
        }
        g.writeEndArray();

        g.writeArrayFieldStart("rule_errors");
        for (RuleErrorSummary e : result.ruleErrors()) {
            g.writeStartObject();
            g.writeStringField("rule", e.rule());
            g.writeNumberField("count", e.count());
            Json.position(g, "first_source", e.firstPosition());
            g.writeStringField("first_message", e.firstMessage());
            g.writeEndObject();
        }
        g.writeEndArray();

        g.writeArrayFieldStart("commands");
        for (AuditRecord a : result.commands()) {
            AuditJson.write(g, a);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeRun(JsonGenerator g, RunSummary run) throws IOException {
        g.writeStartObject();
        g.writeStringField("run_id", run.runId());
        g.writeStringField("decision", run.decision().name());
        Json.strings(g, "reasons", run.reasons());
        Json.position(g, "decided_at", run.decidedBy().source());
        Recommendation last = run.last();
        g.writeObjectFieldStart("final");
        g.writeStringField("action", last.action().name());
        g.writeBooleanField("latched", last.latched());
        Json.strings(g, "reasons", last.reasons());
        Json.position(g, "source", last.source());
        g.writeEndObject();
        g.writeStringField("status", run.status().id());
        g.writeStringField("end_reason", run.endReason());
        g.writeArrayFieldStart("alerts");
        for (AlertSummary a : run.alerts()) {
            g.writeStartObject();
            g.writeStringField("id", a.id());
            g.writeStringField("rule", a.rule());
            g.writeStringField("state", a.state().id());
            g.writeBooleanField("fired", a.fired());
            g.writeStringField("severity", a.severity().id());
            g.writeStringField("action", a.action().name());
            Json.number(g, "value", a.value());
            Json.number(g, "threshold", a.threshold());
            Json.position(g, "started_at", a.startedAt());
            Json.position(g, "last_source", a.lastSource());
            g.writeStringField("summary", a.summary());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}
