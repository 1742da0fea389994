package dev.anneal.watcher.rules.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Alert severity, as Alertmanager receivers route on it. Lower-case names are public API. */
public enum Severity {
    INFO,
    WARNING,
    CRITICAL;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Severity> parse(String text) {
        String upper = text.trim().toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(s -> s.name().equals(upper)).findFirst();
    }

    @Override
    public String toString() {
        return id();
    }
}
