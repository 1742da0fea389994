package dev.anneal.watcher.app.daemon;

import java.util.Objects;

/**
 * {@link WatcherApp#start()} failed. The message says what failed and what to check, in a form
 * that can be printed as it is; the {@link Kind} is the error class that {@code watcher run} turns
 * into its exit code. Whatever had started is stopped again before this is thrown.
 */
public final class StartupException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The error classes a start can fail with. */
    public enum Kind {
        /** The rules or the Kafka client configuration are invalid (exit 78). */
        CONFIG,
        /** The brokers could not be reached in time, or the embedded broker did not start (exit 69). */
        UNAVAILABLE,
        /** A local resource failed: the HTTP port is taken, a directory cannot be written (exit 74). */
        IO,
        /** Anything else: a bug (exit 70). */
        FATAL
    }

    private final Kind kind;

    public StartupException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public StartupException(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }
}
