package dev.anneal.watcher.core.scenario;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** Where a scenario test's records come from: a recorded file, or records written inline. */
public sealed interface ScenarioInput {

    /** The input's name in record positions ({@code name:line}). */
    String sourceName();

    /**
     * A file, resolved relative to the scenario file.
     *
     * @param path       the resolved path, read when the test runs
     * @param sourceName the path as the scenario file wrote it
     */
    record File(Path path, String sourceName) implements ScenarioInput {
        public File {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(sourceName, "sourceName");
        }
    }

    /**
     * Records written in the scenario file, replayed as NDJSON: item {@code i} (1-based) is line
     * {@code i}, so {@code at: i} names it.
     *
     * @param sourceName {@code <scenario file name>#<test name>}
     * @param lines      one line of text per item (JSON, or raw text for malformed-input tests)
     */
    record Inline(String sourceName, List<String> lines) implements ScenarioInput {
        public Inline {
            Objects.requireNonNull(sourceName, "sourceName");
            lines = List.copyOf(lines);
        }
    }
}
