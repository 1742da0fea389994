package dev.anneal.watcher.core.stream;

import dev.anneal.watcher.rules.engine.RunLifecycle;
import java.util.Objects;

/**
 * How the daemon lets runs go (config section {@code runs}): when an idle run ends and an ended
 * run expires ({@link RunLifecycle.Policy}, on the wall clock), and whether an expired run's
 * recommendation is removed from the compacted recommendations topic too (a tombstone: key run
 * id, no value), which downstream readers of that topic must then expect.
 *
 * @param lifecycle             {@code runs.end_after_idle}, {@code runs.retain_ended}
 * @param deleteRecommendations {@code runs.delete_recommendations}
 */
public record RunPolicy(RunLifecycle.Policy lifecycle, boolean deleteRecommendations) {

    /** The defaults: end after 6h idle, keep ended runs 7d, keep their recommendations. */
    public static final RunPolicy DEFAULTS = new RunPolicy(RunLifecycle.Policy.DEFAULTS, false);

    public RunPolicy {
        Objects.requireNonNull(lifecycle, "lifecycle");
    }
}
