package dev.anneal.watcher.core.command;

/**
 * A {@link CommandDraft} that cannot become a command: {@link #field()} is the wire name of the
 * field at fault ({@code reason}, {@code silence.duration}, ...), the message says what to write.
 */
public final class InvalidCommandException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String field;

    public InvalidCommandException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** The field at fault, as the command's JSON names it. */
    public String field() {
        return field;
    }
}
