package dev.anneal.watcher.app.bench;

import dev.anneal.watcher.core.decode.DecodeResult;
import dev.anneal.watcher.core.decode.Rejection;
import dev.anneal.watcher.core.pipeline.EventTime;
import dev.anneal.watcher.core.pipeline.PipelineSink;
import dev.anneal.watcher.core.pipeline.RecordCheck;
import dev.anneal.watcher.core.pipeline.RecordPipeline;
import dev.anneal.watcher.core.pipeline.TaskSilenceStore;
import dev.anneal.watcher.core.stream.KeyValueRunStore;
import dev.anneal.watcher.core.stream.WatcherMetrics;
import dev.anneal.watcher.core.stream.WatcherTopology;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.engine.RunLifecycle;
import dev.anneal.watcher.rules.engine.RunState;
import dev.anneal.watcher.rules.engine.Step;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.SourcePosition;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The run-store benchmark ({@code watcher bench runs}): what the daemon's clock advance (the
 * absence check, which also ends idle runs and expires ended ones) costs when the task's store
 * holds many runs of which few are active, and what is left in the store once many runs have
 * ended and expired. It runs the daemon's own pipeline ({@link RecordPipeline} over
 * {@link KeyValueRunStore}, anneal-gates, the default run lifecycle) on an in-memory key-value
 * store ({@link MapKeyValueStore}), without Kafka: the figures are the store's and the engine's,
 * not the broker's.
 *
 * <p>For each store size: one PPO record per run, then a {@code run_end} for all runs but the
 * active ones; the task's start-up scan (which builds the deadline index); clock advances with
 * nothing due, timed over many repetitions; one advance that makes every active run stale; and,
 * for comparison, a walk of every run, which is what each absence check cost before the index.
 * Then every run is ended and the clock moved past {@code runs.retain_ended}: the store's entries,
 * bytes and the changelog records (tombstones) that expiry wrote.
 */
public final class RunStoreBenchmark {

    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    private static final long MINUTE = 60_000L;

    /** One store size's figures. */
    public record Case(int stored, int active, double scanMillis, double idleCheckMicros, double staleCheckMillis,
            int staleAlerts, double walkMillis, int indexed, int withDeadline) {
    }

    /**
     * What expiring every run left.
     *
     * @param runs             runs that ended and expired
     * @param entriesBefore    store entries before the expiry
     * @param bytesBefore      bytes held before
     * @param entriesAfter     store entries after
     * @param bytesAfter       bytes held after
     * @param tombstones       changelog tombstones the expiry wrote
     * @param expireMillis     time of the clock advance that expired them all
     * @param indexedAfter     runs the deadline index still tracks
     */
    public record Expiry(int runs, long entriesBefore, long bytesBefore, long entriesAfter, long bytesAfter,
            long tombstones, double expireMillis, int indexedAfter) {
    }

    private final RuleSet rules;
    private final Consumer<String> progress;

    public RunStoreBenchmark(RuleSet rules, Consumer<String> progress) {
        this.rules = rules;
        this.progress = progress;
    }

    /** Measures a store of {@code stored} runs of which {@code active} have not ended. */
    public Case measure(int stored, int active, int repetitions) {
        MapKeyValueStore kv = new MapKeyValueStore();
        KeyValueRunStore store = KeyValueRunStore.over(kv, WatcherTopology.DEFAULT_RUN_STATE_CACHE,
                new WatcherMetrics());
        Counter sink = new Counter();
        RecordPipeline pipeline = new RecordPipeline(rules, store, TaskSilenceStore.inMemory(), EventTime.PER_RUN,
                RunLifecycle.Policy.DEFAULTS, sink);
        fill(pipeline, stored, active);
        progress.accept(String.format(Locale.ROOT, "%,d runs stored, %,d active", stored, active));

        long t = System.nanoTime();
        pipeline.switchRules(rules, fingerprint -> null, T0 + MINUTE);
        double scan = millis(System.nanoTime() - t);

        long[] idle = new long[repetitions];
        for (int i = 0; i < repetitions; i++) {
            long s = System.nanoTime();
            pipeline.advanceTo(T0 + 2 * MINUTE + i);
            idle[i] = System.nanoTime() - s;
        }
        Arrays.sort(idle);

        long[] walks = new long[5];
        for (int i = 0; i < walks.length; i++) {
            long s = System.nanoTime();
            store.updateEach(run -> false);
            walks[i] = System.nanoTime() - s;
        }
        Arrays.sort(walks);

        int before = sink.alerts;
        long s = System.nanoTime();
        pipeline.advanceTo(T0 + 11 * MINUTE);
        double stale = millis(System.nanoTime() - s);
        return new Case(stored, active, scan, idle[repetitions / 2] / 1000.0, stale, sink.alerts - before,
                millis(walks[walks.length / 2]), store.trackedRuns(), store.runsWithDeadline());
    }

