package dev.anneal.watcher.rules.model;

import java.util.Locale;
import java.util.Optional;

/**
 * What an operator command asks of a run. The lower-case ids are public API: they are the
 * {@code type} of a command on the commands topic and in audit records.
 */
public enum CommandType {
    /** Release a FREEZE/ROLLBACK latch; the recommendation is recomputed from the alerts firing now. */
    CLEAR,
    /** Acknowledge the firing alert of one rule: someone is on it. */
    ACK,
    /** Keep matching alerts from notifying and from changing the recommendation for a while. */
    SILENCE,
    /** End a silence before it expires. */
    UNSILENCE,
    /** End the run: its open alerts resolve and its final recommendation stays. */
    END;

    /** The wire id, e.g. {@code clear}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type of a wire id, or empty for an unknown one. */
    public static Optional<CommandType> ofId(String id) {
        for (CommandType t : values()) {
            if (t.id().equals(id)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
