package dev.anneal.watcher.core.notify;

import static dev.anneal.watcher.testkit.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.watcher.core.notify.NotifyIt.Topics;
import dev.anneal.watcher.core.stream.WatcherTopics;
import dev.anneal.watcher.testkit.KafkaBroker;
import dev.anneal.watcher.testkit.KafkaTopics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notifier against a real Prometheus Alertmanager (started by the test, see
 * {@link AlertmanagerProcess}; skipped loudly where the binary is missing) and a real embedded
 * broker: labels and annotations arrive as documented, firing alerts are kept alive past
 * Alertmanager's resolve_timeout by the re-sends (also by a restarted notifier, which rebuilds
 * them from the topic), resolution reaches it, an alert published while it
 * is down arrives when it is back, and an alert it refuses (400) goes to the undeliverable topic.
 */
class AlertmanagerNotifierIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Alertmanager resolves an alert not re-sent within this. */
    private static final Duration RESOLVE_TIMEOUT = Duration.ofSeconds(2);

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.create();

    @TempDir
    Path amDir;

    private static Notifier start(Topics topics, AlertmanagerProcess am, MeterRegistry registry) {
        ReceiverSpec spec = new ReceiverSpec("am", ReceiverSpec.Type.ALERTMANAGER, URI.create(am.url()), Map.of(),
                Optional.empty(), Optional.empty());
        return Notifier.start(NotifyIt.settings(topics, "watcher-notify", List.of(spec), Duration.ofMillis(500)),
                NotifyIt.client(KAFKA.bootstrapServers()), Map.of(), Clock.systemUTC(), registry, NotifyIt.WAIT);
    }

    private static double counter(MeterRegistry registry, String name, String... tags) {
        var c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    /** The statuses ("firing", "resolved") of Alertmanager's own webhook notifications about {@code run}. */
    private static List<String> notified(WebhookServer hook, String run) {
        return hook.accepted().stream().map(r -> {
            try {
                return MAPPER.readTree(r.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).filter(n -> run.equals(n.path("groupLabels").path("run_id").asText()))
                .map(n -> n.path("status").asText()).toList();
    }

    @Test
    void labelsAndAnnotationsArriveFiringIsKeptAliveAndResolutionArrives() throws Exception {
        Topics topics = Topics.fresh("am");
        topics.create(KAFKA);
        String bootstrap = KAFKA.bootstrapServers();
        try (WebhookServer hook = new WebhookServer();
             AlertmanagerProcess am = AlertmanagerProcess.startOrSkip(amDir, hook.url("/am"), RESOLVE_TIMEOUT)) {
            KafkaTopics.send(bootstrap, topics.recommendations(), "run-1", Alerts.hold("run-1"));
            MeterRegistry registry = new SimpleMeterRegistry();
            try (Notifier notifier = start(topics, am, registry)) {
                long firedAt = System.currentTimeMillis();
                KafkaTopics.send(bootstrap, topics.alerts(), "run-1", Alerts.firing("k1", "run-1", firedAt));
                until("Alertmanager has the alert", () -> active(am, "run-1") == 1);

                JsonNode alert = am.alerts("kl_gate", "run-1").get(0);
                assertThat(MAPPER.convertValue(alert.path("labels"), new TypeReference<Map<String, String>>() { })).isEqualTo(Map.of(
                        "alertname", "kl_gate", "run_id", "run-1", "severity", "warning", "action", "HOLD",
                        "synthetic", "false", "team", "rl"));
                JsonNode annotations = alert.path("annotations");
                assertThat(annotations.path("summary").asText())
                        .isEqualTo("kl_divergence above the gate (value 0.07, threshold 0.05)");
                assertThat(annotations.path("recommendation").asText())
                        .startsWith("HOLD because kl_gate: kl_divergence 0.07 > 0.05 (the run's latest recommendation");
                assertThat(annotations.path("runbook_url").asText()).isEqualTo("https://runbooks.example/kl_gate");
                assertThat(annotations.path("alert_id").asText()).isEqualTo("k1");
                assertThat(alert.path("status").path("state").asText()).isEqualTo("active");
                assertThat(java.time.Instant.parse(alert.path("startsAt").asText()).toEpochMilli()).isEqualTo(firedAt);
                until("Alertmanager notifies its receiver", () -> notified(hook, "run-1").contains("firing"));

                // Re-sent every 500 ms, the alert outlives Alertmanager's 2 s resolve_timeout.
                until("six re-sends (3 s)", () -> counter(registry, NotifyMetrics.RESENDS, "receiver", "am",
                        "outcome", "delivered") >= 6);
                assertThat(active(am, "run-1")).as("still firing after the resolve timeout").isEqualTo(1);
                assertThat(notifier.failure()).isEmpty();
            }

            // A restarted notifier rebuilds its firing alerts from the topic and keeps re-sending them.
            MeterRegistry registry2 = new SimpleMeterRegistry();
            try (Notifier restarted = start(topics, am, registry2)) {
                until("six re-sends by the restarted notifier", () -> counter(registry2, NotifyMetrics.RESENDS,
                        "receiver", "am", "outcome", "delivered") >= 6);
                assertThat(registry2.find(NotifyMetrics.FIRING).gauge().value()).isEqualTo(1);
                assertThat(active(am, "run-1")).as("still firing across the restart").isEqualTo(1);

                KafkaTopics.send(bootstrap, topics.alerts(), "run-1",
                        Alerts.resolved("k1", "run-1", System.currentTimeMillis()));
                until("Alertmanager no longer has it active", () -> active(am, "run-1") == 0);
                until("Alertmanager notifies the resolution", () -> notified(hook, "run-1").contains("resolved"));
                assertThat(registry2.find(NotifyMetrics.FIRING).gauge().value()).isZero();
                assertThat(restarted.failure()).isEmpty();
            }
        }
    }

    @Test
    void anAlertPublishedWhileAlertmanagerIsDownArrivesWhenItIsBackAndARefusedOneIsRouted() throws Exception {
        Topics topics = Topics.fresh("am-down");
        topics.create(KAFKA);
        String bootstrap = KAFKA.bootstrapServers();
        try (WebhookServer hook = new WebhookServer();
             AlertmanagerProcess am = AlertmanagerProcess.startOrSkip(amDir, hook.url("/am"), Duration.ofMinutes(5))) {
            MeterRegistry registry = new SimpleMeterRegistry();
            try (Notifier notifier = start(topics, am, registry)) {
                am.stop();
                KafkaTopics.send(bootstrap, topics.alerts(), "run-2",
                        Alerts.firing("k2", "run-2", System.currentTimeMillis()));
                until("a delivery round fails", () -> counter(registry, NotifyMetrics.DELIVERIES, "receiver", "am",
                        "outcome", "transient") > 0);
                am.start();
                until("Alertmanager has the alert once back", () -> active(am, "run-2") == 1);

                // "bad-label" is not a legal Prometheus label name: Alertmanager answers 400.
                String bad = Alerts.firing("k3", "run-3", System.currentTimeMillis())
                        .replace("\"team\":\"rl\"", "\"bad-label\":\"x\"");
                KafkaTopics.send(bootstrap, topics.alerts(), "run-3", bad);
                List<ConsumerRecord<byte[], byte[]>> refused = NotifyIt.read(bootstrap, topics.undeliverable(), 1);
                assertThat(new String(refused.get(0).value(), StandardCharsets.UTF_8)).isEqualTo(bad);
                assertThat(NotifyIt.header(refused.get(0), WatcherTopics.HEADER_REASON))
                        .startsWith("HTTP 400 from " + am.url() + AlertmanagerReceiver.ALERTS_PATH);
                assertThat(NotifyIt.header(refused.get(0), Notifier.HEADER_RECEIVER)).isEqualTo("am");
                assertThat(notifier.failure()).isEmpty();
            }
        }
    }

    @Test
    void anAckedAlertKeepsFiringWithItsAckAndSilencedOrSyntheticOnesNeverArrive() throws Exception {
        Topics topics = Topics.fresh("am-marks");
        topics.create(KAFKA);
        String bootstrap = KAFKA.bootstrapServers();
        try (WebhookServer hook = new WebhookServer();
             AlertmanagerProcess am = AlertmanagerProcess.startOrSkip(amDir, hook.url("/am"), RESOLVE_TIMEOUT)) {
            MeterRegistry registry = new SimpleMeterRegistry();
            try (Notifier notifier = start(topics, am, registry)) {
                long now = System.currentTimeMillis();
                String k1 = Alerts.firing("k1", "run-ack", now);
                KafkaTopics.send(bootstrap, topics.alerts(), "run-ack", k1, Alerts.acked(k1, "alice", "on it"));
                KafkaTopics.send(bootstrap, topics.alerts(), "run-quiet", Alerts.silenced(
                        Alerts.firing("k2", "run-quiet", now), "c-sil", Instant.now().plus(Duration.ofHours(1))));
                KafkaTopics.send(bootstrap, topics.alerts(), "run-drill",
                        Alerts.synthetic(Alerts.firing("k3", "run-drill", now)));
                KafkaTopics.awaitCommitted(KAFKA.admin(), "watcher-notify.am", topics.alerts());
                until("Alertmanager shows the ack", () -> {
                    try {
                        List<JsonNode> got = am.alerts("kl_gate", "run-ack");
                        return got.size() == 1 && got.get(0).path("annotations").has("acked_by");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                JsonNode annotations = am.alerts("kl_gate", "run-ack").get(0).path("annotations");
                assertThat(annotations.path("acked_by").asText()).isEqualTo("alice");
                assertThat(annotations.path("ack_reason").asText()).isEqualTo("on it");

                // Re-sent with its ack every 500 ms, it outlives the 2 s resolve_timeout.
                double before = counter(registry, NotifyMetrics.RESENDS, "receiver", "am", "outcome", "delivered");
                until("six more re-sends (3 s)", () -> counter(registry, NotifyMetrics.RESENDS, "receiver", "am",
                        "outcome", "delivered") >= before + 6);
                assertThat(active(am, "run-ack")).as("still firing after the resolve timeout").isEqualTo(1);
                assertThat(am.alerts("kl_gate", "run-ack").get(0).path("annotations").path("acked_by").asText())
                        .isEqualTo("alice");
                assertThat(active(am, "run-quiet")).as("silenced: never sent").isZero();
                assertThat(active(am, "run-drill")).as("a drill: never sent").isZero();
                assertThat(counter(registry, NotifyMetrics.SKIPPED, "receiver", "am", "reason", "silenced")).isEqualTo(1);
                assertThat(counter(registry, NotifyMetrics.SKIPPED, "receiver", "am", "reason", "synthetic"))
                        .isEqualTo(1);
                assertThat(notifier.failure()).isEmpty();
            }
        }
    }

    private static int active(AlertmanagerProcess am, String run) {
        try {
            return am.alerts("kl_gate", run).size();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
