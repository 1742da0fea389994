package dev.anneal.watcher.core.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.watcher.core.bench.DaemonBenchmarkReport.Latency;
import dev.anneal.watcher.core.bench.DaemonBenchmarkReport.Load;
import dev.anneal.watcher.core.bench.DaemonBenchmarkReport.Setup;
import dev.anneal.watcher.core.bench.DaemonBenchmarkReport.ThroughputRun;
import dev.anneal.watcher.core.bench.DaemonBenchmarkReport.Work;
import dev.anneal.watcher.core.kafka.EmbeddedKafkaBroker;
import dev.anneal.watcher.core.replay.Replay;
import dev.anneal.watcher.core.replay.ReplayListener;
import dev.anneal.watcher.core.replay.ReplayOptions;
import dev.anneal.watcher.core.replay.ReplayResult;
import dev.anneal.watcher.core.replay.StrictRejectionException;
import dev.anneal.watcher.core.stream.RuleSetHolder;
import dev.anneal.watcher.core.stream.StreamsConfigs;
import dev.anneal.watcher.core.stream.TopicSetup;
import dev.anneal.watcher.core.stream.WatcherMetrics;
import dev.anneal.watcher.core.stream.WatcherTopics;
import dev.anneal.watcher.core.stream.WatcherTopology;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.load.RuleLoadException;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.Recommendation;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The daemon benchmark of the issue, in one JVM on one embedded broker: the watcher topology's
 * throughput beside a trivial Kafka Streams application over the same records (the ceiling), and
 * its latency from a record produced to its recommendation readable.
 *
 * <ol>
 *   <li><b>Input.</b> {@link PpoStreamGenerator} envelopes (the replay benchmark's records: the full
 *       v1.2 key set, ~1.7 KB each, 3 % drifting runs), keyed by run id, produced once into a topic
 *       with a fixed partition count; {@code ts} is restamped to the produce time
 *       ({@link DaemonInput}).</li>
 *   <li><b>Throughput.</b> Passes interleaved: the ceiling, {@code groupByKey().count()} into a
 *       persistent changelogged store with its counts sent to an output topic; a diagnostic, the
 *       ceiling plus a Jackson {@code readTree} of every value (what any consumer of the JSON
 *       pays, the replay benchmark's ceiling); and the watcher,
 *       {@link WatcherTopology} with the rule pack, both with {@link StreamsConfigs#defaults} (so
 *       exactly_once_v2, byte[] serdes), the same commit interval and number of stream threads,
 *       each pass with a fresh {@code application.id} from the earliest offset. A pass is timed
 *       from the state RUNNING until the group's committed offsets (polled every
 *       {@value #POLL_MILLIS} ms through the admin client) reach the end of every input partition.
 *       The watcher's outputs are then read back and compared with a replay of the same records.
 *       The watcher gets a clock set back to when the records were produced, so its wall-clock
 *       absence check sees them as live (as if it had been running while they were produced)
 *       instead of firing {@code stale_telemetry} on every run when a pass starts minutes
 *       later; its punctuation still runs and costs what it costs.</li>
 *   <li><b>Latency.</b> The watcher alone, on its own topic, fed by a paced producer; every record
 *       changes its run's recommendation ({@link DaemonInput#flipping}), and a read_committed
 *       consumer measures send time -> recommendation (and alert) returned by {@code poll}. Then
 *       the ceiling gets the same paced records on a topic of its own: the latency of its count
 *       updates is the floor that Streams' exactly-once commit cycle sets on this machine.</li>
 * </ol>
 * Speed is only ever reported, never asserted.
 */
public final class DaemonBenchmark {

    /** How often the committed offsets of a timed pass are polled. */
    static final long POLL_MILLIS = 20;
    /** After the last send, how long the latency consumer waits for the next recommendation before giving up. */
    static final Duration DRAIN = Duration.ofSeconds(15);
    /** After the last send, how long the latency consumer waits in all for the window's recommendations. */
    static final Duration DRAIN_MAX = Duration.ofMinutes(10);
    /** Admin and client request timeout. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    static final String INPUT = "bench.input";
    static final String WARMUP_INPUT = "bench.warmup.input";
    static final String LATENCY_INPUT = "bench.latency.input";
    static final String LATENCY_CEILING_INPUT = "bench.latency-ceiling.input";
    static final String CEILING_STORE = "ceiling-counts";

    /** The stream-thread metrics the latency report shows, with the unit they are in. */
    static final Map<String, String> THREAD_METRICS = orderedMap(
            "commit-latency-avg", "ms", "commit-latency-max", "ms", "commit-rate", "/s",
            "punctuate-latency-avg", "ms", "poll-records-avg", "records");

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
                    StreamsConfigs.DEFAULT_COMMIT_INTERVAL_MS, 1, WatcherTopology.DEFAULT_RUN_STATE_CACHE, true, 2_000, 60, 10, 1_000, true, true, null);
        }
    }

    private final Options options;
    private final Consumer<String> progress;
    private final ObjectMapper json = new ObjectMapper();
    private String bootstrap;
    private Admin admin;
    private Path stateDir;

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
        loads.add(new Load("start", loadAverage()));
        RuleSet ruleSet = ReplayBenchmark.compileRules(options.rules());
        Path parent = options.parentDir() != null ? options.parentDir()
                : Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(parent);
        Path dir = Files.createTempDirectory(parent, "watcher-daemon-bench-");
        stateDir = dir.resolve("streams");
        try {
            Path mainFile = dir.resolve("throughput.jsonl");
            Path warmupFile = dir.resolve("warmup.jsonl");
            Work expected = null;
            if (options.throughput()) {
                progress.accept("generating " + options.records() + " records over " + options.runs() + " runs");
                new PpoStreamGenerator(new PpoStreamGenerator.Config(options.records(), options.runs(), options.seed()))
                        .writeTo(mainFile);
                if (options.warmupRecords() > 0) {
                    long w = options.warmupRecords();
                    new PpoStreamGenerator(new PpoStreamGenerator.Config(w, (int) Math.min(options.runs(), w),
                            options.seed() + 1)).writeTo(warmupFile);
                }
                progress.accept("replaying the same records for the expected outputs");
                expected = replayWork(ruleSet, mainFile);
            }
            progress.accept("starting the embedded broker in " + dir.resolve("kafka"));
            try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, dir.resolve("kafka"))) {
                bootstrap = broker.bootstrapServers();
                progress.accept(String.format(Locale.ROOT, "broker at %s, started in %.1f s", bootstrap,
                        broker.startupTime().toMillis() / 1000.0));
                try (Admin a = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) REQUEST_TIMEOUT.toMillis()))) {
                    admin = a;
                    ThroughputPhase t = options.throughput() ? throughput(ruleSet, mainFile, warmupFile) : null;
                    if (t != null) {
                        loads.add(new Load("after throughput", loadAverage()));
                    }
                    Latency latency = options.latency() ? latency(ruleSet, dir) : null;
                    loads.add(new Load("end", loadAverage()));
                    Setup setup = new Setup(options.rules(), options.partitions(), options.streamThreads(),
                            options.commitIntervalMs(), t == null ? 0 : options.records(), options.runs(),
                            t == null ? 0 : t.bytes, options.seed(), options.warmupRecords(), options.passes(),
                            t == null ? 0 : t.produceNanos);
                    return new DaemonBenchmarkReport(setup, t == null ? List.of() : t.ceiling,
                            t == null ? List.of() : t.parsing, t == null ? List.of() : t.watcher, t == null ? 0 : t.ceilingOut,
                            t == null ? null : t.work, expected, latency, MachineInfo.current(), loads);
                } finally {
                    admin = null;
                }
            }
        } finally {
            deleteRecursively(dir);
        }
    }

    // ------------------------------------------------------------------------------------- throughput

    /** The applications of the throughput passes. */
    enum App {
        /** The ceiling: count per key. */
        CEILING("ceiling: per-key count"),
        /** A diagnostic: the ceiling plus a Jackson {@code readTree} of every value (what any JSON consumer pays). */
        PARSING("diagnostic: per-key count + readTree of each value"),
        /** The daemon's topology. */
        WATCHER("watcher: ");

        final String label;

        App(String label) {
            this.label = label;
        }
    }

    private static final class ThroughputPhase {
        final List<ThroughputRun> ceiling = new ArrayList<>();
        final List<ThroughputRun> parsing = new ArrayList<>();
        final List<ThroughputRun> watcher = new ArrayList<>();
        long bytes;
        long produceNanos;
        long ceilingOut;
        Work work;
    }

    private ThroughputPhase throughput(RuleSet ruleSet, Path mainFile, Path warmupFile)
            throws IOException, InterruptedException, ExecutionException, TimeoutException {
        ThroughputPhase phase = new ThroughputPhase();
        createTopics(INPUT);
        if (options.warmupRecords() > 0) {
            createTopics(WARMUP_INPUT);
            progress.accept("warm-up: producing " + options.warmupRecords() + " records");
            Sent warm = produce(WARMUP_INPUT, warmupFile);
            Map<TopicPartition, Long> ends = endOffsets(WARMUP_INPUT);
            for (App app : App.values()) {
                progress.accept("warm-up: " + label(app));
                String appId = "bench-warmup-" + app.name().toLowerCase(Locale.ROOT);
                timedRun(app, 0, appId, WARMUP_INPUT, ends, warm.records, ruleSet, warm.endMillis);
                deleteTopicsOf(appId);
            }
        }
        progress.accept("producing " + options.records() + " records into " + INPUT + " (" + options.partitions()
                + " partitions)");
        Sent main = produce(INPUT, mainFile);
        phase.bytes = main.bytes;
        phase.produceNanos = main.nanos;
        Map<TopicPartition, Long> ends = endOffsets(INPUT);
        long total = ends.values().stream().mapToLong(Long::longValue).sum();
        if (total != main.records) {
            throw new IllegalStateException("the input topic holds " + total + " records, " + main.records + " were sent");
        }
        for (int pass = 1; pass <= options.passes(); pass++) {
            for (App app : App.values()) {
                String appId = "bench-" + app.name().toLowerCase(Locale.ROOT) + "-" + pass;
                ThroughputRun r = timedRun(app, pass, appId, INPUT, ends, total, ruleSet, main.endMillis);
                progress.accept(describe(r));
                switch (app) {
                    case CEILING -> phase.ceiling.add(r);
                    case PARSING -> phase.parsing.add(r);
                    case WATCHER -> phase.watcher.add(r);
                    default -> throw new IllegalStateException(app.name());
                }
                if (pass == options.passes() && app == App.CEILING) {
                    phase.ceilingOut = count(appId + ".counts", null);
                }
                if (pass == options.passes() && app == App.WATCHER) {
                    phase.work = watcherWork(appId, total);
                }
                deleteTopicsOf(appId);
            }
        }
        return phase;
    }

    private String label(App app) {
        return app == App.WATCHER ? app.label + options.rules() : app.label;
    }

    private static String describe(ThroughputRun r) {
        return String.format(Locale.ROOT, "pass %d %s: RUNNING after %.2f s, end committed after %.2f s:"
                + " %,.0f records/s (steady %,.0f), %.2f cores", r.pass(), r.application(), r.startupNanos() / 1e9,
                r.runNanos() / 1e9, r.recordsPerSecond(), r.steadyRecordsPerSecond(), r.cpuCores());
    }

    /**
     * Runs one application over {@code input} until its committed offsets reach {@code ends}. The
     * watcher's clock is set back to {@code producedAtMillis}, when the input was produced.
     */
    private ThroughputRun timedRun(App app, int pass, String appId, String input, Map<TopicPartition, Long> ends,
            long total, RuleSet ruleSet, long producedAtMillis)
            throws InterruptedException, ExecutionException, TimeoutException {
        Topology topology;
        if (app != App.WATCHER) {
            createTopics(appId + ".counts");
            topology = ceilingTopology(input, appId + ".counts", app == App.PARSING);
        } else {
            WatcherTopics topics = watcherTopics(appId, input);
            TopicSetup.createMissing(admin, topics, new TopicSetup.Settings(options.partitions(), (short) 1),
                    REQUEST_TIMEOUT);
            Clock clock = Clock.offset(Clock.systemUTC(),
                    Duration.ofMillis(producedAtMillis - System.currentTimeMillis()));
            topology = WatcherTopology.build(topics, new RuleSetHolder(ruleSet), clock, new WatcherMetrics(),
                    WatcherTopology.DEFAULT_ABSENCE_INTERVAL, options.runStateCache());
        }
        String application = label(app);
        KafkaStreams streams = new KafkaStreams(topology, streamsProperties(appId));
        AtomicLong running = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.compareAndSet(0, System.nanoTime());
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            failure.compareAndSet(null, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(120 + total / 100);
        streams.start();
        try {
            long t10 = 0;
            long c10 = 0;
            while (true) {
                Thread.sleep(POLL_MILLIS);
                if (failure.get() != null) {
                    throw new IllegalStateException(appId + " failed: " + failure.get(), failure.get());
                }
                KafkaStreams.State state = streams.state();
                if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING
                        || state == KafkaStreams.State.PENDING_ERROR) {
                    throw new IllegalStateException(appId + " stopped (state " + state + ")");
                }
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(appId)
                        .partitionsToOffsetAndMetadata().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                long now = System.nanoTime();
                long sum = 0;
                boolean done = true;
                for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                    OffsetAndMetadata om = committed.get(e.getKey());
                    long c = om == null ? 0 : om.offset();
                    sum += c;
                    done &= c >= e.getValue();
                }
                if (t10 == 0 && running.get() != 0 && sum >= total / 10) {
                    t10 = now;
                    c10 = sum;
                }
                if (done && running.get() != 0) {
                    long cpu = processCpuNanos() - cpu0;
                    long r = running.get();
                    streams.close(REQUEST_TIMEOUT);
                    return new ThroughputRun(application, pass, total, r - t0, now - r, total - c10, now - t10, cpu,
                            changelogBytes(appId));
                }
                if (now > deadline) {
                    throw new TimeoutException(appId + " committed " + sum + " of " + total + " records in "
                            + TimeUnit.NANOSECONDS.toSeconds(now - t0) + " s");
                }
            }
        } finally {
            streams.close(REQUEST_TIMEOUT);
            streams.cleanUp();
        }
    }

    /**
     * The ceiling: count per key, as trivial as a stateful exactly-once application gets, with the
     * watcher's store kind (persistent, changelogged, cached) and serdes. With {@code parse}, every
     * value is also read into a Jackson tree first (configured as the watcher's decoder configures
     * Jackson), the diagnostic that separates JSON parsing from the rest of the watcher's cost.
     */
    static Topology ceilingTopology(String input, String output, boolean parse) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<byte[], byte[]> in = builder.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()));
        if (parse) {
            ObjectMapper mapper = new ObjectMapper(JsonFactory.builder()
                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                    .build());
            in = in.peek((key, value) -> {
                try {
                    PARSED_KEYS.add(mapper.readTree(value).size());
                } catch (IOException e) {
                    throw new IllegalStateException("a record that is not JSON: " + e.getMessage(), e);
                }
            });
        }
        in.groupByKey(Grouped.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .count(Materialized.<byte[], Long, KeyValueStore<Bytes, byte[]>>as(CEILING_STORE)
                        .withKeySerde(Serdes.ByteArray()).withValueSerde(Serdes.Long()))
                .toStream()
                .to(output, Produced.with(Serdes.ByteArray(), Serdes.Long()));
        return builder.build();
    }

    /** Top-level keys the parsing diagnostic has read, so the JIT cannot drop the parse. */
    static final LongAdder PARSED_KEYS = new LongAdder();

    private static WatcherTopics watcherTopics(String appId, String input) {
        return new WatcherTopics(List.of(input), null, appId + ".alerts", appId + ".recommendations",
                appId + ".dlq");
    }

    /** The daemon's Streams configuration with this benchmark's application id, commit interval and threads. */
    private Properties streamsProperties(String appId) {
        Properties p = StreamsConfigs.defaults(appId, bootstrap, stateDir, 1);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(options.commitIntervalMs()));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(options.streamThreads()));
        return p;
    }

    /** What the watcher {@code appId} published, read back from its output topics. */
    private Work watcherWork(String appId, long records) throws InterruptedException {
        WatcherTopics topics = watcherTopics(appId, INPUT);
        long[] alerts = new long[1];
        Map<String, Long> firing = new TreeMap<>();
        count(topics.alerts(), value -> {
            alerts[0]++;
            try {
                JsonNode alert = json.readTree(value);
                if (AlertState.FIRING.id().equals(alert.path("state").asText())) {
                    firing.merge(alert.path("rule").asText(), 1L, Long::sum);
                }
            } catch (IOException e) {
                throw new IllegalStateException("an alert that is not JSON: " + e.getMessage(), e);
            }
        });
        long recommendations = count(topics.recommendations(), null);
        long dlq = count(topics.dlq(), null);
        return new Work(records, alerts[0], firing, recommendations, dlq);
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
            public void rejected(dev.anneal.watcher.core.decode.Rejection rejection) {
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

    // ------------------------------------------------------------------------------------- latency

    private Latency latency(RuleSet ruleSet, Path dir)
            throws IOException, InterruptedException, ExecutionException, TimeoutException {
        double rate = options.latencyRate();
        long warmCount = Math.round(rate * options.latencyWarmupSeconds());
        long count = warmCount + Math.round(rate * options.latencySeconds());
        int runs = options.latencyRuns();
        PpoStreamGenerator generator = new PpoStreamGenerator(new PpoStreamGenerator.Config(
                Math.max(runs, count * runs / healthyRuns(runs) + runs), runs, options.seed() + 2));
        Set<String> drifting = new HashSet<>();
        for (int r = 0; r < runs; r++) {
            if (generator.drift(r) != PpoStreamGenerator.Drift.NONE) {
                drifting.add(generator.runId(r));
            }
        }
        Path file = dir.resolve("latency.jsonl");
        progress.accept("latency: generating " + count + " records over " + (runs - drifting.size()) + " healthy runs");
        generator.writeTo(file);

        // The watcher: every record yields one recommendation, so the drain waits for all of them.
        String appId = "bench-latency";
        WatcherTopics topics = watcherTopics(appId, LATENCY_INPUT);
        TopicSetup.createMissing(admin, topics, new TopicSetup.Settings(options.partitions(), (short) 1),
                REQUEST_TIMEOUT);
        WatcherMetrics metrics = new WatcherMetrics();
        Timer forward = metrics.registry().find(WatcherMetrics.EVENT_TO_OUTPUT)
                .tag(WatcherMetrics.TAG_OUTPUT, WatcherMetrics.OUTPUT_RECOMMENDATION).timer();
        double[] forwardAtStart = new double[2];
        progress.accept(String.format(Locale.ROOT,
                "latency: watcher, %,.0f records/s for %d s (warm-up) + %d s (measured)", rate,
                options.latencyWarmupSeconds(), options.latencySeconds()));
        long sent = count - warmCount;
        Paced w = paced(appId, LATENCY_INPUT,
                WatcherTopology.build(topics, new RuleSetHolder(ruleSet), Clock.systemUTC(), metrics,
                        WatcherTopology.DEFAULT_ABSENCE_INTERVAL, options.runStateCache()),
                topics.recommendations(), topics.alerts(), file, drifting, warmCount, count,
                () -> {
                    if (forward != null) {
                        forwardAtStart[0] = forward.count();
                        forwardAtStart[1] = forward.totalTime(TimeUnit.MILLISECONDS);
                    }
                },
                reader -> reader.primaryCount() >= sent);
        double meanForward = Double.NaN;
        if (forward != null && forward.count() > forwardAtStart[0]) {
            meanForward = (forward.totalTime(TimeUnit.MILLISECONDS) - forwardAtStart[1])
                    / (forward.count() - forwardAtStart[0]);
        }

        // The ceiling under the same paced input: the floor that Streams' exactly-once commit cycle sets.
        long[] floor = new long[0];
        Map<String, Double> floorMetrics = Map.of();
        if (options.latencyFloor()) {
            String floorId = "bench-latency-ceiling";
            createTopics(LATENCY_CEILING_INPUT, floorId + ".counts");
            progress.accept("latency: ceiling, the same input");
            Paced c = paced(floorId, LATENCY_CEILING_INPUT,
                    ceilingTopology(LATENCY_CEILING_INPUT, floorId + ".counts", false), floorId + ".counts", null,
                    file, drifting, warmCount, count, () -> { }, new CommittedToEnd(floorId, LATENCY_CEILING_INPUT));
            floor = c.primary;
            floorMetrics = c.threadMetrics;
        }

        long tenth = Math.max(1, (w.lastSendMillis - w.windowStart) / 10);
        long firstTenth = w.reader.medianBetween(w.windowStart, w.windowStart + tenth);
        long lastTenth = w.reader.medianBetween(w.lastSendMillis + 1 - tenth, w.lastSendMillis + 1);
        double achieved = sent <= 1 || w.windowNanos <= 0 ? Double.NaN : (sent - 1) / (w.windowNanos / 1e9);
        return new Latency(rate, options.latencyWarmupSeconds(), options.latencySeconds(),
                runs - drifting.size(), sent, achieved, TimeUnit.NANOSECONDS.toMicros(w.maxLagNanos), w.primary,
                w.secondary, Math.max(0, sent - w.primary.length), w.cpuNanos, w.windowNanos, meanForward, firstTenth,
                lastTenth, w.threadMetrics, floor, floorMetrics);
    }

    /** What one paced run measured. */
    private record Paced(long[] primary, long[] secondary, long windowStart, long lastSendMillis, long windowNanos,
            long maxLagNanos, long cpuNanos, Map<String, Double> threadMetrics, LatencyReader reader) {
    }

    /** Drained once the application's committed offsets reach the end of its input (then a second's grace). */
    private final class CommittedToEnd implements java.util.function.Predicate<LatencyReader> {
        private final String appId;
        private final String input;
        private long doneAt;

        CommittedToEnd(String appId, String input) {
            this.appId = appId;
            this.input = input;
        }

        @Override
        public boolean test(LatencyReader reader) {
            if (doneAt == 0) {
                try {
                    Map<TopicPartition, Long> ends = endOffsets(input);
                    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(appId)
                            .partitionsToOffsetAndMetadata().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    boolean done = ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                            && committed.get(e.getKey()).offset() >= e.getValue());
                    if (done) {
                        doneAt = System.nanoTime();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                } catch (ExecutionException | TimeoutException e) {
                    throw new IllegalStateException("cannot read the offsets of " + appId + ": " + e, e);
                }
            }
            return doneAt != 0 && System.nanoTime() - doneAt > TimeUnit.SECONDS.toNanos(1);
        }
    }

    /**
     * Runs {@code topology} while a paced producer sends {@code count} records of {@code file} into
     * {@code input} at the latency rate; records from index {@code warmCount} on are measured. A
     * reader measures latencies on {@code primary} (and {@code secondary}, if not null) until
     * {@code drained} holds, or no primary output arrived for {@link #DRAIN}.
     */
    private Paced paced(String appId, String input, Topology topology, String primary, String secondary, Path file,
            Set<String> drifting, long warmCount, long count, Runnable atWindowStart,
            java.util.function.Predicate<LatencyReader> drained)
            throws IOException, InterruptedException, TimeoutException {
        double rate = options.latencyRate();
        KafkaStreams streams = new KafkaStreams(topology, streamsProperties(appId));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        streams.setUncaughtExceptionHandler(e -> {
            failure.compareAndSet(null, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        LatencyReader reader = new LatencyReader(bootstrap, primary, secondary, options.partitions());
        Thread readerThread = new Thread(reader, "bench-latency-reader");
        streams.start();
        try {
            awaitRunning(streams, failure, appId);
            readerThread.start();
            long maxLag = 0;
            long firstSend = 0;
            long lastSend;
            long lastTs = 0;
            long cpu0 = 0;
            long cpu1;
            Map<String, Double> threadMetrics;
            AtomicReference<Exception> sendFailure = new AtomicReference<>();
            try (DaemonInput in = DaemonInput.flipping(file, drifting);
                    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                            ProducerConfig.ACKS_CONFIG, "all",
                            ProducerConfig.LINGER_MS_CONFIG, 5,
                            ProducerConfig.CLIENT_ID_CONFIG, "bench-latency-producer"),
                            new ByteArraySerializer(), new ByteArraySerializer())) {
                long t0 = System.nanoTime();
                for (long i = 0; i < count; i++) {
                    if (!in.next()) {
                        throw new IllegalStateException("the latency stream ran out after " + i + " records");
                    }
                    long due = t0 + (long) (i * 1e9 / rate);
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    long ts = System.currentTimeMillis();
                    if (i == warmCount) {
                        // The window starts on a fresh millisecond, so no warm-up record shares its first timestamp.
                        while (ts <= lastTs) {
                            Thread.onSpinWait();
                            ts = System.currentTimeMillis();
                        }
                        reader.windowStart = ts;
                        atWindowStart.run();
                        cpu0 = processCpuNanos();
                        firstSend = System.nanoTime();
                    }
                    if (i >= warmCount) {
                        maxLag = Math.max(maxLag, System.nanoTime() - due);
                    }
                    lastTs = ts;
                    byte[] key = in.runId().getBytes(StandardCharsets.UTF_8);
                    producer.send(new ProducerRecord<>(input, null, ts, key, in.value(ts)), (md, e) -> {
                        if (e != null) {
                            sendFailure.compareAndSet(null, e);
                        }
                    });
                    if (failure.get() != null) {
                        throw new IllegalStateException(appId + " failed: " + failure.get(), failure.get());
                    }
                }
                lastSend = System.nanoTime();
                cpu1 = processCpuNanos();
                threadMetrics = threadMetrics(streams);
                producer.flush();
            }
            if (sendFailure.get() != null) {
                throw new IllegalStateException("the latency producer failed: " + sendFailure.get(), sendFailure.get());
            }
            // A daemon that fell behind the rate still has a backlog: wait as long as it makes progress.
            long drainDeadline = System.nanoTime() + DRAIN_MAX.toNanos();
            long lastCount = -1;
            long lastProgress = System.nanoTime();
            while (!drained.test(reader) && System.nanoTime() < drainDeadline
                    && System.nanoTime() - lastProgress < DRAIN.toNanos()
                    && failure.get() == null && reader.failure == null) {
                Thread.sleep(50);
                long c = reader.primaryCount();
                if (c != lastCount) {
                    lastCount = c;
                    lastProgress = System.nanoTime();
                }
            }
            reader.stop = true;
            readerThread.join(REQUEST_TIMEOUT.toMillis());
            if (reader.failure != null) {
                throw new IllegalStateException("the latency consumer failed: " + reader.failure, reader.failure);
            }
            if (failure.get() != null) {
                throw new IllegalStateException(appId + " failed: " + failure.get(), failure.get());
            }
            return new Paced(reader.primary(), reader.secondary(), reader.windowStart, lastTs, lastSend - firstSend,
                    maxLag, cpu1 - cpu0, threadMetrics, reader);
        } finally {
            reader.stop = true;
            streams.close(REQUEST_TIMEOUT);
            streams.cleanUp();
        }
    }

    /** Runs out of {@code runs} that the generator leaves healthy. */
    private int healthyRuns(int runs) {
        PpoStreamGenerator g = new PpoStreamGenerator(new PpoStreamGenerator.Config(runs, runs, options.seed() + 2));
        int healthy = g.driftCounts().get(PpoStreamGenerator.Drift.NONE);
        if (healthy < 1) {
            throw new IllegalArgumentException("the latency stream needs healthy runs; " + runs + " runs have none");
        }
        return healthy;
    }

    private static void awaitRunning(KafkaStreams streams, AtomicReference<Throwable> failure, String appId)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (failure.get() != null) {
                throw new IllegalStateException(appId + " failed: " + failure.get(), failure.get());
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(appId + " did not reach RUNNING in 120 s (state " + streams.state() + ")");
            }
            Thread.sleep(20);
        }
    }

    private static Map<String, Double> threadMetrics(KafkaStreams streams) {
        Map<String, Double> out = new TreeMap<>();
        for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
            MetricName name = e.getKey();
            String unit = THREAD_METRICS.get(name.name());
            if (unit == null || !"stream-thread-metrics".equals(name.group())) {
                continue;
            }
            Object value = e.getValue().metricValue();
            if (value instanceof Number number && !Double.isNaN(number.doubleValue())) {
                // With several threads the last one wins; the benchmark runs one by default.
                out.put(name.name() + " (" + unit + ")", number.doubleValue());
            }
        }
        return out;
    }

    /**
     * Reads a primary output topic (and a secondary one) read_committed from the beginning and notes
     * the latency of each record whose timestamp is in the window: the wall clock when {@code poll}
     * returned it minus its timestamp, which the applications copy from the input record.
     */
    static final class LatencyReader implements Runnable {
        private final String bootstrap;
        private final String primaryTopic;
        private final String secondaryTopic;
        private final int partitions;
        volatile long windowStart = Long.MAX_VALUE;
        volatile boolean stop;
        volatile Throwable failure;
        private final AtomicLong primaryCount = new AtomicLong();
        private long[] primary = new long[1024];
        private long[] primaryTimestamps = new long[1024];
        private int primaryLen;
        private long[] secondary = new long[1024];
        private int secondaryLen;

        LatencyReader(String bootstrap, String primaryTopic, String secondaryTopic, int partitions) {
            this.bootstrap = bootstrap;
            this.primaryTopic = primaryTopic;
            this.secondaryTopic = secondaryTopic;
            this.partitions = partitions;
        }

        @Override
        public void run() {
            Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.CLIENT_ID_CONFIG, "bench-latency-reader");
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> tps = new ArrayList<>();
                for (int p = 0; p < partitions; p++) {
                    tps.add(new TopicPartition(primaryTopic, p));
                    if (secondaryTopic != null) {
                        tps.add(new TopicPartition(secondaryTopic, p));
                    }
                }
                consumer.assign(tps);
                consumer.seekToBeginning(tps);
                while (!stop) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        long now = System.currentTimeMillis();
                        if (r.timestamp() < windowStart) {
                            continue;
                        }
                        long latency = now - r.timestamp();
                        synchronized (this) {
                            if (r.topic().equals(primaryTopic)) {
                                if (primaryLen == primary.length) {
                                    primary = Arrays.copyOf(primary, primaryLen * 2);
                                    primaryTimestamps = Arrays.copyOf(primaryTimestamps, primaryLen * 2);
                                }
                                primaryTimestamps[primaryLen] = r.timestamp();
                                primary[primaryLen++] = latency;
                                primaryCount.incrementAndGet();
                            } else {
                                if (secondaryLen == secondary.length) {
                                    secondary = Arrays.copyOf(secondary, secondaryLen * 2);
                                }
                                secondary[secondaryLen++] = latency;
                            }
                        }
                    }
                }
            } catch (RuntimeException e) {
                failure = e;
            }
        }

        /** Primary outputs of the window read so far. */
        long primaryCount() {
            return primaryCount.get();
        }

        synchronized long[] primary() {
            return Arrays.copyOf(primary, primaryLen);
        }

        synchronized long[] secondary() {
            return Arrays.copyOf(secondary, secondaryLen);
        }

        /** The median latency of the primary outputs of records sent in [from, to), or -1 when there are none. */
        synchronized long medianBetween(long from, long to) {
            long[] in = new long[primaryLen];
            int n = 0;
            for (int i = 0; i < primaryLen; i++) {
                if (primaryTimestamps[i] >= from && primaryTimestamps[i] < to) {
                    in[n++] = primary[i];
                }
            }
            long[] sorted = Arrays.copyOf(in, n);
            Arrays.sort(sorted);
            return DaemonBenchmarkReport.percentile(sorted, 0.5);
        }
    }

    // ------------------------------------------------------------------------------------- Kafka helpers

    /** What {@link #produce} sent. */
    private record Sent(long records, long bytes, long nanos, long endMillis) {
    }

    /** Produces every record of {@code file} into {@code topic}, keyed by run id, {@code ts} and timestamp now. */
    private Sent produce(String topic, Path file) throws IOException, InterruptedException {
        AtomicReference<Exception> failure = new AtomicReference<>();
        long records = 0;
        long bytes = 0;
        long t0 = System.nanoTime();
        try (DaemonInput in = DaemonInput.plain(file);
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.LINGER_MS_CONFIG, 20,
                        ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
                        ProducerConfig.CLIENT_ID_CONFIG, "bench-producer"),
                        new ByteArraySerializer(), new ByteArraySerializer())) {
            while (in.next()) {
                long now = System.currentTimeMillis();
                byte[] value = in.value(now);
                bytes += value.length;
                records++;
                producer.send(new ProducerRecord<>(topic, null, now, in.runId().getBytes(StandardCharsets.UTF_8),
                        value), (md, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IOException("producing into " + topic + " failed: " + failure.get(), failure.get());
        }
        return new Sent(records, bytes, System.nanoTime() - t0, System.currentTimeMillis());
    }

    /**
     * Deletes the topics of a finished pass (outputs and changelogs, named after the application
     * id), so the broker's disk holds one pass at a time: the watcher's changelog alone takes a
     * few GB per pass with the defaults.
     */
    private void deleteTopicsOf(String appId) throws InterruptedException, ExecutionException, TimeoutException {
        List<String> topics = admin.listTopics().names().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .stream().filter(t -> t.startsWith(appId + ".") || t.startsWith(appId + "-")).toList();
        if (!topics.isEmpty()) {
            admin.deleteTopics(topics).all().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Bytes in the broker's logs of the application's changelog topics (its state writes; compaction aside). */
    private long changelogBytes(String appId) throws InterruptedException, ExecutionException, TimeoutException {
        String prefix = appId + "-";
        long bytes = 0;
        Map<Integer, Map<String, LogDirDescription>> dirs = admin.describeLogDirs(List.of(EmbeddedKafkaBroker.NODE_ID))
                .allDescriptions().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        for (Map<String, LogDirDescription> byDir : dirs.values()) {
            for (LogDirDescription dir : byDir.values()) {
                for (Map.Entry<TopicPartition, ReplicaInfo> e : dir.replicaInfos().entrySet()) {
                    String topic = e.getKey().topic();
                    if (topic.startsWith(prefix) && topic.endsWith("-changelog")) {
                        bytes += e.getValue().size();
                    }
                }
            }
        }
        return bytes;
    }

    private void createTopics(String... names) throws InterruptedException, ExecutionException, TimeoutException {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, options.partitions(), (short) 1));
        }
        admin.createTopics(topics).all().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private Map<TopicPartition, Long> endOffsets(String topic)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
        for (int p = 0; p < options.partitions(); p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new LinkedHashMap<>();
        admin.listOffsets(request).all().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /** Reads every committed record of {@code topic} (all partitions), handing each value to {@code each}. */
    private long count(String topic, Consumer<byte[]> each) throws InterruptedException {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG, "bench-count");
        long n = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < options.partitions(); p++) {
                tps.add(new TopicPartition(topic, p));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps, REQUEST_TIMEOUT);
            long deadline = System.nanoTime() + REQUEST_TIMEOUT.toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp, REQUEST_TIMEOUT) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + REQUEST_TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    n++;
                    if (each != null) {
                        each.accept(r.value());
                    }
                }
            }
        }
        return n;
    }

    // ------------------------------------------------------------------------------------- machine

    static long processCpuNanos() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return 0;
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
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

    private static Map<String, String> orderedMap(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
