package dev.anneal.watcher.core.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a failover looks like from one instance: the Kafka Streams client's state, how many
 * rebalances it went through, and how far the restoration of its state stores has come, as meters
 * ({@link WatcherMetrics#STREAMS_STATE}, {@link WatcherMetrics#REBALANCES},
 * {@link WatcherMetrics#RESTORE_REMAINING}, {@link WatcherMetrics#RESTORED_RECORDS},
 * {@link WatcherMetrics#RESTORE_DURATION}) and as one line for {@code /readyz}.
 *
 * <p>Why: when an instance dies, its tasks move to the survivors, which must restore each task's
 * run-state store from its changelog before processing it (unless a standby replica kept a copy
 * warm: {@code num.standby.replicas}). Until then the moved runs get no alerts. An operator needs
 * to see that this is happening, and how much is left, rather than a silent gap.
 *
 * <p>The daemon calls {@link #stateChanged} from its Kafka Streams state listener and registers
 * this object as the global state restore listener. Callbacks come from Streams' threads; the
 * object is thread-safe.
 */
public final class StreamsProgress implements StateRestoreListener {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsProgress.class);

    private final LongSupplier nanoTime;
    private final Counter rebalances;
    private final Counter restored;
    private final Timer restoreDuration;
    private final Map<TopicPartition, Restoring> restoring = new ConcurrentHashMap<>();
    private volatile KafkaStreams.State state = KafkaStreams.State.CREATED;

    /** One store partition being restored: when it started and what is left. */
    private static final class Restoring {
        final long startNanos;
        volatile long remaining;

        Restoring(long startNanos, long remaining) {
            this.startNanos = startNanos;
            this.remaining = remaining;
        }
    }

    /** Meters in {@code registry}, durations measured with {@link System#nanoTime()}. */
    public StreamsProgress(MeterRegistry registry) {
        this(registry, System::nanoTime);
    }

    /**
     * @param registry where the meters go
     * @param nanoTime the monotonic clock restorations are timed with (tests pass their own)
     */
    public StreamsProgress(MeterRegistry registry, LongSupplier nanoTime) {
        Objects.requireNonNull(registry, "registry");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        for (KafkaStreams.State s : KafkaStreams.State.values()) {
            Gauge.builder(WatcherMetrics.STREAMS_STATE, () -> state == s ? 1 : 0)
                    .description("the Kafka Streams state: 1 for the current one")
                    .tag(WatcherMetrics.TAG_STATE, s.name()).register(registry);
        }
        this.rebalances = Counter.builder(WatcherMetrics.REBALANCES)
                .description("times Kafka Streams entered REBALANCING").register(registry);
        this.restored = Counter.builder(WatcherMetrics.RESTORED_RECORDS)
                .description("changelog records restored into local state stores").register(registry);
        this.restoreDuration = Timer.builder(WatcherMetrics.RESTORE_DURATION)
                .description("restoration of one store partition, start to end").register(registry);
        Gauge.builder(WatcherMetrics.RESTORE_REMAINING, this::remaining)
                .description("changelog records still to restore").register(registry);
    }

    /** Kafka Streams went from {@code previous} to {@code next} (call from its state listener). */
    public void stateChanged(KafkaStreams.State next, KafkaStreams.State previous) {
        state = next;
        if (next == KafkaStreams.State.REBALANCING && previous != KafkaStreams.State.REBALANCING) {
            rebalances.increment();
        }
    }

    /** The latest state seen. */
    public KafkaStreams.State state() {
        return state;
    }

    /** Rebalances so far. */
    public long rebalances() {
        return (long) rebalances.count();
    }

    /** Records still to restore, over every store partition being restored. */
    public long remaining() {
        return restoring.values().stream().mapToLong(r -> Math.max(0, r.remaining)).sum();
    }

    /** Store partitions being restored. */
    public int restoring() {
        return restoring.size();
    }

    /**
     * What readiness depends on besides the state, for {@code /readyz}: the rebalances so far and,
     * during a restoration, how much is left ("3 rebalances; restoring 2 store partitions, 1234
     * records left").
     */
    public String describe() {
        int stores = restoring.size();
        long n = rebalances();
        String text = n + (n == 1 ? " rebalance" : " rebalances");
        if (stores > 0) {
            text += String.format(Locale.ROOT, "; restoring %d store partition%s, %d records left", stores,
                    stores == 1 ? "" : "s", remaining());
        }
        return text;
    }

    @Override
    public void onRestoreStart(TopicPartition partition, String storeName, long startingOffset, long endingOffset) {
        long remaining = Math.max(0, endingOffset - startingOffset);
        restoring.put(partition, new Restoring(nanoTime.getAsLong(), remaining));
        LOG.info("restoring {} from {}: {} records (offsets {} to {})", storeName, partition, remaining,
                startingOffset, endingOffset);
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String storeName, long batchEndOffset, long numRestored) {
        restored.increment(numRestored);
        Restoring r = restoring.get(partition);
        if (r != null) {
            r.remaining -= numRestored;
        }
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String storeName, long totalRestored) {
        Restoring r = restoring.remove(partition);
        if (r != null) {
            Duration took = Duration.ofNanos(nanoTime.getAsLong() - r.startNanos);
            restoreDuration.record(took);
            LOG.info("restored {} from {}: {} records in {} ms", storeName, partition, totalRestored, took.toMillis());
        }
    }

    @Override
    public void onRestoreSuspended(TopicPartition partition, String storeName, long totalRestored) {
        // The task moved away (another rebalance) before its store was restored: nothing is left to do here.
        restoring.remove(partition);
    }
}
