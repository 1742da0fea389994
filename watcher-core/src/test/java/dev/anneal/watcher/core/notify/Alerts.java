package dev.anneal.watcher.core.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.watcher.core.output.AlertJson;
import dev.anneal.watcher.core.output.RecommendationJson;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.Evidence;
import dev.anneal.watcher.rules.model.Recommendation;
import dev.anneal.watcher.rules.model.Severity;
import dev.anneal.watcher.rules.model.SourcePosition;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Alert and recommendation JSON exactly as the daemon publishes them (through AlertJson / RecommendationJson). */
final class Alerts {

    static final String DIGEST = "sha256:00112233aabbccdd";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Alerts() {
    }

    /** A kl_gate-like alert of {@code run}: HOLD, warning, value 0.07 against 0.05. */
    static String alert(String id, String rule, String run, AlertState state, long eventTime) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", rule);
        labels.put("run_id", run);
        labels.put("severity", "warning");
        labels.put("action", "HOLD");
        labels.put("team", "rl");
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("summary", "kl_divergence above the gate");
        annotations.put("runbook_url", "https://runbooks.example/" + rule);
        SourcePosition at = SourcePosition.line("anneal.telemetry/0", 7);
        return AlertJson.toJson(new AlertEvent(id, rule, run, state, Severity.WARNING, Action.HOLD, 0.07, 0.05, at,
                at, eventTime, labels, annotations, false, DIGEST));
    }

    static String firing(String id, String run, long eventTime) {
        return alert(id, "kl_gate", run, AlertState.FIRING, eventTime);
    }

    static String resolved(String id, String run, long eventTime) {
        return alert(id, "kl_gate", run, AlertState.RESOLVED, eventTime);
    }

    /**
     * The alert with an operator's mark added, as the daemon publishes acknowledged or silenced
     * alerts: {@code field} ({@code acked}, {@code silenced}, {@code synthetic}) set to {@code value}
     * (JSON text).
     */
    static String with(String alertJson, String field, String value) {
        try {
                        ObjectNode o = (ObjectNode) MAPPER.readTree(alertJson);
            o.set(field, MAPPER.readTree(value));
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The firing alert acknowledged by {@code by}. */
    static String acked(String alertJson, String by, String reason) {
        return with(alertJson, "acked", "{\"by\": \"" + by + "\", \"reason\": \"" + reason + "\", "
                + "\"at\": \"2026-12-04T11:02:04Z\", \"command_id\": \"c-ack\"}");
    }

    /** The alert under silence {@code id} until {@code until}. */
    static String silenced(String alertJson, String id, Instant until) {
        return with(alertJson, "silenced", "{\"silence_id\": \"" + id + "\", \"until\": \"" + until + "\"}");
    }

    /** The alert as caused by a drill. */
    static String synthetic(String alertJson) {
        return with(alertJson, "synthetic", "true");
    }

    /** A HOLD recommendation of {@code run} citing kl_gate. */
    static String hold(String run) {
        SourcePosition at = SourcePosition.line("anneal.telemetry/0", 7);
        Evidence e = new Evidence("kl_gate", "id", Action.HOLD, Severity.WARNING, 0.07, 0.05, at, at,
                List.of("kl_gate: kl_divergence 0.07 > 0.05"));
        return RecommendationJson.toJson(new Recommendation(run, Action.HOLD, List.of("kl_gate: kl_divergence 0.07 > 0.05"),
                List.of(e), false, at, 1, false, DIGEST));
    }
}
