package dev.anneal.watcher.core.command;

/**
 * A command could not be written to the commands topic (or its audit not awaited): {@link #kind()}
 * says whose move it is. Nothing was applied unless the kind is {@link Kind#REFUSED_BY_KAFKA} after
 * a partial write of a command to every run, which a retry with the same command id completes.
 */
public final class CommandSendException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why the command did not get through. */
    public enum Kind {
        /** No broker answered in time: try again later (or check the bootstrap servers). */
        UNAVAILABLE,
        /** The commands or the audit topic does not exist: the daemon has not created it yet. */
        NO_TOPIC,
        /** Kafka refused the record (authorization, a record too large, ...). */
        REFUSED_BY_KAFKA
    }

    private final Kind kind;

    public CommandSendException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
