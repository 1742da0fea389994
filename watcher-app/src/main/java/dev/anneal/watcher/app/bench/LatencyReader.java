package dev.anneal.watcher.app.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a primary output topic (and a secondary one) read_committed from the beginning and notes
 * the latency of each record whose timestamp is in the window: the wall clock when {@code poll}
 * returned it minus its timestamp, which the applications copy from the input record.
 */
final class LatencyReader implements Runnable {

    private final String bootstrap;
    private final String primaryTopic;
    private final String secondaryTopic;
    private final int partitions;
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile boolean stop;
    private volatile Throwable failure;
    private final AtomicLong primaryCount = new AtomicLong();
    private long[] primary = new long[1024];
    private long[] primaryTimestamps = new long[1024];
    private int primaryLen;
    private long[] secondary = new long[1024];
    private int secondaryLen;

    /**
     * @param bootstrap      the broker
     * @param primaryTopic   the output whose latency counts (recommendations, or the ceiling's counts)
     * @param secondaryTopic another output to measure alongside (alerts), or null
     * @param partitions     partitions of both topics
     */
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

    /** Measures the outputs of records stamped {@code epochMillis} or later from now on. */
    void windowStarts(long epochMillis) {
        windowStart = epochMillis;
    }

    /** The first timestamp measured; {@link Long#MAX_VALUE} before the window starts. */
    long windowStart() {
        return windowStart;
    }

    /** Asks the reader to stop after its current poll. */
    void stop() {
        stop = true;
    }

    /** What stopped the reader, or null. */
    Throwable failure() {
        return failure;
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
