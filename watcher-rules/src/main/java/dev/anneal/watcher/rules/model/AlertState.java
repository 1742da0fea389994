package dev.anneal.watcher.rules.model;

import java.util.Locale;

/**
 * The per (rule, run) alert lifecycle: inactive -> pending -> firing -> resolved. An alert event
 * is emitted on every transition. {@code INACTIVE} is emitted only when a pending alert's
 * condition stops holding before it fired (the pending alert is cancelled); a firing alert that
 * stops ends as {@code RESOLVED}.
 */
public enum AlertState {
    INACTIVE,
    PENDING,
    FIRING,
    RESOLVED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return id();
    }
}
