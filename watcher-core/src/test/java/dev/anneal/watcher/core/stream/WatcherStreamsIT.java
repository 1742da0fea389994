package dev.anneal.watcher.core.stream;

import static dev.anneal.watcher.core.stream.Telemetry.healthy;
import static dev.anneal.watcher.core.stream.Telemetry.spike;
import static dev.anneal.watcher.core.stream.WatcherTopologyTest.field;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.core.kafka.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topology on a real (embedded) broker with the daemon's exactly-once configuration: topics
 * are set up, a spike fires once, and a daemon restarted on the same state directory resolves the
 * same alerts instead of firing them again (Failsafe: {@code mvn verify}).
 */
class WatcherStreamsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void topicsAreCreatedAndARestartedDaemonCarriesOn(@TempDir Path dir) throws Exception {
        WatcherTopics topics = WatcherTopics.defaults();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, dir.resolve("kafka"))) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                TopicSetup.Settings settings = new TopicSetup.Settings(2, (short) 1);
                TopicSetup.Outcome first = TopicSetup.createMissing(admin, topics, settings, WAIT);
                assertThat(first.created()).containsExactly("anneal.telemetry", "anneal.alerts",
                        "anneal.recommendations", "anneal.telemetry.dlq");
                TopicSetup.Outcome again = TopicSetup.createMissing(admin, topics, settings, WAIT);
                assertThat(again.created()).isEmpty();
                assertThat(again.existing()).hasSize(4);
                assertThat(again.problems()).isEmpty();
                ConfigResource recs = new ConfigResource(ConfigResource.Type.TOPIC, "anneal.recommendations");
                assertThat(admin.describeConfigs(List.of(recs)).all().get().get(recs)
                        .get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
            }

            Properties props = StreamsConfigs.defaults(StreamsConfigs.DEFAULT_APPLICATION_ID, bootstrap,
                    dir.resolve("state"), 1);
            RuleSetHolder rules = new RuleSetHolder(StreamHarness.annealGates());
            produce(bootstrap, healthy(), spike());
            List<String> alerts = new ArrayList<>();
            List<String> recommendations = new ArrayList<>();
            try (KafkaConsumer<String, String> alertsIn = consumer(bootstrap, topics.alerts());
                    KafkaConsumer<String, String> recsIn = consumer(bootstrap, topics.recommendations())) {
                KafkaStreams first = start(topics, rules, props);
                try {
                    read(alertsIn, alerts, 3);
                    read(recsIn, recommendations, 2);
                } finally {
                    first.close();
                }
                produce(bootstrap, healthy());
                KafkaStreams second = start(topics, rules, props);
                try {
                    read(alertsIn, alerts, 6);
                    read(recsIn, recommendations, 3);
                    // Give a duplicate the time to show up, were there one.
                    read(alertsIn, alerts, Integer.MAX_VALUE, Duration.ofSeconds(3));
                    read(recsIn, recommendations, Integer.MAX_VALUE, Duration.ofSeconds(1));
                } finally {
                    second.close();
                }
            }
            assertThat(alerts).extracting(v -> field(v, "state") + " " + field(v, "rule")).containsExactly(
                    "firing kl_grad_rollback", "firing kl_gate", "firing grad_gate",
                    "resolved kl_grad_rollback", "resolved kl_gate", "resolved grad_gate");
            assertThat(field(alerts.get(3), "id")).isEqualTo(field(alerts.get(0), "id"));
            assertThat(recommendations).extracting(v -> field(v, "action")).containsExactly("PASS", "ROLLBACK",
                    "ROLLBACK");
            assertThat(recommendations.get(2)).contains("\"latched\":true");
        }
    }

    private static KafkaStreams start(WatcherTopics topics, RuleSetHolder rules, Properties props) {
        KafkaStreams streams = new KafkaStreams(
                WatcherTopology.build(topics, rules, Clock.systemUTC(), new WatcherMetrics()), props);
        streams.start();
        return streams;
    }

    private static void produce(String bootstrap, String... values) throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(WatcherTopics.DEFAULT_INPUT, "run-a", value))
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        }
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap, String topic) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private static void read(KafkaConsumer<String, String> consumer, List<String> into, int until) {
        read(consumer, into, until, WAIT);
        assertThat(into).as("records read within " + WAIT).hasSizeGreaterThanOrEqualTo(until);
    }

    private static void read(KafkaConsumer<String, String> consumer, List<String> into, int until, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (into.size() < until && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                into.add(r.value());
            }
        }
    }
}
