package dev.anneal.watcher.core.scenario;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of running one scenario file.
 *
 * @param file  the scenario file as named in messages
 * @param tests one outcome per test, in file order
 */
public record ScenarioReport(String file, List<TestOutcome> tests) {

    public ScenarioReport {
        Objects.requireNonNull(file, "file");
        tests = List.copyOf(tests);
    }

    public long passed() {
        return tests.stream().filter(TestOutcome::passed).count();
    }

    public long failed() {
        return tests.size() - passed();
    }

    public boolean allPassed() {
        return failed() == 0;
    }
}
