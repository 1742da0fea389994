package dev.anneal.watcher.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.watcher.app.bench.DaemonBenchmarkReport.ThroughputRun;
import dev.anneal.watcher.app.bench.DaemonBenchmarkReport.Work;
import dev.anneal.watcher.core.stream.RuleSetHolder;
import dev.anneal.watcher.core.stream.WatcherMetrics;
import dev.anneal.watcher.core.stream.WatcherTopics;
import dev.anneal.watcher.core.stream.WatcherTopology;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.model.AlertState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.Topology;

/**
 * The throughput step of the {@link DaemonBenchmark}: the records produced once into a topic, then
 * passes interleaved of the ceiling, the parsing diagnostic and the watcher, each application with
 * a fresh {@code application.id} from the earliest offset, timed from the state RUNNING until its
 * committed offsets (polled every {@value #POLL_MILLIS} ms) reach the end of every input
 * partition. An untimed warm-up topic may precede the passes. After the last pass the ceiling's
 * and the watcher's outputs are read back.
 */
final class ThroughputPasses {

    /** How often the committed offsets of a timed pass are polled. */
    static final long POLL_MILLIS = 20;

    static final String INPUT = "bench.input";
    static final String WARMUP_INPUT = "bench.warmup.input";

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

    /** What the passes measured and the last passes published. */
    static final class Result {
        final List<ThroughputRun> ceiling = new ArrayList<>();
        final List<ThroughputRun> parsing = new ArrayList<>();
        final List<ThroughputRun> watcher = new ArrayList<>();
        long bytes;
        long produceNanos;
        long ceilingOut;
        Work work;
    }

    private final DaemonBenchmark.Options options;
    private final BenchBroker broker;
    private final RuleSet ruleSet;
    private final Consumer<String> progress;
    private final ObjectMapper json = new ObjectMapper();

    ThroughputPasses(DaemonBenchmark.Options options, BenchBroker broker, RuleSet ruleSet,
            Consumer<String> progress) {
        this.options = options;
        this.broker = broker;
        this.ruleSet = ruleSet;
        this.progress = progress;
    }

