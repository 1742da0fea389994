package dev.anneal.watcher.core.scenario;

import java.util.List;
import java.util.Objects;

/**
 * How one scenario test went.
 *
 * @param name       the test's name
 * @param mismatches every way the replay differed from the expectations (empty: the test passed)
 * @param notes      things worth showing that are not failures (rule errors nobody asked about)
 */
public record TestOutcome(String name, List<String> mismatches, List<String> notes) {

    public TestOutcome {
        Objects.requireNonNull(name, "name");
        mismatches = List.copyOf(mismatches);
        notes = List.copyOf(notes);
    }

    public boolean passed() {
        return mismatches.isEmpty();
    }

    /** The mismatches as self-contained lines: {@code test NAME: alert #2: expected ...}. */
    public List<String> diff() {
        return mismatches.stream().map(m -> "test " + name + ": " + m).toList();
    }
}
