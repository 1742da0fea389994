package dev.anneal.watcher.rules.model;

import java.util.Objects;

/**
 * An operator's acknowledgement of a firing alert: someone is on it. It is shown wherever the
 * alert is shown (the {@code acked} object of the alert JSON, {@code /api/runs/ID}) and ends when
 * the alert resolves.
 *
 * @param commandId the {@code ack} command that made it
 * @param actor     who acknowledged
 * @param reason    why, in their words
 * @param at        when the watcher applied it, epoch milliseconds (event time)
 */
public record Ack(String commandId, String actor, String reason, long at) {

    public Ack {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(reason, "reason");
    }

    /** The acknowledgement an applied {@code ack} command makes. */
    public static Ack of(OperatorCommand command, long appliedAt) {
        if (command.type() != CommandType.ACK) {
            throw new IllegalArgumentException("only an ack command acknowledges, not " + command.type().id());
        }
        return new Ack(command.commandId(), command.actor(), command.reason(), appliedAt);
    }
}
