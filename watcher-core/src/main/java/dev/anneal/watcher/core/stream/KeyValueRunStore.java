package dev.anneal.watcher.core.stream;

import dev.anneal.watcher.core.pipeline.RunStore;
import dev.anneal.watcher.rules.engine.CompiledRule;
import dev.anneal.watcher.rules.engine.Due;
import dev.anneal.watcher.rules.engine.Engine;
import dev.anneal.watcher.rules.engine.RunLifecycle;
import dev.anneal.watcher.rules.engine.RunState;
import dev.anneal.watcher.rules.engine.RunStateCodec;
import dev.anneal.watcher.rules.model.ErrorClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * <p>{@link #updateEach} walks every run of the store, decoding those not cached (and caching
 * them only where that evicts nothing, so a walk does not push the runs that receive records out
 * of a cache too small for all). {@link #due} does not walk: a {@link RunIndex} holds every run's
 * next deadline, rebuilt by the walk that follows every {@link #useRules} (the task's start, a
 * rules switch) and kept up to date by {@link #save} and {@link #delete}, so a clock advance
 * decodes only the runs whose deadline is due. The same index feeds the run and alert gauges.
 * An expired run is deleted ({@link #delete}), which writes a tombstone to the changelog.
 */
public final class KeyValueRunStore implements RunStore {

    private static final Logger LOG = LoggerFactory.getLogger(KeyValueRunStore.class);

    private final KeyValueStore<String, byte[]> store;
    private final RunStateCache cache;
    private final WatcherMetrics metrics;
    private final RunIndex index;
    private Engine engine;
    private RunLifecycle lifecycle;
    private RunStateCodec codec;

    /** Run states in {@code store}; {@code cache} is emptied here, as the task is being initialised. */
    KeyValueRunStore(KeyValueStore<String, byte[]> store, RunStateCache cache, WatcherMetrics metrics) {
        this.store = store;
        this.cache = cache;
        this.metrics = metrics;
        this.index = new RunIndex(metrics);
        cache.clear();
    }

    @Override
    public void useRules(RunLifecycle next) {
        lifecycle = next;
        engine = next.engine();
        codec = new RunStateCodec(engine.ruleSet());
        // Cached states are laid out for the old rule set; decoding the stored bytes with the new
        // codec keeps unchanged rules' state and resets changed ones, as without a cache.
        cache.clear();
        // Rebuilt by the walk of every run that follows (RecordPipeline.switchRules).
        index.use(next);
    }

    /**
     * A store over {@code store} outside Kafka Streams: for tools that run the daemon's pipeline
     * on a key-value store of their own (the run-store benchmark, {@code watcher bench runs}).
     *
     * @param cacheCapacity decoded run states kept in memory ({@link WatcherTopology#DEFAULT_RUN_STATE_CACHE})
     */
    public static KeyValueRunStore over(KeyValueStore<String, byte[]> store, int cacheCapacity,
            WatcherMetrics metrics) {
        return new KeyValueRunStore(store, new RunStateCache(cacheCapacity), metrics);
    }

    /** How many runs the deadline index tracks: every stored run, once the store was scanned. */
    public int trackedRuns() {
        return index.size();
    }

    /** How many tracked runs have a deadline in the index. */
    public int runsWithDeadline() {
        return index.deadlines();
    }

    /** The task closes: its runs leave the gauges (the next owner of the partition counts them). */
    void release() {
        index.release();
    }

    /** What the index holds (tests, the benchmark). */
    RunIndex index() {
        return index;
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
    public Optional<RunState> find(String runId) {
        RunState run = cache.get(runId);
        if (run != null) {
            return Optional.of(run);
        }
        byte[] stored = store.get(runId);
        run = stored == null ? null : decode(runId, stored);
        if (run != null) {
            cache.put(run);
        }
        return Optional.ofNullable(run);
    }

    @Override
    public void save(RunState run) {
        store.put(run.runId(), codec.encode(run));
        index.track(run);
    }

    /** Deletes the run from the store, which writes a tombstone to its changelog. */
    @Override
    public void delete(String runId) {
        store.delete(runId);
        cache.remove(runId);
        index.forget(runId);
    }

    /** The cached copy may be half-updated and no longer what the store holds. */
    @Override
    public void abandon(String runId) {
        cache.remove(runId);
    }

    /**
     * The runs whose indexed deadline has come, earliest first, each with its due absence rules
     * (in rule order) and then its lifecycle deadline if due. A run whose deadline moved (the index
     * is exact, so only after a failed step) is indexed again and not handed out.
     */
    @Override
    public List<Due> due(long now) {
        List<Due> due = new ArrayList<>();
        for (String runId : index.pollDue(now)) {
            Optional<RunState> found = find(runId);
            if (found.isEmpty()) {
                index.forget(runId);
                continue;
            }
            RunState run = found.get();
            int before = due.size();
            for (CompiledRule rule : engine.absenceRules()) {
                OptionalLong at = engine.deadline(run, rule);
                if (at.isPresent() && at.getAsLong() <= now) {
                    due.add(new Due(run, rule));
                }
            }
            OptionalLong own = lifecycle.deadline(run);
            if (own.isPresent() && own.getAsLong() <= now) {
                due.add(Due.lifecycle(run));
            }
            if (due.size() == before) {
                index.track(run);
            }
        }
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
                } else {
                    index.track(run);
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
