package dev.anneal.watcher.core.stream;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.UsePartitionTimeOnInvalidTimestamp;

/**
 * The Kafka Streams configuration the daemon runs with, each default next to the reason for it.
 * This is the only place a Streams default is written: the daemon ({@code KafkaClients}) and the
 * benchmarks start from it and put only configured values on top. The result is a plain
 * {@link Properties}: the caller may override any key afterwards.
 */
public final class StreamsConfigs {

    /** {@code application.id}: also the consumer group and the prefix of the changelog topic. */
    public static final String DEFAULT_APPLICATION_ID = "watcher";
    /**
     * {@code processing.guarantee}: outputs, state changelog and input offsets commit together, so a
     * crash neither loses nor duplicates a decision.
     */
    public static final String DEFAULT_PROCESSING_GUARANTEE = StreamsConfig.EXACTLY_ONCE_V2;
    /**
     * {@code commit.interval.ms}: under exactly-once, outputs become visible to read-committed
     * consumers only at a commit, so this bounds the added alert latency.
     */
    public static final long DEFAULT_COMMIT_INTERVAL_MS = 100;
    /**
     * {@code num.standby.replicas}: one. Each task's run-state store is kept warm on a second
     * instance, which takes the task over at once when the first one dies instead of restoring
     * it from the changelog first (Kafka's default, 0, leaves the moved runs without alerts for the
     * whole restoration). It costs a second copy of the state (disk and the changelog read twice)
     * and does nothing with a single instance.
     */
    public static final int DEFAULT_STANDBY_REPLICAS = 1;
    /**
     * {@code acceptable.recovery.lag}: an instance whose copy of a task's state is at most this many
     * changelog records behind may take the task over at once (Kafka's default, 10,000: a few
     * seconds of restoration); a copy further behind is warmed up first, while the old owner keeps
     * the task.
     */
    public static final long DEFAULT_ACCEPTABLE_RECOVERY_LAG = 10_000;
    /** {@code max.warmup.replicas}: tasks warmed up at once on new or lagging instances (Kafka's default, 2). */
    public static final int DEFAULT_MAX_WARMUP_REPLICAS = 2;
    /**
     * {@code probing.rebalance.interval.ms}: how often a rebalance checks whether warmed-up copies
     * have caught up and can take their tasks over. One minute (Kafka's minimum; its default is
     * ten) moves work to a newly started instance within minutes instead of tens of minutes, for
     * one cheap cooperative rebalance a minute while warm-ups are pending.
     */
    public static final long DEFAULT_PROBING_REBALANCE_INTERVAL_MS = 60_000;
    /** {@code replication.factor} of internal topics: -1 takes the broker's default. */
    public static final int BROKER_DEFAULT_REPLICATION = -1;

    private StreamsConfigs() {
    }

    /** The defaults with {@link #DEFAULT_APPLICATION_ID} and the broker's replication factor. */
    public static Properties defaults(String bootstrapServers, Path stateDir) {
        return defaults(DEFAULT_APPLICATION_ID, bootstrapServers, stateDir, BROKER_DEFAULT_REPLICATION);
    }

    /**
     * The daemon's Streams configuration.
     *
     * @param applicationId     the application id (several daemons with one id share the work)
     * @param bootstrapServers  the Kafka bootstrap servers
     * @param stateDir          where the RocksDB run-state stores live
     * @param replicationFactor replication of the changelog topic, or -1 for the broker default
     */
    public static Properties defaults(String applicationId, String bootstrapServers, Path stateDir,
            int replicationFactor) {
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(stateDir, "stateDir");
        if (replicationFactor == 0 || replicationFactor < BROKER_DEFAULT_REPLICATION) {
            throw new IllegalArgumentException("replication factor must be positive or -1 (broker default), was "
                    + replicationFactor);
        }
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, DEFAULT_PROCESSING_GUARANTEE);
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(DEFAULT_COMMIT_INTERVAL_MS));
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, Integer.toString(DEFAULT_STANDBY_REPLICAS));
        p.put(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, Long.toString(DEFAULT_ACCEPTABLE_RECOVERY_LAG));
        p.put(StreamsConfig.MAX_WARMUP_REPLICAS_CONFIG, Integer.toString(DEFAULT_MAX_WARMUP_REPLICAS));
        p.put(StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG, Long.toString(DEFAULT_PROBING_REBALANCE_INTERVAL_MS));
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, Integer.toString(replicationFactor));
        // A record without a valid timestamp (an old producer) would otherwise stop the stream
        // thread; the partition's time is the best stand-in for its event time.
        p.put(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG,
                UsePartitionTimeOnInvalidTimestamp.class.getName());
        // A crashed instance never leaves its group; its partitions wait for the session to time
        // out before another instance (or its restart) takes them. Kafka's 45 s default made a
        // kill -9 cost ~40 s of silence; 10 s keeps failover quick and stays well above the
        // 3 s heartbeat. Configurable like any client property (consumer.session.timeout.ms).
        p.put(StreamsConfig.consumerPrefix(org.apache.kafka.clients.consumer.ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
                "10000");
        // The topology has no global stores, so this changes nothing today; it takes Kafka 5.0's
        // default now and silences the start-up warning asking for it.
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        return p;
    }
}
