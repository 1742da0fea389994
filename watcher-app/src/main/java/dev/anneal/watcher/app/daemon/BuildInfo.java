package dev.anneal.watcher.app.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What build is running: the project version, stamped into {@code version.properties} by Maven
 * resource filtering, and the Java runtime. {@code watcher --version}, the start-up log lines and
 * the {@code watcher_build_info} metric of {@code run} and {@code notify} ({@link InfoMetrics}) all
 * read it here.
 */
public final class BuildInfo {

    private static final String RESOURCE = "/dev/anneal/watcher/app/version.properties";

    private BuildInfo() {
    }

    /** The project version, or {@code unknown} when run from classes that were not built by Maven. */
    public static String version() {
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Java runtime's version ({@code java.version}). */
    public static String java() {
        return System.getProperty("java.version", "unknown");
    }
}
