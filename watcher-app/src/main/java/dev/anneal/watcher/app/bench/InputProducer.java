package dev.anneal.watcher.app.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Loads the daemon benchmark's input topics from generated files ({@link DaemonInput}): all at
 * once before a throughput pass ({@link #load}), or at a fixed rate while the latency is measured
 * ({@link #paced}). Every record is keyed by its run id, and its {@code ts} and Kafka timestamp are
 * the moment it is sent.
 */
final class InputProducer {

    /**
     * What {@link #load} sent.
     *
     * @param records   records sent
     * @param bytes     bytes of their values
     * @param nanos     how long producing took, flush included
     * @param endMillis the wall clock when the last record was acknowledged
     */
    record Sent(long records, long bytes, long nanos, long endMillis) {
    }

    /**
     * What {@link #paced} sent.
     *
     * @param firstSendNanos  {@link System#nanoTime()} at the first measured send
     * @param lastSendNanos   {@link System#nanoTime()} after the last send
     * @param lastTimestamp   the timestamp of the last record (epoch millis)
     * @param maxLagNanos     the most a measured send was late against the rate
     */
    record PacedSend(long firstSendNanos, long lastSendNanos, long lastTimestamp, long maxLagNanos) {
    }

    /** What the measurement does while {@link #paced} sends. */
    interface Pace {
        /** The first measured record is about to be sent with the timestamp {@code epochMillis}. */
        void windowStarts(long epochMillis);

        /** A record was sent; throws to stop sending (when the application under test failed). */
        void sent();

        /** The last record was sent; the producer has not flushed yet. */
        void allSent();
    }

    private final String bootstrap;

    InputProducer(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** Produces every record of {@code file} into {@code topic} as fast as the broker takes them. */
    Sent load(String topic, Path file) throws IOException {
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
     * Sends {@code count} records of {@code file} (each run's records alternating between breaching
     * {@code kl_gate} and healthy, the runs of {@code skipRuns} left out: {@link DaemonInput#flipping})
     * into {@code topic} at {@code rate} records per second. The records from index {@code warmCount}
     * on are measured: the window starts on a fresh millisecond, so no warm-up record shares its
     * first timestamp.
     */
    PacedSend paced(String topic, Path file, Set<String> skipRuns, double rate, long warmCount, long count,
            Pace pace) throws IOException {
        long maxLag = 0;
        long firstSend = 0;
        long lastSend;
        long lastTs = 0;
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        try (DaemonInput in = DaemonInput.flipping(file, skipRuns);
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
                    while (ts <= lastTs) {
                        Thread.onSpinWait();
                        ts = System.currentTimeMillis();
                    }
                    pace.windowStarts(ts);
                    firstSend = System.nanoTime();
                }
                if (i >= warmCount) {
                    maxLag = Math.max(maxLag, System.nanoTime() - due);
                }
                lastTs = ts;
                byte[] key = in.runId().getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, null, ts, key, in.value(ts)), (md, e) -> {
                    if (e != null) {
                        sendFailure.compareAndSet(null, e);
                    }
                });
                pace.sent();
            }
            lastSend = System.nanoTime();
            pace.allSent();
            producer.flush();
        }
        if (sendFailure.get() != null) {
            throw new IllegalStateException("the latency producer failed: " + sendFailure.get(), sendFailure.get());
        }
        return new PacedSend(firstSend, lastSend, lastTs, maxLag);
    }
}
