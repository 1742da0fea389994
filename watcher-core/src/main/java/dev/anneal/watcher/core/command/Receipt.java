package dev.anneal.watcher.core.command;

import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.CommandOutcome;
import dev.anneal.watcher.rules.model.OperatorCommand;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What became of a command sent by {@link CommandClient}: how many copies went to the commands
 * topic (one, or one per partition for a command to every run) and the audit records that came back
 * for it in time, each with its JSON as published.
 *
 * @param command the command sent
 * @param copies  the records written to the commands topic; each is answered by one audit record
 * @param audits  the audit records of this command seen so far, in arrival order
 */
public record Receipt(OperatorCommand command, int copies, List<Audit> audits) {

    /** One audit record: parsed, and as published on the audit topic. */
    public record Audit(AuditRecord record, String json) {
        public Audit {
            Objects.requireNonNull(record, "record");
            Objects.requireNonNull(json, "json");
        }
    }

    /** The outcome as far as it is known. */
    public enum Status {
        /** Every copy was applied (or some applied and the rest were retries already applied). */
        APPLIED,
        /** Every copy was answered {@code duplicate}: this command id had been applied before. */
        DUPLICATE,
        /** At least one copy was refused; the audit detail says why. */
        REFUSED,
        /** Not every copy was answered in time; the command may still apply later. */
        PENDING
    }

    public Receipt {
        Objects.requireNonNull(command, "command");
        if (copies < 1) {
            throw new IllegalArgumentException("a sent command has at least one copy");
        }
        audits = List.copyOf(audits);
    }

    /** Applied, duplicate or refused once the audit trail says so; pending while copies are unanswered. */
    public Status status() {
        if (audits.stream().anyMatch(a -> a.record().outcome() == CommandOutcome.REFUSED)) {
            return Status.REFUSED;
        }
        if (audits.size() < copies) {
            return Status.PENDING;
        }
        return audits.stream().allMatch(a -> a.record().outcome() == CommandOutcome.DUPLICATE) ? Status.DUPLICATE
                : Status.APPLIED;
    }

    /** Whether the command took effect (a duplicate took effect the first time it was sent). */
    public boolean applied() {
        Status s = status();
        return s == Status.APPLIED || s == Status.DUPLICATE;
    }

    /** The audit details, each once, in arrival order; refusals first. Empty while nothing came back. */
    public String detail() {
        Set<String> details = new LinkedHashSet<>();
        audits.stream().filter(a -> a.record().outcome() == CommandOutcome.REFUSED)
                .forEach(a -> details.add(a.record().detail()));
        audits.forEach(a -> details.add(a.record().detail()));
        return String.join("; ", details);
    }
}
