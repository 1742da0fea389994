package dev.anneal.watcher.rules.model;

import java.util.Locale;

/**
 * Where a run is in its life. A run is {@link #ACTIVE} from its first record until it ends (a
 * terminal record, an operator's {@code end}, or idleness past {@code runs.end_after_idle}); then
 * {@link #ENDED}, its state kept readable for {@code runs.retain_ended}, after which it is deleted.
 * The lower-case ids are public API ({@code /api/runs}, the replay summary, metrics).
 */
public enum RunStatus {
    /** Receiving records: its rules evaluate, absence rules measure its silence, idleness can end it. */
    ACTIVE,
    /** Ended: its alerts were resolved, its final recommendation and latch stay; it expires later. */
    ENDED;

    /** The id, e.g. {@code ended}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
