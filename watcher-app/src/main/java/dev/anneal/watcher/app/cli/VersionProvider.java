package dev.anneal.watcher.app.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/**
 * {@code watcher --version}: the project version, stamped into {@code version.properties} by
 * Maven resource filtering at build time, and the Java runtime running it.
 */
public final class VersionProvider implements CommandLine.IVersionProvider {

    private static final String RESOURCE = "/dev/anneal/watcher/app/version.properties";

    @Override
    public String[] getVersion() {
        return new String[] {"watcher " + version(), "Java ${java.version} (${java.vendor})"};
    }

    /** The project version, or {@code unknown} when run from classes that were not built by Maven. */
    public static String version() {
        try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
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
}
