package dev.anneal.watcher.core.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsConfigsTest {

    @Test
    void theDaemonsDefaults() {
        Properties p = StreamsConfigs.defaults("broker:9092", Path.of("/var/lib/watcher"));
        assertThat(p).containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "watcher")
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2")
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100")
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, "/var/lib/watcher")
                .containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1")
                .containsEntry(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, "10000")
                .containsEntry(StreamsConfig.MAX_WARMUP_REPLICAS_CONFIG, "2")
                .containsEntry(StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG, "60000")
                .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, "-1")
                .containsEntry(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG,
                        "org.apache.kafka.common.serialization.Serdes$ByteArraySerde");
        // Kafka accepts the whole set.
        assertThat(new StreamsConfig(p).getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
                .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    }

    @Test
    void everyDefaultIsWrittenHereAndNothingElse() {
        Properties p = StreamsConfigs.defaults("broker:9092", Path.of("/var/lib/watcher"));
        // The whole table: a new default belongs in StreamsConfigs (and in this list), nowhere else.
        assertThat(p).containsOnlyKeys(StreamsConfig.APPLICATION_ID_CONFIG, StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG,
                StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                StreamsConfig.STATE_DIR_CONFIG, StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG,
                StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, StreamsConfig.MAX_WARMUP_REPLICAS_CONFIG,
                StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG,
                StreamsConfig.REPLICATION_FACTOR_CONFIG, StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG,
                "consumer.session.timeout.ms", StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG);
        assertThat(p).containsEntry(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG,
                        "org.apache.kafka.common.serialization.Serdes$ByteArraySerde")
                .containsEntry(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG,
                        "org.apache.kafka.streams.processor.UsePartitionTimeOnInvalidTimestamp")
                .containsEntry("consumer.session.timeout.ms", "10000")
                .containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
    }

    @Test
    void applicationIdAndReplicationAreConfigurable() {
        Properties p = StreamsConfigs.defaults("watcher-eu", "b:9092", Path.of("state"), 3);
        assertThat(p).containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "watcher-eu")
                .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, "3");
        assertThatThrownBy(() -> StreamsConfigs.defaults("w", "b:9092", Path.of("state"), 0))
                .hasMessage("replication factor must be positive or -1 (broker default), was 0");
    }
}
