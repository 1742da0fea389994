package dev.anneal.watcher.app.config;

import java.util.List;

/**
 * The configuration is invalid. Carries every problem found, not just the first, each as one line
 * that says where ({@code file:line}, the environment variable or the flag), which key, and what
 * to write instead. The CLI prints them and exits 78 (bad configuration).
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** Every problem, one line each, in the order found (file first, then environment, then flags). */
    public List<String> problems() {
        return problems;
    }
}
