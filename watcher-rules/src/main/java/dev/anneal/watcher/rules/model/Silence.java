package dev.anneal.watcher.rules.model;

import java.util.Objects;

/**
 * A silence an operator put on alerts: while it lasts, the alerts it covers still evaluate and
 * are still published (marked with it), but they do not notify and do not change the run's
 * recommendation. A silence of one run is kept in that run's state; a silence of every run
 * ({@link OperatorCommand#ALL_RUNS}) in the stream task's silence list.
 *
 * @param id      the command id of the {@code silence} command that made it (what {@code unsilence} names)
 * @param matcher which alerts it covers
 * @param until   when it ends, epoch milliseconds (the command's {@code issued_at + duration})
 * @param actor   who silenced
 * @param reason  why
 */
public record Silence(String id, SilenceMatcher matcher, long until, String actor, String reason) {

    public Silence {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(matcher, "matcher");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(reason, "reason");
    }

    /** The silence an applied {@code silence} command makes. */
    public static Silence of(OperatorCommand command) {
        if (command.type() != CommandType.SILENCE) {
            throw new IllegalArgumentException("only a silence command silences, not " + command.type().id());
        }
        return new Silence(command.commandId(), command.silence(), command.silenceUntil(), command.actor(),
                command.reason());
    }

    /** Whether it still lasts at {@code now} (it ends at {@link #until}, exclusive). */
    public boolean activeAt(long now) {
        return now < until;
    }

    /** Whether it covers, at {@code now}, an alert of {@code rule} with {@code labels}. */
    public boolean covers(String rule, java.util.Map<String, String> labels, long now) {
        return activeAt(now) && matcher.matches(rule, labels);
    }
}
