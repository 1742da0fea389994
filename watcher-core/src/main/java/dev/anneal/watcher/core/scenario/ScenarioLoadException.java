package dev.anneal.watcher.core.scenario;

import java.util.List;

/**
 * A scenario file, or a rule file it names, is invalid. Carries every problem found, each one
 * line {@code file:line: what is wrong}; {@code watcher test} prints them and exits 78.
 */
public final class ScenarioLoadException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ScenarioLoadException(List<String> problems) {
        super(String.join("\n", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a load failure needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
