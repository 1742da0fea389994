package dev.anneal.watcher.rules.spec;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Rolling window aggregates. Variance is the population variance (numpy's default). */
public enum WindowFn {
    MEAN, MIN, MAX, SUM, VARIANCE, COUNT, DELTA;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<WindowFn> parse(String text) {
        return Arrays.stream(values()).filter(f -> f.id().equals(text)).findFirst();
    }
}
