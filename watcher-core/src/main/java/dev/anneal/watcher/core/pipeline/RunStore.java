package dev.anneal.watcher.core.pipeline;

import dev.anneal.watcher.rules.engine.Due;
import dev.anneal.watcher.rules.engine.Engine;
import dev.anneal.watcher.rules.engine.RunState;
import java.util.List;

/**
 * Where {@link RecordPipeline} keeps the state of every run: replay keeps it in memory
 * ({@link InMemoryRunStore}), the daemon in its stream task's changelogged key-value store
 * ({@code core.stream.KeyValueRunStore}). The pipeline reads a run with {@link #load}, lets the
 * engine change it in place and hands it back with {@link #save} before anything it caused is
 * routed, so a store that persists (the daemon's) always holds the state its outputs came from.
 *
 * <p>A store also knows when runs fall silent: {@link #due} gives the absence rules whose deadline
 * has passed ({@link Engine#deadline}), in the order they fire. A store may index deadlines as
 * {@link #save} sees them change, or find them by walking its runs. Single-threaded: one store per
 * pipeline.
 */
public interface RunStore {

    /** Something done to every run by {@link #updateEach}. */
    @FunctionalInterface
    interface Update {
        /** Applies the change to {@code run} in place; true when it changed it (so it must be saved). */
        boolean apply(RunState run);
    }

    /**
     * The pipeline takes up {@code engine}'s rule set (at its start and at every rules switch):
     * states are laid out for it from now on. A state kept for an earlier rule set is carried
     * over as the run-state codec does it: unchanged rules keep their state, the open alerts of
     * retired ones are set aside for settling.
     */
    void useRules(Engine engine);

    /** The state of a run: the stored one, or a fresh one when the store has none (or none it can read). */
    RunState load(String runId);

    /** Keeps a run's state after a step changed it, and takes note of its absence deadlines. */
    void save(RunState run);

    /** A step on this run failed part way: any copy of it held in memory may now differ from what is stored. */
    void abandon(String runId);

    /**
     * The absence rules of every run whose deadline is at or before {@code now}, in the order they
     * fire; the pipeline fires them and saves their runs. A store that indexes deadlines stops
     * returning a rule once it was handed out, until {@link #save} shows a new deadline.
     */
    List<Due> due(long now);

    /** Applies {@code update} to every run, then saves those it changed (a rules switch settles every run). */
    void updateEach(Update update);
}
