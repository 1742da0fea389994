package dev.anneal.watcher.rules.model;

import java.util.Objects;

/**
 * The append-only trail of operator commands: one record per command, whatever its outcome,
 * published to the audit topic and kept (the latest few) in the run's evidence.
 *
 * @param command       the command as received
 * @param outcome       applied, refused or duplicate
 * @param detail        what happened, or why it was refused, in words for people
 * @param appliedAt     event time at which the watcher handled it, epoch milliseconds
 * @param runRecords    the run's accepted records when it was handled: where {@code replay --commands}
 *                      applies it again
 * @param ruleSetDigest the rule set in force
 */
public record AuditRecord(
        OperatorCommand command,
        CommandOutcome outcome,
        String detail,
        long appliedAt,
        long runRecords,
        String ruleSetDigest) {

    public AuditRecord {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(ruleSetDigest, "ruleSetDigest");
        if (runRecords < 0) {
            throw new IllegalArgumentException("runRecords must be >= 0");
        }
    }
}
