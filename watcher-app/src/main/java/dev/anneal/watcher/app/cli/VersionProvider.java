package dev.anneal.watcher.app.cli;

import dev.anneal.watcher.app.daemon.BuildInfo;
import picocli.CommandLine;

/**
 * {@code watcher --version}: the project version ({@link BuildInfo}) and the Java runtime running it.
 */
public final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"watcher " + version(), "Java ${java.version} (${java.vendor})"};
    }

    /** The project version, or {@code unknown} when run from classes that were not built by Maven. */
    public static String version() {
        return BuildInfo.version();
    }
}
