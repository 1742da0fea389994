package dev.anneal.watcher.core.stream;

import dev.anneal.watcher.core.pipeline.RunStore;
import dev.anneal.watcher.rules.engine.CompiledRule;
import dev.anneal.watcher.rules.engine.Due;
import dev.anneal.watcher.rules.engine.Engine;
import dev.anneal.watcher.rules.engine.RunState;
import dev.anneal.watcher.rules.engine.RunStateCodec;
import dev.anneal.watcher.rules.model.ErrorClass;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The daemon's {@link RunStore}: one stream task's runs in its {@value WatcherTopology#STORE}
 * store (run id to {@link RunStateCodec} bytes, changelogged), so a task that moves to another
 * instance or restarts after a crash carries on from the changelog.
 *
 * <p>Decoded states are also kept in a {@link RunStateCache}, read through from the store. Every
 * change is still written to the store at once ({@link #save}, write-through), so the changelog
 * that commits with each transaction always holds the states that the transaction's outputs came
 * from. The cache is emptied when the task is initialised or closed (Streams re-initialises a task
 * after an aborted transaction, with its store restored from the changelog) and when the rule set
 * changes ({@link #useRules}: a state is laid out for the rule set that decoded it).
 *
 * <p>A stored state that cannot be read is logged, counted once and replaced by a fresh one: that
 * means a bug or an incompatible format change, and the run starts afresh rather than stopping the
 * task on a record it could never get past.
 *
 * <p>{@link #due} and {@link #updateEach} walk every run of the store, decoding those not cached
 * (and caching them only where that evicts nothing, so a walk does not push the runs that receive
 * records out of a cache too small for all); the absence interval bounds what the walk costs.
 */
final class KeyValueRunStore implements RunStore {

    private static final Logger LOG = LoggerFactory.getLogger(KeyValueRunStore.class);

    private final KeyValueStore<String, byte[]> store;
    private final RunStateCache cache;
    private final WatcherMetrics metrics;
    private Engine engine;
    private RunStateCodec codec;

    /** Run states in {@code store}; {@code cache} is emptied here, as the task is being initialised. */
    KeyValueRunStore(KeyValueStore<String, byte[]> store, RunStateCache cache, WatcherMetrics metrics) {
        this.store = store;
        this.cache = cache;
        this.metrics = metrics;
        cache.clear();
    }

    @Override
    public void useRules(Engine next) {
        engine = next;
        codec = new RunStateCodec(next.ruleSet());
        // Cached states are laid out for the old rule set; decoding the stored bytes with the new
        // codec keeps unchanged rules' state and resets changed ones, as without a cache.
        cache.clear();
    }

    /** The run's state: cached, else decoded from the store (and cached), else a fresh one. */
    @Override
    public RunState load(String runId) {
        RunState run = cache.get(runId);
        if (run != null) {
            return run;
        }
        byte[] stored = store.get(runId);
        run = stored == null ? null : decode(runId, stored);
        if (run == null) {
            run = engine.newRun(runId);
        }
        cache.put(run);
        return run;
    }

    @Override
    public void save(RunState run) {
        store.put(run.runId(), codec.encode(run));
    }

    /** The cached copy may be half-updated and no longer what the store holds. */
    @Override
    public void abandon(String runId) {
        cache.remove(runId);
    }

    @Override
    public List<Due> due(long now) {
        List<Due> due = new ArrayList<>();
        walk(run -> {
            for (CompiledRule rule : engine.absenceRules()) {
                OptionalLong at = engine.deadline(run, rule);
                if (at.isPresent() && at.getAsLong() <= now) {
                    due.add(new Due(run, rule));
                }
            }
            return false;
        });
        return due;
    }

    @Override
    public void updateEach(Update update) {
        for (RunState run : walk(update)) {
            save(run);
        }
    }

    /**
     * Applies {@code visit} to every run of the store and returns those it changed, to be written
     * after the walk: stores need not support writes during a scan. An unreadable state is replaced
     * by a fresh one (not visited), written after the walk too, so it is reported once, not at
     * every walk.
     */
    private List<RunState> walk(Update visit) {
        List<RunState> changed = new ArrayList<>();
        List<RunState> replaced = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> entry = it.next();
                RunState run = cache.get(entry.key);
                if (run == null) {
                    run = decode(entry.key, entry.value);
                    if (run == null) {
                        replaced.add(engine.newRun(entry.key));
                        continue;
                    }
                    cache.putIfRoom(run);
                }
                if (visit.apply(run)) {
                    changed.add(run);
                }
            }
        }
        for (RunState fresh : replaced) {
            save(fresh);
            cache.putIfRoom(fresh);
        }
        return changed;
    }

    /** The stored state of a run, or null (logged and counted) when it cannot be read. */
    private RunState decode(String runId, byte[] stored) {
        try {
            RunState run = codec.decode(stored);
            if (runId.equals(run.runId())) {
                return run;
            }
            ErrorLog.at(LOG, Level.ERROR, ErrorClass.FATAL).log(
                    "the state stored under run {} belongs to run {}; starting run {} afresh", runId, run.runId(),
                    runId);
        } catch (IllegalArgumentException e) {
            ErrorLog.at(LOG, Level.ERROR, ErrorClass.FATAL).log(
                    "the stored state of run {} cannot be read ({}); starting it afresh", runId, e.getMessage());
        }
        metrics.stateError();
        return null;
    }
}
