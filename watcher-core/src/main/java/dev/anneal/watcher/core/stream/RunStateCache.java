package dev.anneal.watcher.core.stream;

import dev.anneal.watcher.rules.engine.RunState;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The decoded run states of one stream task, most recently used last, at most {@code capacity} of
 * them. It exists because decoding a run's stored state for every record was most of the daemon's
 * CPU (docs/performance.md, "Daemon benchmark").
 *
 * <p>It is only ever a copy of the {@value WatcherTopology#STORE} store, never the state of record:
 * {@link WatcherProcessor} still writes every change to the store before it publishes, so the
 * changelog stays exact under exactly-once. It is therefore emptied whenever the store may have
 * changed under it (the task is initialised, which happens again after an aborted transaction
 * restored the store from the changelog, or closed) and whenever the rule set changes (a state is
 * laid out for the rule set that decoded it). Not thread-safe: one per processor, used by its
 * stream thread.
 */
final class RunStateCache {

    /**
     * Default capacity per task. A decoded anneal-gates state takes about 3.3 KB of heap (measured on
     * the benchmark's records), so a full cache takes about 35 MB per task.
     */
    static final int DEFAULT_CAPACITY = 10_000;

    private final int capacity;
    private final LinkedHashMap<String, RunState> states;

    /**
     * @param capacity how many decoded states to keep; 0 turns the cache off (every record decodes)
     */
    RunStateCache(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("the run state cache capacity must be >= 0, was " + capacity);
        }
        this.capacity = capacity;
        this.states = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, RunState> eldest) {
                return size() > RunStateCache.this.capacity;
            }
        };
    }

    /** The cached state of a run, or null; a hit makes it the most recently used. */
    RunState get(String runId) {
        return states.get(runId);
    }

    /** Caches a state, evicting the least recently used one when full. */
    void put(RunState run) {
        if (capacity > 0) {
            states.put(run.runId(), run);
        }
    }

    /**
     * Caches a state only when that evicts nothing, so a scan over every run (the absence
     * punctuation) does not push the runs that receive records out of a cache too small for all.
     */
    void putIfRoom(RunState run) {
        if (states.size() < capacity) {
            states.put(run.runId(), run);
        }
    }

    /** Forgets one run, whose cached copy may no longer match the store. */
    void remove(String runId) {
        states.remove(runId);
    }

    void clear() {
        states.clear();
    }

    int size() {
        return states.size();
    }

    int capacity() {
        return capacity;
    }
}
