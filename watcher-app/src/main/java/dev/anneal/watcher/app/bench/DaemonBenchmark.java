package dev.anneal.watcher.app.bench;

import dev.anneal.watcher.app.bench.DaemonBenchmarkReport.Latency;
import dev.anneal.watcher.app.bench.DaemonBenchmarkReport.Load;
import dev.anneal.watcher.app.bench.DaemonBenchmarkReport.Setup;
import dev.anneal.watcher.app.bench.DaemonBenchmarkReport.Work;
import dev.anneal.watcher.core.decode.Rejection;
import dev.anneal.watcher.core.generate.PpoStreamGenerator;
import dev.anneal.watcher.core.kafka.EmbeddedKafkaBroker;
import dev.anneal.watcher.core.replay.Replay;
import dev.anneal.watcher.core.replay.ReplayListener;
import dev.anneal.watcher.core.replay.ReplayOptions;
import dev.anneal.watcher.core.replay.ReplayResult;
import dev.anneal.watcher.core.replay.StrictRejectionException;
import dev.anneal.watcher.core.stream.StreamsConfigs;
import dev.anneal.watcher.core.stream.WatcherTopology;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.load.RuleLoadException;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.Recommendation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The daemon benchmark of the issue, in one JVM on one embedded broker: the watcher topology's
 * throughput beside a trivial Kafka Streams application over the same records (the ceiling), and
 * its latency from a record produced to its recommendation readable. This class runs the steps in
 * order and assembles the {@link DaemonBenchmarkReport}:
 *
 * <ol>
 *   <li><b>Input</b> ({@link InputProducer}). {@link PpoStreamGenerator} envelopes (the replay
 *       benchmark's records: the full v1.2 key set, ~1.7 KB each, 3 % drifting runs), keyed by run
 *       id, produced once into a topic with a fixed partition count; {@code ts} is restamped to the
 *       produce time ({@link DaemonInput}). The same records are replayed first, for the outputs
 *       the daemon must publish.</li>
 *   <li><b>Throughput</b> ({@link ThroughputPasses}). Passes interleaved: the ceiling,
 *       {@code groupByKey().count()} into a persistent changelogged store with its counts sent to
 *       an output topic; a diagnostic, the ceiling plus a Jackson {@code readTree} of every value
 *       (what any consumer of the JSON pays, the replay benchmark's ceiling); and the watcher,
 *       {@link WatcherTopology} with the rule pack, all with {@link StreamsConfigs#defaults} (so
 *       exactly_once_v2, byte[] serdes), the same commit interval and number of stream threads,
 *       each pass with a fresh {@code application.id} from the earliest offset. A pass is timed
 *       from the state RUNNING until the group's committed offsets (polled every
 *       {@value ThroughputPasses#POLL_MILLIS} ms through the admin client) reach the end of every
 *       input partition. The watcher's outputs are then read back and compared with the replay.
 *       The watcher gets a clock set back to when the records were produced, so its wall-clock
 *       absence check sees them as live.</li>
 *   <li><b>Latency</b> ({@link LatencyMeasurement}). The watcher alone, on its own topic, fed by a
 *       paced producer; every record changes its run's recommendation
 *       ({@link DaemonInput#flipping}), and a read_committed consumer ({@link LatencyReader})
 *       measures send time -> recommendation (and alert) returned by {@code poll}. Then the
 *       ceiling gets the same paced records on a topic of its own: the latency of its count
 *       updates is the floor that Streams' exactly-once commit cycle sets on this machine.</li>
 * </ol>
 * The steps share the broker through {@link BenchBroker}, run each application as a
 * {@link BenchApp} and take the ceiling from {@link BenchTopologies}. Speed is only ever reported,
 * never asserted.
 */
public final class DaemonBenchmark {

    /**
     * What to measure.
     *
     * @param records              records of the throughput topic
     * @param runs                 runs they are spread over
     * @param partitions           partitions of every input topic
     * @param passes               timed passes per application
     * @param warmupRecords        records of the untimed warm-up topic (0 for none)
     * @param rules                the watcher's rule pack name or file
     * @param seed                 the generator's seed
     * @param commitIntervalMs     {@code commit.interval.ms} of every application
     * @param streamThreads        {@code num.stream.threads} of every application
     * @param runStateCache        decoded run states the watcher keeps per task (0 for none)
     * @param throughput           whether to measure throughput
     * @param latencyRate          records per second of the paced producer
     * @param latencySeconds       seconds of the measured latency window
     * @param latencyWarmupSeconds seconds produced at the same rate before the window
     * @param latencyRuns          runs of the latency stream (drifting runs are left out of it)
     * @param latency              whether to measure latency
     * @param latencyFloor         whether to also run the ceiling under the same paced input (the floor)
     * @param parentDir            where the temporary directory (broker data, state, streams) is made;
     *                             null for the system's temporary directory
     */
    public record Options(long records, int runs, int partitions, int passes, long warmupRecords, String rules,
            long seed, long commitIntervalMs, int streamThreads, int runStateCache, boolean throughput,
            double latencyRate,
            int latencySeconds, int latencyWarmupSeconds, int latencyRuns, boolean latency, boolean latencyFloor,
            Path parentDir) {

        public Options {
            Objects.requireNonNull(rules, "rules");
            if (throughput) {
                if (records < 1 || runs < 1 || runs > records) {
                    throw new IllegalArgumentException("records must be >= 1 and runs between 1 and records, were "
                            + records + " and " + runs);
                }
                if (passes < 1) {
                    throw new IllegalArgumentException("passes must be >= 1, was " + passes);
                }
                if (warmupRecords < 0) {
                    throw new IllegalArgumentException("warmup must be >= 0, was " + warmupRecords);
                }
            }
            if (partitions < 1 || streamThreads < 1 || commitIntervalMs < 1) {
                throw new IllegalArgumentException("partitions, stream threads and commit interval must be >= 1");
            }
            if (runStateCache < 0) {
                throw new IllegalArgumentException("the run state cache must be >= 0 runs per task, was "
                        + runStateCache);
            }
            if (latency && (!(latencyRate > 0) || latencySeconds < 1 || latencyWarmupSeconds < 0 || latencyRuns < 3)) {
                throw new IllegalArgumentException("the latency rate must be > 0, its duration >= 1 s, its warm-up"
                        + " >= 0 s and its runs >= 3");
            }
            if (!throughput && !latency) {
                throw new IllegalArgumentException("nothing to measure: both throughput and latency are off");
            }
        }

        /** The benchmark: 200,000 records over 1,000 runs, 2,000 records/s for 60 s. */
        public static Options defaults() {
            return new Options(200_000, 1_000, 4, 3, 100_000, "anneal-gates", PpoStreamGenerator.DEFAULT_SEED,
                    StreamsConfigs.DEFAULT_COMMIT_INTERVAL_MS, 1, WatcherTopology.DEFAULT_RUN_STATE_CACHE, true, 2_000,
                    60, 10, 1_000, true, true, null);
        }
    }

    private final Options options;
    private final Consumer<String> progress;

    /**
     * @param options  what to measure
     * @param progress receives one line per step (to show progress on stderr); never the figures
     */
    public DaemonBenchmark(Options options, Consumer<String> progress) {
        this.options = Objects.requireNonNull(options, "options");
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /** Runs every measurement and returns the figures. */
    public DaemonBenchmarkReport run() throws IOException, RuleLoadException, InterruptedException,
            ExecutionException, TimeoutException {
        List<Load> loads = new ArrayList<>();
        loads.add(new Load("start", MachineInfo.loadAverage()));
        RuleSet ruleSet = ReplayBenchmark.compileRules(options.rules());
        Path parent = options.parentDir() != null ? options.parentDir()
                : Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(parent);
        Path dir = Files.createTempDirectory(parent, "watcher-daemon-bench-");
        try {
            Path mainFile = dir.resolve("throughput.jsonl");
            Path warmupFile = dir.resolve("warmup.jsonl");
            Work expected = null;
            if (options.throughput()) {
                generateThroughputInput(mainFile, warmupFile);
                progress.accept("replaying the same records for the expected outputs");
                expected = replayWork(ruleSet, mainFile);
            }
            progress.accept("starting the embedded broker in " + dir.resolve("kafka"));
            try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(0, dir.resolve("kafka"))) {
                String bootstrap = kafka.bootstrapServers();
                progress.accept(String.format(Locale.ROOT, "broker at %s, started in %.1f s", bootstrap,
                        kafka.startupTime().toMillis() / 1000.0));
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) BenchBroker.REQUEST_TIMEOUT.toMillis()))) {
                    BenchBroker broker = new BenchBroker(bootstrap, admin, options.partitions(),
                            dir.resolve("streams"), options.commitIntervalMs(), options.streamThreads());
                    ThroughputPasses.Result t = null;
                    if (options.throughput()) {
                        t = new ThroughputPasses(options, broker, ruleSet, progress).run(mainFile, warmupFile);
                        loads.add(new Load("after throughput", MachineInfo.loadAverage()));
                    }
                    Latency latency = options.latency()
                            ? new LatencyMeasurement(options, broker, ruleSet, progress).run(dir) : null;
                    loads.add(new Load("end", MachineInfo.loadAverage()));
                    return report(t, expected, latency, loads);
                }
            }
        } finally {
            deleteRecursively(dir);
        }
    }

    /** Writes the throughput records to {@code mainFile} and the warm-up records, if any, to {@code warmupFile}. */
    private void generateThroughputInput(Path mainFile, Path warmupFile) throws IOException {
        progress.accept("generating " + options.records() + " records over " + options.runs() + " runs");
        new PpoStreamGenerator(new PpoStreamGenerator.Config(options.records(), options.runs(), options.seed()))
                .writeTo(mainFile);
        if (options.warmupRecords() > 0) {
            long w = options.warmupRecords();
            new PpoStreamGenerator(new PpoStreamGenerator.Config(w, (int) Math.min(options.runs(), w),
                    options.seed() + 1)).writeTo(warmupFile);
        }
    }

    /** The report of the steps that ran ({@code t}, {@code expected} and {@code latency} null when skipped). */
    private DaemonBenchmarkReport report(ThroughputPasses.Result t, Work expected, Latency latency,
            List<Load> loads) {
        Setup setup = new Setup(options.rules(), options.partitions(), options.streamThreads(),
                options.commitIntervalMs(), t == null ? 0 : options.records(), options.runs(),
                t == null ? 0 : t.bytes, options.seed(), options.warmupRecords(), options.passes(),
                t == null ? 0 : t.produceNanos);
        return new DaemonBenchmarkReport(setup, t == null ? List.of() : t.ceiling,
                t == null ? List.of() : t.parsing, t == null ? List.of() : t.watcher, t == null ? 0 : t.ceilingOut,
                t == null ? null : t.work, expected, latency, MachineInfo.current(), loads);
    }

    /** What replay publishes over {@code file}: alert transitions (firing and resolved) and recommendation changes. */
    static Work replayWork(RuleSet ruleSet, Path file) throws IOException {
        long[] counts = new long[3];
        Map<String, Long> firing = new TreeMap<>();
        ReplayListener listener = new ReplayListener() {
            @Override
            public void alert(AlertEvent alert) {
                if (alert.state() == AlertState.FIRING || alert.state() == AlertState.RESOLVED) {
                    counts[0]++;
                }
                if (alert.state() == AlertState.FIRING) {
                    firing.merge(alert.rule(), 1L, Long::sum);
                }
            }

            @Override
            public void recommendation(Recommendation recommendation) {
                counts[1]++;
            }

            @Override
            public void rejected(Rejection rejection) {
                counts[2]++;
            }
        };
        Replay replay = new Replay(ruleSet, ReplayOptions.defaults(), listener);
        try (InputStream in = Files.newInputStream(file)) {
            replay.replay(file.getFileName().toString(), in, "bench");
        } catch (StrictRejectionException e) {
            throw new IllegalStateException("not strict, cannot happen", e);
        }
        ReplayResult result = replay.finish();
        return new Work(result.counts().accepted(), counts[0], firing, counts[1], counts[2]);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
