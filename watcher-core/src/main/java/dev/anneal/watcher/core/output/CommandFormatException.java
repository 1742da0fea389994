package dev.anneal.watcher.core.output;

/** A command or audit record whose JSON is not what {@link CommandJson} / {@link AuditJson} read; the message names the field. */
public final class CommandFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    public CommandFormatException(String message) {
        super(message);
    }
}
