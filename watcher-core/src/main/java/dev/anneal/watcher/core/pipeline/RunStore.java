package dev.anneal.watcher.core.pipeline;

import dev.anneal.watcher.rules.engine.Due;
import dev.anneal.watcher.rules.engine.RunLifecycle;
import dev.anneal.watcher.rules.engine.RunState;
import java.util.List;
import java.util.Optional;

/**
 * Where {@link RecordPipeline} keeps the state of every run: replay keeps it in memory
 * ({@link InMemoryRunStore}), the daemon in its stream task's changelogged key-value store
 * ({@code core.stream.KeyValueRunStore}). The pipeline reads a run with {@link #load}, lets the
 * engine change it in place and hands it back with {@link #save} before anything it caused is
 * routed, so a store that persists (the daemon's) always holds the state its outputs came from.
 * An expired run leaves through {@link #delete}.
 *
 * <p>A store also knows when something is due on a run: {@link #due} gives the absence rules
 * whose deadline has passed ({@code Engine.deadline}) and the runs whose lifecycle deadline has
 * ({@link RunLifecycle#deadline}: a silence ends, the run ends idle or expires), in the order they
 * must be handled. A store indexes deadlines as {@link #save} sees them change, so that a clock
 * advance costs what is due, not a walk of every run. Single-threaded: one store per pipeline.
 */
public interface RunStore {

    /** Something done to every run by {@link #updateEach}. */
    @FunctionalInterface
    interface Update {
        /** Applies the change to {@code run} in place; true when it changed it (so it must be saved). */
        boolean apply(RunState run);
    }

    /**
     * The pipeline takes up {@code lifecycle}'s rule set (at its start and at every rules
     * switch): states are laid out for it, and deadlines computed by it, from now on. A state kept
     * for an earlier rule set is carried over as the run-state codec does it: unchanged rules keep
     * their state, the open alerts of retired ones are set aside for settling.
     */
    void useRules(RunLifecycle lifecycle);

    /** The state of a run: the stored one, or a fresh one when the store has none (or none it can read). */
    RunState load(String runId);

    /** The stored state of a run, without starting one when there is none (operator commands). */
    Optional<RunState> find(String runId);

    /** Keeps a run's state after a step changed it, and takes note of its deadlines. */
    void save(RunState run);

    /** Deletes an expired run: its state and its deadlines. */
    void delete(String runId);

    /** A step on this run failed part way: any copy of it held in memory may now differ from what is stored. */
    void abandon(String runId);

    /**
     * What is due at {@code now}, in the order it must be handled: the absence rules whose
     * deadline passed, and (as {@link Due#lifecycle}) the runs whose lifecycle deadline passed.
     * The pipeline handles each and saves (or deletes) its run. A store stops handing out a
     * deadline once it was handed out, until {@link #save} shows a new one.
     */
    List<Due> due(long now);

    /** Applies {@code update} to every run, then saves those it changed (a rules switch settles every run). */
    void updateEach(Update update);
}