    /** Ends {@code runs} runs and moves the clock past {@code runs.retain_ended}: what is left. */
    public Expiry expire(int runs) {
        MapKeyValueStore kv = new MapKeyValueStore();
        KeyValueRunStore store = KeyValueRunStore.over(kv, WatcherTopology.DEFAULT_RUN_STATE_CACHE,
                new WatcherMetrics());
        RecordPipeline pipeline = new RecordPipeline(rules, store, TaskSilenceStore.inMemory(), EventTime.PER_RUN,
                RunLifecycle.Policy.DEFAULTS, new Counter());
        fill(pipeline, runs, 0);
        pipeline.switchRules(rules, fingerprint -> null, T0 + MINUTE);
        long entries = kv.approximateNumEntries();
        long bytes = kv.bytes();
        long deletes = kv.deletes();
        long retain = RunLifecycle.Policy.DEFAULTS.retainEndedMillis();
        long s = System.nanoTime();
        pipeline.advanceTo(T0 + retain + 2 * MINUTE);
        double took = millis(System.nanoTime() - s);
        progress.accept(String.format(Locale.ROOT, "%,d ended runs expired", runs));
        return new Expiry(runs, entries, bytes, kv.approximateNumEntries(), kv.bytes(), kv.deletes() - deletes,
                took, store.trackedRuns());
    }

    /** One healthy PPO record per run at T0, then a run_end one second later for all but {@code active}. */
    private static void fill(RecordPipeline pipeline, int stored, int active) {
        for (int r = 0; r < stored; r++) {
            pipeline.accept(record("run-" + r, RecordKind.PPO, T0, ppo()), RecordCheck.NONE);
        }
        for (int r = active; r < stored; r++) {
            pipeline.accept(record("run-" + r, RecordKind.RUN_END, T0 + 1000, Map.of()), RecordCheck.NONE);
        }
    }

    private static Map<String, Object> ppo() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("epoch", 1.0);
        f.put("loss_total", 1.37);
        f.put("kl_divergence", 0.01);
        f.put("grad_norm", 1.0);
        f.put("batch_entropy_mean", 1.38);
        f.put("data_mode", "replay");
        return f;
    }

    private static DecodeResult record(String runId, RecordKind kind, long ts, Map<String, Object> fields) {
        return new DecodeResult.Decoded(new TelemetryRecord(runId, kind, SourcePosition.line("bench", 1), ts, true,
                false, fields));
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    /** The figures as markdown for docs/performance.md. */
    public static String toMarkdown(List<Case> cases, Expiry expiry) {
        StringBuilder sb = new StringBuilder();
        sb.append("| stored runs | active | start-up scan | clock advance, nothing due (median) | advance making "
                + "every active run stale | walk of every run (the old absence check) | runs indexed (with a "
                + "deadline) |\n|---|---|---|---|---|---|---|\n");
        for (Case c : cases) {
            sb.append(String.format(Locale.ROOT, "| %,d | %,d | %.0f ms | %.1f µs | %.1f ms (%,d alerts) | %.0f ms "
                    + "| %,d (%,d) |%n", c.stored(), c.active(), c.scanMillis(), c.idleCheckMicros(),
                    c.staleCheckMillis(), c.staleAlerts(), c.walkMillis(), c.indexed(), c.withDeadline()));
        }
        sb.append(String.format(Locale.ROOT, "%nAfter %,d runs ended and `runs.retain_ended` passed: the store "
                + "held %,d entries (%,.1f MB) before and %,d entries (%,d bytes) after; the expiry wrote %,d "
                + "changelog tombstones in one clock advance of %.0f ms; the deadline index tracks %,d runs.%n",
                expiry.runs(), expiry.entriesBefore(), expiry.bytesBefore() / 1e6, expiry.entriesAfter(),
                expiry.bytesAfter(), expiry.tombstones(), expiry.expireMillis(), expiry.indexedAfter()));
        return sb.toString();
    }

    /** Counts alerts; the benchmark needs nothing else from the route stage. */
    private static final class Counter implements PipelineSink {
        int alerts;

        @Override
        public void rejected(Rejection rejection) {
            throw new IllegalStateException("the benchmark's records are valid: " + rejection);
        }

        @Override
        public void accepted(TelemetryRecord record) {
        }

        @Override
        public void step(String runId, Step step, Cause cause) {
            alerts += step.alerts().size();
        }

        @Override
        public void expired(RunState last) {
        }
    }
}
