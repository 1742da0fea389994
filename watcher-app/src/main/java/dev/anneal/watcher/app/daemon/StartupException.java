package dev.anneal.watcher.app.daemon;

import dev.anneal.watcher.rules.model.ErrorClass;
import java.util.Objects;

/**
 * {@link WatcherApp#start()} failed. The message says what failed and what to check, in a form
 * that can be printed as it is; the {@link Kind} is the error class that {@code watcher run} turns
 * into its exit code. Whatever had started is stopped again before this is thrown.
 */
public final class StartupException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The kinds of failure a start can fail with, each of one {@link ErrorClass}. */
    public enum Kind {
        /** The rules or the Kafka client configuration are invalid (bad configuration, exit 78). */
        CONFIG(ErrorClass.BAD_CONFIG),
        /**
         * The brokers could not be reached in time, or the embedded broker did not start (transient
         * I/O, exit 69).
         */
        UNAVAILABLE(ErrorClass.TRANSIENT_IO),
        /** A local resource failed: the HTTP port is taken, a directory cannot be written (transient I/O, exit 74). */
        IO(ErrorClass.TRANSIENT_IO),
        /** Anything else: a bug (fatal, exit 70). */
        FATAL(ErrorClass.FATAL);

        private final ErrorClass errorClass;

        Kind(ErrorClass errorClass) {
            this.errorClass = errorClass;
        }

        /** The error class of this kind of failure. */
        public ErrorClass errorClass() {
            return errorClass;
        }
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
