package dev.anneal.watcher.core.command;

/**
 * A {@link CommandDraft} that cannot become a command: {@link #field()} is the wire name of the
 * field at fault ({@code reason}, {@code silence.duration}, ...), the message says what to write.
 */
public final class InvalidCommandException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final String problem;

    public InvalidCommandException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
        this.problem = problem;
    }

    /** What is wrong with the field, without its name (for callers that name it their own way). */
    public String problem() {
        return problem;
    }

    /** The field at fault, as the command's JSON names it. */
    public String field() {
        return field;
    }
}
