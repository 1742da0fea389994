package dev.anneal.watcher.core.stream;

import dev.anneal.watcher.rules.model.ErrorClass;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Log events that carry their {@link ErrorClass}, so that a failure in the log names the same class
 * as the exit code, the {@value WatcherMetrics#ERRORS} metric and the dead-letter header. The
 * class travels as the SLF4J key/value pair {@value #FIELD}: JSON logs write it with the event's
 * other fields, and the text format of {@code watcher run} prints it before the message
 * ({@code ... - error_class=bad_config rules reload ... refused}). The message itself is left as it
 * is, so nothing that reads it changes.
 */
public final class ErrorLog {

    /** The log field naming the error class ({@link ErrorClass#id()}). Public API, like meter names. */
    public static final String FIELD = "error_class";

    private ErrorLog() {
    }

    /** An event of {@code level} carrying {@code errorClass}; set its message and arguments, then log it. */
    public static LoggingEventBuilder at(Logger log, Level level, ErrorClass errorClass) {
        return log.atLevel(level).addKeyValue(FIELD, errorClass.id());
    }
}
