package dev.anneal.watcher.rules.model;

import java.util.Objects;

/**
 * Why a recommendation is what it is: one firing (or latched) alert, with the observed value
 * against its threshold and the records where it started and was last confirmed.
 *
 * @param rule      rule id
 * @param alertId   the alert's deterministic id
 * @param action    the action the rule recommends
 * @param severity  the rule's severity
 * @param value     observed value (null when the rule defines none)
 * @param threshold threshold the value was compared with (null when the rule defines none)
 * @param startedAt the record where the alert started (went pending or firing)
 * @param source    the latest record that confirmed the alert
 * @param reasons   the rule's reason texts (usually one; a reason template may yield a list)
 */
public record Evidence(
        String rule,
        String alertId,
        Action action,
        Severity severity,
        Double value,
        Double threshold,
        SourcePosition startedAt,
        SourcePosition source,
        java.util.List<String> reasons) {

    public Evidence {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(alertId, "alertId");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(source, "source");
        reasons = java.util.List.copyOf(reasons);
        if (!action.isAlertAction()) {
            throw new IllegalArgumentException("evidence action must be HOLD, FREEZE or ROLLBACK, was " + action);
        }
    }
}
