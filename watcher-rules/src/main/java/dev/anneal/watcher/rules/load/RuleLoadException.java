package dev.anneal.watcher.rules.load;

import java.util.List;

/**
 * Rule files or parameters are invalid. Carries every problem found (not just the first), each
 * as one line {@code file:line: what is wrong and how to fix it}. The CLI maps this to exit 78.
 */
public final class RuleLoadException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public RuleLoadException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
