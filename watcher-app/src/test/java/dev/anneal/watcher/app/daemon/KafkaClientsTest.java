package dev.anneal.watcher.app.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.app.config.ConfigKeys;
import dev.anneal.watcher.app.config.ConfigLoader;
import dev.anneal.watcher.app.config.WatcherConfig;
import dev.anneal.watcher.core.stream.StreamsConfigs;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** kafka.properties reach every client; prefixed ones only their kind. */
class KafkaClientsTest {

    private static WatcherConfig config() throws Exception {
        return ConfigLoader.parse(null, null, null, Map.of(), Map.of(ConfigKeys.KAFKA_PROPERTIES, List.of(
                "security.protocol=SASL_SSL", "sasl.mechanism=PLAIN", "admin.request.timeout.ms=9000",
                "consumer.max.poll.records=50", "producer.linger.ms=5")));
    }

    @Test
    void unprefixedPropertiesGoToEveryClientAndPrefixedOnesToTheirKind() throws Exception {
        Map<String, Object> admin = KafkaClients.admin(config(), "b:9092", "watcher-admin");
        assertThat(admin).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("request.timeout.ms", "9000").containsEntry("bootstrap.servers", "b:9092")
                .doesNotContainKeys("max.poll.records", "consumer.max.poll.records", "linger.ms");

        Map<String, Object> consumer = KafkaClients.consumer(config(), "b:9092", "watcher-output-log");
        assertThat(consumer).containsEntry("security.protocol", "SASL_SSL").containsEntry("max.poll.records", "50")
                .doesNotContainKeys("request.timeout.ms", "linger.ms");
    }

    @Test
    void streamsGetsTheWatchersKeysAndEveryPropertyAsGiven() throws Exception {
        Properties p = KafkaClients.streams(config(), "b:9092");
        assertThat(p).containsEntry("bootstrap.servers", "b:9092").containsEntry("application.id", "watcher")
                .containsEntry("processing.guarantee", "exactly_once_v2").containsEntry("commit.interval.ms", "100")
                .containsEntry("security.protocol", "SASL_SSL").containsEntry("consumer.max.poll.records", "50")
                .containsEntry("producer.linger.ms", "5");
    }

    @Test
    void theStreamsDefaultsAreStreamsConfigsAlone() throws Exception {
        WatcherConfig config = ConfigLoader.defaults();
        WatcherConfig.Streams s = config.streams();

        Properties p = KafkaClients.streams(config, "b:9092");

        // Nothing added, nothing changed: the configuration's defaults are StreamsConfigs' own.
        assertThat(p).isEqualTo(StreamsConfigs.defaults(s.applicationId(), "b:9092", s.stateDir(),
                config.topics().replicationFactor()));
    }

    @Test
    void aConfiguredValueWinsOverTheDefault() throws Exception {
        WatcherConfig config = ConfigLoader.parse(null, null, null, Map.of(), Map.of(
                ConfigKeys.STREAMS_PROCESSING_GUARANTEE, List.of("at_least_once"),
                ConfigKeys.STREAMS_COMMIT_INTERVAL_MS, List.of("1000"),
                ConfigKeys.KAFKA_PROPERTIES, List.of("consumer.session.timeout.ms=30000",
                        "processing.exception.handler.global.enabled=false", "num.standby.replicas=1")));

        Properties p = KafkaClients.streams(config, "b:9092");

        assertThat(p).containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "at_least_once")
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "1000")
                .containsEntry("consumer.session.timeout.ms", "30000")
                .containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "false")
                .containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1");
    }
}
