package dev.anneal.watcher.app.bench;

import dev.anneal.watcher.app.bench.DaemonBenchmarkReport.Latency;
import dev.anneal.watcher.core.generate.PpoStreamGenerator;
import dev.anneal.watcher.core.stream.RuleSetHolder;
import dev.anneal.watcher.core.stream.WatcherMetrics;
import dev.anneal.watcher.core.stream.WatcherTopics;
import dev.anneal.watcher.core.stream.WatcherTopology;
import dev.anneal.watcher.rules.engine.RuleSet;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.Topology;

/**
 * The latency step of the {@link DaemonBenchmark}: the watcher alone, on its own topic, fed by a
 * paced producer; every record changes its run's recommendation ({@link DaemonInput#flipping}), and
 * a read_committed consumer ({@link LatencyReader}) measures send time -> recommendation (and
 * alert) returned by {@code poll}. Then the ceiling gets the same paced records on a topic of its
 * own: the latency of its count updates is the floor that Streams' exactly-once commit cycle sets
 * on this machine.
 */
final class LatencyMeasurement {

    /** After the last send, how long the latency consumer waits for the next recommendation before giving up. */
    static final Duration DRAIN = Duration.ofSeconds(15);
    /** After the last send, how long the latency consumer waits in all for the window's recommendations. */
    static final Duration DRAIN_MAX = Duration.ofMinutes(10);

    static final String LATENCY_INPUT = "bench.latency.input";
    static final String LATENCY_CEILING_INPUT = "bench.latency-ceiling.input";

    private final DaemonBenchmark.Options options;
    private final BenchBroker broker;
    private final RuleSet ruleSet;
    private final Consumer<String> progress;

    LatencyMeasurement(DaemonBenchmark.Options options, BenchBroker broker, RuleSet ruleSet,
            Consumer<String> progress) {
        this.options = options;
        this.broker = broker;
        this.ruleSet = ruleSet;
        this.progress = progress;
    }

    /** Generates the paced stream in {@code dir} and measures the watcher (and the floor, if asked). */
    Latency run(Path dir) throws IOException, InterruptedException, ExecutionException, TimeoutException {
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
        WatcherTopics topics = BenchTopologies.watcherTopics(appId, LATENCY_INPUT);
        broker.createWatcherTopics(topics);
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
            broker.createTopics(LATENCY_CEILING_INPUT, floorId + ".counts");
            progress.accept("latency: ceiling, the same input");
            Paced c = paced(floorId, LATENCY_CEILING_INPUT,
                    BenchTopologies.ceiling(LATENCY_CEILING_INPUT, floorId + ".counts", false), floorId + ".counts",
                    null, file, drifting, warmCount, count, () -> { },
                    new CommittedToEnd(floorId, LATENCY_CEILING_INPUT));
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
    private final class CommittedToEnd implements Predicate<LatencyReader> {
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
                    Map<TopicPartition, Long> ends = broker.endOffsets(input);
                    Map<TopicPartition, OffsetAndMetadata> committed = broker.committedOffsets(appId);
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
            Predicate<LatencyReader> drained)
            throws IOException, InterruptedException, TimeoutException {
        LatencyReader reader = new LatencyReader(broker.bootstrap(), primary, secondary, broker.partitions());
        Thread readerThread = new Thread(reader, "bench-latency-reader");
        try (BenchApp streams = new BenchApp(appId, topology, broker.streamsProperties(appId))) {
            streams.start();
            try {
                streams.awaitRunning();
                readerThread.start();
                Window window = new Window(reader, streams, atWindowStart);
                InputProducer.PacedSend send = new InputProducer(broker.bootstrap()).paced(input, file, drifting,
                        options.latencyRate(), warmCount, count, window);
                // A daemon that fell behind the rate still has a backlog: wait as long as it makes progress.
                long drainDeadline = System.nanoTime() + DRAIN_MAX.toNanos();
                long lastCount = -1;
                long lastProgress = System.nanoTime();
                while (!drained.test(reader) && System.nanoTime() < drainDeadline
                        && System.nanoTime() - lastProgress < DRAIN.toNanos()
                        && !streams.failed() && reader.failure() == null) {
                    Thread.sleep(50);
                    long c = reader.primaryCount();
                    if (c != lastCount) {
                        lastCount = c;
                        lastProgress = System.nanoTime();
                    }
                }
                reader.stop();
                readerThread.join(BenchBroker.REQUEST_TIMEOUT.toMillis());
                if (reader.failure() != null) {
                    throw new IllegalStateException("the latency consumer failed: " + reader.failure(),
                            reader.failure());
                }
                streams.throwIfFailed();
                return new Paced(reader.primary(), reader.secondary(), reader.windowStart(), send.lastTimestamp(),
                        send.lastSendNanos() - send.firstSendNanos(), send.maxLagNanos(),
                        window.cpuAtEnd - window.cpuAtStart, window.threadMetrics, reader);
            } finally {
                reader.stop();
            }
        }
    }

    /**
     * Follows the paced producer: starts the reader's window (and whatever else must start with it),
     * stops the producer when the application failed, and notes the process's CPU time over the
     * window and the application's thread metrics at its end.
     */
    private static final class Window implements InputProducer.Pace {
        private final LatencyReader reader;
        private final BenchApp app;
        private final Runnable atWindowStart;
        long cpuAtStart;
        long cpuAtEnd;
        Map<String, Double> threadMetrics = Map.of();

        Window(LatencyReader reader, BenchApp app, Runnable atWindowStart) {
            this.reader = reader;
            this.app = app;
            this.atWindowStart = atWindowStart;
        }

        @Override
        public void windowStarts(long epochMillis) {
            reader.windowStarts(epochMillis);
            atWindowStart.run();
            cpuAtStart = MachineInfo.processCpuNanos();
        }

        @Override
        public void sent() {
            app.throwIfFailed();
        }

        @Override
        public void allSent() {
            cpuAtEnd = MachineInfo.processCpuNanos();
            threadMetrics = app.threadMetrics();
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
}
