package dev.anneal.watcher.core.stream;

import static dev.anneal.watcher.core.stream.Telemetry.healthy;
import static dev.anneal.watcher.core.stream.Telemetry.spike;
import static dev.anneal.watcher.core.stream.WatcherTopologyTest.field;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.testkit.Await;
import dev.anneal.watcher.testkit.KafkaBroker;
import dev.anneal.watcher.testkit.KafkaTopics;
import dev.anneal.watcher.testkit.TopicReader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topology on a real (embedded) broker with the daemon's exactly-once configuration: topics
 * are set up, a spike fires once, and a daemon restarted on the same state directory resolves the
 * same alerts instead of firing them again (Failsafe: {@code mvn verify}).
 */
class WatcherStreamsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.create();

    @Test
    void topicsAreCreatedAndARestartedDaemonCarriesOn(@TempDir Path dir) throws Exception {
        WatcherTopics topics = WatcherTopics.defaults();
        String bootstrap = KAFKA.bootstrapServers();
        Admin admin = KAFKA.admin();
        TopicSetup.Settings settings = new TopicSetup.Settings(2, (short) 1);
        TopicSetup.Outcome first = TopicSetup.createMissing(admin, topics, settings, WAIT);
        assertThat(first.created()).containsExactly("anneal.telemetry", "anneal.alerts",
                "anneal.recommendations", "anneal.telemetry.dlq", "anneal.audit", "anneal.commands");
        TopicSetup.Outcome again = TopicSetup.createMissing(admin, topics, settings, WAIT);
        assertThat(again.created()).isEmpty();
        assertThat(again.existing()).hasSize(6);
        assertThat(again.problems()).isEmpty();
        ConfigResource recs = new ConfigResource(ConfigResource.Type.TOPIC, "anneal.recommendations");
        assertThat(admin.describeConfigs(List.of(recs)).all().get().get(recs)
                .get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
        ConfigResource audit = new ConfigResource(ConfigResource.Type.TOPIC, "anneal.audit");
        assertThat(admin.describeConfigs(List.of(audit)).all().get().get(audit)
                .get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo(Long.toString(
                TopicSetup.AUDIT_RETENTION.toMillis()));
        // A topic just created may not be in every broker's metadata yet: wait until it is described.
        int commandPartitions = Await.value(WAIT, "anneal.commands to be described", () -> {
            try {
                return Optional.of(admin.describeTopics(List.of("anneal.commands")).allTopicNames().get()
                        .get("anneal.commands").partitions().size());
            } catch (ExecutionException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        assertThat(commandPartitions).as("co-partitioned with the telemetry topic").isEqualTo(2);

        Properties props = StreamsConfigs.defaults(StreamsConfigs.DEFAULT_APPLICATION_ID, bootstrap,
                dir.resolve("state"), 1);
        RuleSetHolder rules = new RuleSetHolder(StreamHarness.annealGates());
        KafkaTopics.send(bootstrap, WatcherTopics.DEFAULT_INPUT, "run-a", healthy(), spike());
        List<String> alerts;
        List<String> recommendations;
        try (TopicReader alertsIn = new TopicReader(bootstrap, topics.alerts());
                TopicReader recsIn = new TopicReader(bootstrap, topics.recommendations())) {
            KafkaStreams firstLife = start(topics, rules, props);
            try {
                alertsIn.await(3);
                recsIn.await(2);
            } finally {
                firstLife.close();
            }
            KafkaTopics.send(bootstrap, WatcherTopics.DEFAULT_INPUT, "run-a", healthy());
            KafkaStreams second = start(topics, rules, props);
            try {
                alertsIn.await(6);
                recsIn.await(3);
                // Once the restarted daemon has committed the last record, what it published for it is
                // committed with it (one transaction): a duplicate, were there one, is on the topics now.
                KafkaTopics.awaitCommitted(admin, StreamsConfigs.DEFAULT_APPLICATION_ID, WatcherTopics.DEFAULT_INPUT);
                alertsIn.readToEnd();
                recsIn.readToEnd();
            } finally {
                second.close();
            }
            alerts = alertsIn.values();
            recommendations = recsIn.values();
        }
        assertThat(alerts).extracting(v -> field(v, "state") + " " + field(v, "rule")).containsExactly(
                "firing kl_grad_rollback", "firing kl_gate", "firing grad_gate",
                "resolved kl_grad_rollback", "resolved kl_gate", "resolved grad_gate");
        assertThat(field(alerts.get(3), "id")).isEqualTo(field(alerts.get(0), "id"));
        assertThat(recommendations).extracting(v -> field(v, "action")).containsExactly("PASS", "ROLLBACK",
                "ROLLBACK");
        assertThat(recommendations.get(2)).contains("\"latched\":true");
    }

    private static KafkaStreams start(WatcherTopics topics, RuleSetHolder rules, Properties props) {
        KafkaStreams streams = new KafkaStreams(
                WatcherTopology.build(topics, rules, Clock.systemUTC(), new WatcherMetrics()), props);
        streams.start();
        return streams;
    }
}
