package dev.anneal.watcher.app.daemon;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import dev.anneal.watcher.app.config.LogFormat;
import java.net.URL;
import java.util.Locale;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Chooses the log format of {@code watcher run}. {@code logback.xml} defines both appenders and
 * picks one by the system property {@value #FORMAT_PROPERTY}; this sets the property and, since
 * Logback may already have read its configuration with the default, reads it again.
 */
public final class Logging {

    /** The system property {@code logback.xml} selects its appender by: {@code text} or {@code json}. */
    public static final String FORMAT_PROPERTY = "watcher.log.format";

    private Logging() {
    }

    /** Switches the log to {@code format}; does nothing when it is already in use or Logback is not the backend. */
    public static synchronized void use(LogFormat format) {
        String value = format.name().toLowerCase(Locale.ROOT);
        String before = System.getProperty(FORMAT_PROPERTY, "text");
        System.setProperty(FORMAT_PROPERTY, value);
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (value.equals(before) || !(factory instanceof LoggerContext context)) {
            return;
        }
        URL config = Logging.class.getResource("/logback.xml");
        if (config == null) {
            return;
        }
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(config);
        } catch (JoranException e) {
            // Logback prints its own status; the text format stays usable.
            System.err.println("watcher: cannot switch the log to " + value + ": " + e.getMessage());
        }
    }
}
