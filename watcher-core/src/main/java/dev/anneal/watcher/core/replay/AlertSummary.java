package dev.anneal.watcher.core.replay;

import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.Severity;
import dev.anneal.watcher.rules.model.SourcePosition;

/**
 * One rule's alerts for a run over a whole replay: the latest episode's id, state and value, and
 * whether any episode of the rule fired.
 *
 * @param id        deterministic alert id
 * @param rule      rule id
 * @param state     last state reached (pending, firing, resolved or inactive)
 * @param fired     whether any episode of the rule reached firing
 * @param severity  severity
 * @param action    action
 * @param value     value at its last transition
 * @param threshold threshold at its last transition
 * @param startedAt where it started
 * @param lastSource where its last transition happened
 * @param summary   rendered summary annotation at its last transition (empty when none)
 */
public record AlertSummary(
        String id,
        String rule,
        AlertState state,
        boolean fired,
        Severity severity,
        Action action,
        Double value,
        Double threshold,
        SourcePosition startedAt,
        SourcePosition lastSource,
        String summary) {
}
