package dev.anneal.watcher.rules.yaml;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Every problem a strict loader found, each one line in the one format all loaders share:
 * {@code where: path: message}, where {@code where} is {@code file:line} for a place in a file
 * (or, in the daemon configuration, an environment variable or a flag) and {@code path} names the
 * offending key ({@code rules[0].action}); {@link YamlReader} reports the places in a YAML file.
 * A loader reports every problem at once, so problems are collected rather than thrown. Each
 * remembers the line it sorts by, for loaders that report in line order.
 */
public final class Problems {

    private record Problem(int line, String text) {
    }

    private final List<Problem> found = new ArrayList<>();

    /** Adds {@code where: message} for a place that is not a line of a file (it sorts first). */
    public void at(String where, String message) {
        found.add(new Problem(0, where + ": " + message));
    }

    /** Adds a problem already formatted (such as one reported by another loader), sorted by {@code line}. */
    public void add(int line, String text) {
        found.add(new Problem(line, text));
    }

    /** How many problems there are; compare two counts to see whether a step found any. */
    public int count() {
        return found.size();
    }

    public boolean isEmpty() {
        return found.isEmpty();
    }

    /** The problems in the order found. */
    public List<String> inOrder() {
        return found.stream().map(Problem::text).toList();
    }

    /** The problems by line, those on one line in the order found. */
    public List<String> byLine() {
        return found.stream().sorted(Comparator.comparingInt(Problem::line)).map(Problem::text).toList();
    }
}
