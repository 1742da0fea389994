package dev.anneal.watcher.core.scenario;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Paths written in a scenario file (rule files, inputs) are relative to the scenario file's
 * directory, so a scenario runs the same from any working directory.
 */
final class ScenarioPaths {

    private final Path file;

    ScenarioPaths(Path file) {
        this.file = file;
    }

    /** The scenario file's name for inline inputs ({@code NAME#test}), or {@code fallback} when it has none. */
    String fileName(String fallback) {
        return file.getFileName() == null ? fallback : file.getFileName().toString();
    }

    /** Resolves a path written in the scenario file against the scenario file's directory. */
    Path resolve(String entry) {
        Path p;
        try {
            p = Path.of(entry);
        } catch (InvalidPathException e) {
            return Path.of("").resolve("<invalid path: " + e.getReason() + ">");
        }
        Path base = file.getParent();
        return (p.isAbsolute() || base == null ? p : base.resolve(p)).normalize();
    }

    /** A short reason for a failed read: "no such file", else the exception's message. */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
