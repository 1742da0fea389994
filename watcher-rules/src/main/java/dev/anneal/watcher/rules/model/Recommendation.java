package dev.anneal.watcher.rules.model;

import java.util.List;
import java.util.Objects;

/**
 * A run's recommendation at one point of its stream, with the evidence behind it. Built only by
 * the engine; the invariants tie the action to its evidence: an alert action always has evidence,
 * and PASS / PROMOTE never carry alert evidence.
 *
 * @param runId         the run
 * @param action        the recommended action
 * @param reasons       human-readable reasons, in evidence order (for PROMOTE, the promotion reason)
 * @param evidence      the firing or latched alerts behind the action
 * @param latched       whether the action is held by a FREEZE/ROLLBACK latch rather than a firing alert
 * @param source        the record (or clock advance) that produced this recommendation
 * @param eventTime     event time of that change
 * @param synthetic     whether the record behind the change was injected by QA
 * @param ruleSetDigest digest of the rule set that produced it
 */
public record Recommendation(
        String runId,
        Action action,
        List<String> reasons,
        List<Evidence> evidence,
        boolean latched,
        SourcePosition source,
        long eventTime,
        boolean synthetic,
        String ruleSetDigest) {

    public Recommendation {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(ruleSetDigest, "ruleSetDigest");
        reasons = List.copyOf(reasons);
        evidence = List.copyOf(evidence);
        if (action.isAlertAction() && evidence.isEmpty()) {
            throw new IllegalArgumentException(action + " recommendation for run " + runId + " needs evidence");
        }
        if (!action.isAlertAction() && !evidence.isEmpty()) {
            throw new IllegalArgumentException(action + " recommendation for run " + runId + " cannot carry alert evidence");
        }
        if (latched && !action.latches()) {
            throw new IllegalArgumentException("only FREEZE and ROLLBACK latch, not " + action);
        }
    }
}
