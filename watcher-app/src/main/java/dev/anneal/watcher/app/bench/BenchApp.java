package dev.anneal.watcher.app.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/**
 * One Kafka Streams application under measurement: it notes when it first reached RUNNING and the
 * first exception that stopped a stream thread (which then shuts the whole client down), so the
 * benchmark can fail with the cause instead of waiting for output that will never come. Closing
 * it also wipes its local state.
 */
final class BenchApp implements AutoCloseable {

    /** The stream-thread metrics the latency report shows, with the unit they are in. */
    static final Map<String, String> THREAD_METRICS = orderedMap(
            "commit-latency-avg", "ms", "commit-latency-max", "ms", "commit-rate", "/s",
            "punctuate-latency-avg", "ms", "poll-records-avg", "records");

    private final String appId;
    private final KafkaStreams streams;
    private final AtomicLong running = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /** The application, created and not started yet. */
    BenchApp(String appId, Topology topology, Properties properties) {
        this.appId = appId;
        this.streams = new KafkaStreams(topology, properties);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.compareAndSet(0, System.nanoTime());
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            failure.compareAndSet(null, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    void start() {
        streams.start();
    }

    /** {@link System#nanoTime()} when the application first reached RUNNING; 0 until then. */
    long runningSince() {
        return running.get();
    }

    /** Whether a stream thread died. */
    boolean failed() {
        return failure.get() != null;
    }

    /** Throws if a stream thread died. */
    void throwIfFailed() {
        if (failure.get() != null) {
            throw new IllegalStateException(appId + " failed: " + failure.get(), failure.get());
        }
    }

    /** Throws if a stream thread died or the application stopped. */
    void throwIfStopped() {
        throwIfFailed();
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING
                || state == KafkaStreams.State.PENDING_ERROR) {
            throw new IllegalStateException(appId + " stopped (state " + state + ")");
        }
    }

    /** Waits up to 120 s for the state RUNNING. */
    void awaitRunning() throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (streams.state() != KafkaStreams.State.RUNNING) {
            throwIfFailed();
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(appId + " did not reach RUNNING in 120 s (state " + streams.state() + ")");
            }
            Thread.sleep(20);
        }
    }

    /** The current values of {@link #THREAD_METRICS}, named with their unit. */
    Map<String, Double> threadMetrics() {
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

    /** Stops the application and keeps its local state. */
    void stop() {
        streams.close(BenchBroker.REQUEST_TIMEOUT);
    }

    /** Stops the application and deletes its local state. */
    @Override
    public void close() {
        streams.close(BenchBroker.REQUEST_TIMEOUT);
        streams.cleanUp();
    }

    private static Map<String, String> orderedMap(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
