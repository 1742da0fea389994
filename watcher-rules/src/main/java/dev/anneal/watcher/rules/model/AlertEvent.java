package dev.anneal.watcher.rules.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One alert transition for a (rule, run). The id is deterministic: it is derived from the rule
 * id, the run id and the position of the record where the alert started, so replaying the same
 * input gives the same ids and a daemon restart does not mint new ones.
 *
 * @param id            deterministic alert id
 * @param rule          rule id (Alertmanager's {@code alertname})
 * @param runId         the run
 * @param state         the state entered by this transition
 * @param severity      rule severity
 * @param action        the action the rule recommends while firing
 * @param value         observed value at this transition (null when the rule defines none)
 * @param threshold     threshold compared against (null when the rule defines none)
 * @param startedAt     the record where the alert started
 * @param source        the record (or, for absence rules, the last record seen) that caused this transition
 * @param eventTime     event time of the transition (record event time, or the advanced clock)
 * @param labels        rule labels plus {@code alertname}, {@code run_id}, {@code severity}, {@code action}
 * @param annotations   rendered annotations (summary, runbook_url, ...)
 * @param synthetic     whether the record behind this transition was injected by QA
 * @param ruleSetDigest digest of the rule set that produced it
 * @param acked         the operator's acknowledgement of the alert, or null
 * @param silenced      the silence covering the alert at this transition, or null
 */
public record AlertEvent(
        String id,
        String rule,
        String runId,
        AlertState state,
        Severity severity,
        Action action,
        Double value,
        Double threshold,
        SourcePosition startedAt,
        SourcePosition source,
        long eventTime,
        Map<String, String> labels,
        Map<String, String> annotations,
        boolean synthetic,
        String ruleSetDigest,
        Ack acked,
        Silence silenced) {

    /** The annotation saying what resolved an alert, when something other than its own condition did. */
    public static final String RESOLVED_BY = "resolved_by";

    public AlertEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(ruleSetDigest, "ruleSetDigest");
        if (!action.isAlertAction()) {
            throw new IllegalArgumentException("alert action must be HOLD, FREEZE or ROLLBACK, was " + action);
        }
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        annotations = Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
    }

    /** A transition without operator marks (not acknowledged, not silenced). */
    public AlertEvent(String id, String rule, String runId, AlertState state, Severity severity, Action action,
            Double value, Double threshold, SourcePosition startedAt, SourcePosition source, long eventTime,
            Map<String, String> labels, Map<String, String> annotations, boolean synthetic, String ruleSetDigest) {
        this(id, rule, runId, state, severity, action, value, threshold, startedAt, source, eventTime, labels,
                annotations, synthetic, ruleSetDigest, null, null);
    }

    /**
     * What resolved the alert when it was not its own condition (a run that ended, a rules reload):
     * the {@value #RESOLVED_BY} annotation; null otherwise, and for any state but RESOLVED and
     * INACTIVE.
     */
    public String resolvedBy() {
        return state == AlertState.RESOLVED || state == AlertState.INACTIVE ? annotations.get(RESOLVED_BY) : null;
    }
}
