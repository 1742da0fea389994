package dev.anneal.watcher.app.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.app.config.ConfigKeys;
import dev.anneal.watcher.app.config.ConfigLoader;
import dev.anneal.watcher.app.config.WatcherConfig;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
}
