package dev.anneal.watcher.core.scenario;

import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.Severity;
import dev.anneal.watcher.rules.spec.Loc;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One expected alert transition. Only the keys written in the scenario file are compared; an
 * empty optional means "not checked". {@code labels} and {@code annotations} are compared per
 * key given (other labels are not checked).
 *
 * @param loc         where the item is written, for load errors
 * @param at          the record that caused the transition ({@code AlertEvent.source})
 * @param rule        rule id
 * @param runId       run id
 * @param state       the state entered
 * @param action      the rule's action
 * @param severity    the rule's severity
 * @param value       the observed value (or none)
 * @param threshold   the threshold (or none)
 * @param startedAt   the record where the alert started
 * @param labels      expected labels, exact value per key given
 * @param annotations expected annotations, exact value per key given
 * @param acked       whether the alert carries an operator's acknowledgement
 * @param silenced    whether a silence covers the alert
 */
public record AlertExpectation(
        Loc loc,
        Optional<At> at,
        Optional<String> rule,
        Optional<String> runId,
        Optional<AlertState> state,
        Optional<Action> action,
        Optional<Severity> severity,
        Optional<ExpectedNumber> value,
        Optional<ExpectedNumber> threshold,
        Optional<At> startedAt,
        Map<String, String> labels,
        Map<String, String> annotations,
        Optional<Boolean> acked,
        Optional<Boolean> silenced) {

    public AlertExpectation {
        Objects.requireNonNull(loc, "loc");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(threshold, "threshold");
        Objects.requireNonNull(startedAt, "startedAt");
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        annotations = Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
        Objects.requireNonNull(acked, "acked");
        Objects.requireNonNull(silenced, "silenced");
    }
}
