package dev.anneal.watcher.app.daemon;

import dev.anneal.watcher.core.stream.WatcherMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What build is running: the project version, stamped into {@code version.properties} by Maven
 * resource filtering, and the Java runtime. {@code watcher --version}, the start-up log lines and
 * the {@value WatcherMetrics#BUILD_INFO} gauge of {@code run} and {@code notify} all read it here.
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

    /** Registers {@value WatcherMetrics#BUILD_INFO} = 1 with this build's version and Java in {@code registry}. */
    static void register(MeterRegistry registry) {
        WatcherMetrics.buildInfo(registry, version(), java());
    }
}
