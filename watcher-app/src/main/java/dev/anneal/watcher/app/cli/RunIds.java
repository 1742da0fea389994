package dev.anneal.watcher.app.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Default run ids for replay inputs (used for records whose envelope names no {@code run_id}, when
 * no {@code --run-id} is given): the input's file name, so that each recorded file is its own run.
 * When two different inputs share a file name, as townlet's scenario folders do
 * ({@code queue_conflict/ppo_mixed.jsonl}, {@code rivalry_decay/ppo_mixed.jsonl}), just enough
 * parent directory names are prefixed to tell them apart. Standard input is {@code stdin}.
 */
public final class RunIds {

    /** The command-line name of standard input. */
    public static final String STDIN_ARG = "-";

    /** The run id of standard input. */
    public static final String STDIN_RUN_ID = "stdin";

    private RunIds() {
    }

    /** One default run id per input, in the inputs' order. */
    public static List<String> defaults(List<String> inputs) {
        Map<String, Set<Path>> byName = new HashMap<>();
        for (String input : inputs) {
            if (!input.equals(STDIN_ARG)) {
                Path p = normal(input);
                byName.computeIfAbsent(name(p), n -> new LinkedHashSet<>()).add(p);
            }
        }
        List<String> ids = new ArrayList<>();
        for (String input : inputs) {
            if (input.equals(STDIN_ARG)) {
                ids.add(STDIN_RUN_ID);
                continue;
            }
            Path p = normal(input);
            Set<Path> same = byName.get(name(p));
            ids.add(same.size() == 1 ? name(p) : shortestUniqueSuffix(p, same));
        }
        return ids;
    }

    private static String shortestUniqueSuffix(Path p, Set<Path> same) {
        for (int k = 2; k <= p.getNameCount(); k++) {
            String suffix = suffix(p, k);
            int finalK = k;
            long matches = same.stream().filter(o -> suffix(o, finalK).equals(suffix)).count();
            if (matches == 1) {
                return suffix;
            }
        }
        return p.toString();
    }

    private static String suffix(Path p, int k) {
        int n = p.getNameCount();
        if (k > n) {
            return p.toString();
        }
        return p.subpath(n - k, n).toString().replace('\\', '/');
    }

    private static Path normal(String input) {
        return Path.of(input).toAbsolutePath().normalize();
    }

    private static String name(Path p) {
        Path name = p.getFileName();
        return name == null ? p.toString() : name.toString();
    }
}
