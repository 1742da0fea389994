package dev.anneal.watcher.app.daemon;

import dev.anneal.watcher.app.config.WatcherConfig;
import dev.anneal.watcher.core.stream.StreamsConfigs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The configurations of the Kafka clients the daemon creates, all built from the same
 * {@code kafka.properties} pass-through. Unprefixed properties (security.protocol, sasl.*, ssl.*,
 * ...) go to every client; {@code admin.}, {@code consumer.} and {@code producer.} prefixed ones
 * only to that kind of client, as Kafka Streams itself reads them.
 */
final class KafkaClients {

    /** Prefixes that target one kind of client (Kafka Streams' own set). */
    private static final List<String> CLIENT_PREFIXES = List.of(StreamsConfig.ADMIN_CLIENT_PREFIX,
            StreamsConfig.CONSUMER_PREFIX, StreamsConfig.PRODUCER_PREFIX, StreamsConfig.MAIN_CONSUMER_PREFIX,
            StreamsConfig.RESTORE_CONSUMER_PREFIX, StreamsConfig.GLOBAL_CONSUMER_PREFIX, StreamsConfig.TOPIC_PREFIX);

    private KafkaClients() {
    }

    /** The admin client: start-up check and topic creation. */
    static Map<String, Object> admin(WatcherConfig config, String bootstrap, String clientId) {
        Map<String, Object> m = common(config, StreamsConfig.ADMIN_CLIENT_PREFIX);
        m.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        m.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        return m;
    }

    /** A plain consumer (the output log); isolation and offsets are the caller's. */
    static Map<String, Object> consumer(WatcherConfig config, String bootstrap, String clientId) {
        Map<String, Object> m = common(config, StreamsConfig.CONSUMER_PREFIX);
        m.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        m.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return m;
    }

    /**
     * Kafka Streams: the {@link StreamsConfigs} defaults (the only place a Streams default is
     * written), then the configured values on top of them: the watcher's own {@code streams.*}
     * keys, then every {@code kafka.properties} entry (prefixed ones as they are: Streams routes
     * them itself). The loader refuses properties that would contradict the watcher's keys.
     */
    static Properties streams(WatcherConfig config, String bootstrap) {
        WatcherConfig.Streams s = config.streams();
        Properties p = StreamsConfigs.defaults(s.applicationId(), bootstrap, s.stateDir(),
                config.topics().replicationFactor());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, s.processingGuarantee().kafkaValue());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Integer.toString(s.commitIntervalMs()));
        WatcherConfig.Streams.Failover f = s.failover();
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, Integer.toString(f.standbyReplicas()));
        p.put(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, Integer.toString(f.acceptableRecoveryLag()));
        p.put(StreamsConfig.MAX_WARMUP_REPLICAS_CONFIG, Integer.toString(f.maxWarmupReplicas()));
        p.put(StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG, Long.toString(f.probingRebalanceInterval().toMillis()));
        p.putAll(config.kafka().properties());
        return p;
    }

    private static Map<String, Object> common(WatcherConfig config, String ownPrefix) {
        Map<String, Object> m = new LinkedHashMap<>();
        config.kafka().properties().forEach((k, v) -> {
            if (CLIENT_PREFIXES.stream().noneMatch(k::startsWith)) {
                m.put(k, v);
            }
        });
        config.kafka().properties().forEach((k, v) -> {
            if (k.startsWith(ownPrefix)) {
                m.put(k.substring(ownPrefix.length()), v);
            }
        });
        return m;
    }
}
