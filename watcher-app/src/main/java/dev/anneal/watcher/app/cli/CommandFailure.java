package dev.anneal.watcher.app.cli;

/**
 * A command failed for a reason the user can act on, with the exit code that classifies it. The
 * message is printed as is (after {@code watcher: }), without a stack trace.
 */
public final class CommandFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public CommandFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