    /** Produces {@code warmupFile} (when warm-up records are asked for) and {@code mainFile}, and runs the passes. */
    Result run(Path mainFile, Path warmupFile)
            throws IOException, InterruptedException, ExecutionException, TimeoutException {
        Result result = new Result();
        InputProducer producer = new InputProducer(broker.bootstrap());
        broker.createTopics(INPUT);
        if (options.warmupRecords() > 0) {
            broker.createTopics(WARMUP_INPUT);
            progress.accept("warm-up: producing " + options.warmupRecords() + " records");
            InputProducer.Sent warm = producer.load(WARMUP_INPUT, warmupFile);
            Map<TopicPartition, Long> ends = broker.endOffsets(WARMUP_INPUT);
            for (App app : App.values()) {
                progress.accept("warm-up: " + label(app));
                String appId = "bench-warmup-" + app.name().toLowerCase(Locale.ROOT);
                timedRun(app, 0, appId, WARMUP_INPUT, ends, warm.records(), warm.endMillis());
                broker.deleteTopicsOf(appId);
            }
        }
        progress.accept("producing " + options.records() + " records into " + INPUT + " (" + options.partitions()
                + " partitions)");
        InputProducer.Sent main = producer.load(INPUT, mainFile);
        result.bytes = main.bytes();
        result.produceNanos = main.nanos();
        Map<TopicPartition, Long> ends = broker.endOffsets(INPUT);
        long total = ends.values().stream().mapToLong(Long::longValue).sum();
        if (total != main.records()) {
            throw new IllegalStateException("the input topic holds " + total + " records, " + main.records()
                    + " were sent");
        }
        for (int pass = 1; pass <= options.passes(); pass++) {
            for (App app : App.values()) {
                String appId = "bench-" + app.name().toLowerCase(Locale.ROOT) + "-" + pass;
                ThroughputRun r = timedRun(app, pass, appId, INPUT, ends, total, main.endMillis());
                progress.accept(describe(r));
                switch (app) {
                    case CEILING -> result.ceiling.add(r);
                    case PARSING -> result.parsing.add(r);
                    case WATCHER -> result.watcher.add(r);
                    default -> throw new IllegalStateException(app.name());
                }
                if (pass == options.passes() && app == App.CEILING) {
                    result.ceilingOut = broker.count(appId + ".counts", null);
                }
                if (pass == options.passes() && app == App.WATCHER) {
                    result.work = watcherWork(appId, total);
                }
                broker.deleteTopicsOf(appId);
            }
        }
        return result;
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
     * watcher's clock is set back to {@code producedAtMillis}, when the input was produced, so its
     * wall-clock absence check sees the records as live (as if it had been running while they were
     * produced) instead of firing {@code stale_telemetry} on every run when a pass starts minutes
     * later; its punctuation still runs and costs what it costs.
     */
    private ThroughputRun timedRun(App app, int pass, String appId, String input, Map<TopicPartition, Long> ends,
            long total, long producedAtMillis)
            throws InterruptedException, ExecutionException, TimeoutException {
        Topology topology;
        if (app != App.WATCHER) {
            broker.createTopics(appId + ".counts");
            topology = BenchTopologies.ceiling(input, appId + ".counts", app == App.PARSING);
        } else {
            WatcherTopics topics = BenchTopologies.watcherTopics(appId, input);
            broker.createWatcherTopics(topics);
            Clock clock = Clock.offset(Clock.systemUTC(),
                    Duration.ofMillis(producedAtMillis - System.currentTimeMillis()));
            topology = WatcherTopology.build(topics, new RuleSetHolder(ruleSet), clock, new WatcherMetrics(),
                    WatcherTopology.DEFAULT_ABSENCE_INTERVAL, options.runStateCache());
        }
        String application = label(app);
        try (BenchApp streams = new BenchApp(appId, topology, broker.streamsProperties(appId))) {
            long cpu0 = MachineInfo.processCpuNanos();
            long t0 = System.nanoTime();
            long deadline = t0 + TimeUnit.SECONDS.toNanos(120 + total / 100);
            streams.start();
            long t10 = 0;
            long c10 = 0;
            while (true) {
                Thread.sleep(POLL_MILLIS);
                streams.throwIfStopped();
                Map<TopicPartition, OffsetAndMetadata> committed = broker.committedOffsets(appId);
                long now = System.nanoTime();
                long sum = 0;
                boolean done = true;
                for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                    OffsetAndMetadata om = committed.get(e.getKey());
                    long c = om == null ? 0 : om.offset();
                    sum += c;
                    done &= c >= e.getValue();
                }
                long running = streams.runningSince();
                if (t10 == 0 && running != 0 && sum >= total / 10) {
                    t10 = now;
                    c10 = sum;
                }
                if (done && running != 0) {
                    long cpu = MachineInfo.processCpuNanos() - cpu0;
                    streams.stop();
                    return new ThroughputRun(application, pass, total, running - t0, now - running, total - c10,
                            now - t10, cpu, broker.changelogBytes(appId));
                }
                if (now > deadline) {
                    throw new TimeoutException(appId + " committed " + sum + " of " + total + " records in "
                            + TimeUnit.NANOSECONDS.toSeconds(now - t0) + " s");
                }
            }
        }
    }

    /** What the watcher {@code appId} published, read back from its output topics. */
    private Work watcherWork(String appId, long records) {
        WatcherTopics topics = BenchTopologies.watcherTopics(appId, INPUT);
        long[] alerts = new long[1];
        Map<String, Long> firing = new TreeMap<>();
        broker.count(topics.alerts(), value -> {
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
        long recommendations = broker.count(topics.recommendations(), null);
        long dlq = broker.count(topics.dlq(), null);
        return new Work(records, alerts[0], firing, recommendations, dlq);
    }
}
