package dev.anneal.watcher.core.notify;

import static dev.anneal.watcher.testkit.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.watcher.core.notify.NotifyIt.Topics;
import dev.anneal.watcher.core.notify.WebhookServer.Request;
import dev.anneal.watcher.core.stream.WatcherTopics;
import dev.anneal.watcher.testkit.KafkaBroker;
import dev.anneal.watcher.testkit.KafkaTopics;
import dev.anneal.watcher.testkit.ManualClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The notifier against a real (embedded) broker and a local webhook server: every transition is
 * delivered once, in order, signed, across a receiver outage and a notifier restart; a refused
 * alert goes to the undeliverable topic and the others flow on.
 */
class WebhookNotifierIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String KEY = "test-hmac-key";

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.create();

    private static ReceiverSpec webhook(WebhookServer server) {
        return new ReceiverSpec("hook", ReceiverSpec.Type.WEBHOOK, URI.create(server.url("/alerts")),
                Map.of("X-Team", "rl"), Optional.empty(), Optional.of(SecretRef.env("TEST_HMAC")));
    }

    private static NotifierSettings settings(Topics topics, String group, List<ReceiverSpec> receivers) {
        return NotifyIt.settings(topics, group, receivers, Duration.ofMinutes(1));
    }

    private static Notifier start(Topics topics, String group, List<ReceiverSpec> receivers, MeterRegistry registry) {
        return Notifier.start(settings(topics, group, receivers), NotifyIt.client(KAFKA.bootstrapServers()),
                Map.of("TEST_HMAC", KEY), Clock.systemUTC(), registry, NotifyIt.WAIT);
    }

    private static double meter(MeterRegistry registry, String name, String... tags) {
        var search = registry.find(name).tags(tags);
        if (search.counter() != null) {
            return search.counter().count();
        }
        return search.gauge() == null ? 0 : search.gauge().value();
    }

    @Test
    void everyTransitionArrivesOnceInOrderAcrossAnOutageAndRestarts() throws Exception {
        Topics topics = Topics.fresh("hook");
        topics.create(KAFKA);
        String bootstrap = KAFKA.bootstrapServers();
        KafkaTopics.send(bootstrap, topics.recommendations(), "run-1", Alerts.hold("run-1"));
        try (WebhookServer server = new WebhookServer()) {
            MeterRegistry registry = new SimpleMeterRegistry();
            Notifier notifier = start(topics, "g1", List.of(webhook(server)), registry);
            try {
                KafkaTopics.send(bootstrap, topics.alerts(), "run-1", Alerts.firing("a1", "run-1", 1_000),
                        Alerts.firing("a2", "run-1", 2_000), Alerts.resolved("a1", "run-1", 3_000));
                until("3 deliveries", () -> server.accepted().size() >= 3);

                // The receiver goes down; alerts keep coming.
                server.stop();
                KafkaTopics.send(bootstrap, topics.alerts(), "run-1", Alerts.firing("a3", "run-1", 4_000),
                        Alerts.resolved("a2", "run-1", 5_000));
                until("the breaker opens while the receiver is down",
                        () -> meter(registry, NotifyMetrics.BREAKER_STATE, "receiver", "hook", "state", "open") == 1);
                until("a delivery round fails", () -> meter(registry, NotifyMetrics.DELIVERIES, "receiver", "hook",
                        "outcome", "transient") > 0);
                assertThat(meter(registry, NotifyMetrics.RETRIES, "receiver", "hook")).isPositive();
            } finally {
                notifier.close();
            }

            // The notifier restarts while the receiver is still down, with a3 undelivered in hand.
            KafkaTopics.send(bootstrap, topics.alerts(), "run-1", Alerts.firing("a4", "run-1", 6_000));
            MeterRegistry registry2 = new SimpleMeterRegistry();
            Notifier restarted = start(topics, "g1", List.of(webhook(server)), registry2);
            try {
                until("the restarted notifier fails too", () -> meter(registry2, NotifyMetrics.DELIVERIES, "receiver",
                        "hook", "outcome", "transient") > 0);
                // Back: everything sent meanwhile arrives.
                server.start();
                until("6 deliveries", () -> server.accepted().size() >= 6);
                until("the breaker closes again",
                        () -> meter(registry2, NotifyMetrics.BREAKER_STATE, "receiver", "hook", "state", "closed") == 1);
            } finally {
                restarted.close();
            }

            // Another restart resumes after the last delivered alert: nothing is sent twice.
            KafkaTopics.send(bootstrap, topics.alerts(), "run-1", Alerts.resolved("a3", "run-1", 7_000));
            Notifier again = start(topics, "g1", List.of(webhook(server)), new SimpleMeterRegistry());
            try {
                until("7 deliveries", () -> server.accepted().size() >= 7);
                // Had it resumed before its last commit, it would have sent those alerts again before this.
                NotifyIt.awaitDone(KAFKA, settings(topics, "g1", List.of(webhook(server))), "hook");
            } finally {
                again.close();
            }

            List<Request> got = server.accepted();
            assertThat(got).extracting(r -> r.header(WebhookReceiver.DELIVERY_HEADER)).containsExactly(
                    "a1:firing", "a2:firing", "a1:resolved", "a3:firing", "a2:resolved", "a4:firing", "a3:resolved");
            for (Request r : got) {
                assertThat(r.path()).isEqualTo("/alerts");
                assertThat(r.header("X-Team")).isEqualTo("rl");
                assertThat(r.header(WebhookReceiver.SIGNATURE_HEADER))
                        .isEqualTo(WebhookReceiver.signature(KEY, r.body().getBytes(StandardCharsets.UTF_8)));
                JsonNode body = MAPPER.readTree(r.body());
                assertThat(body.path("delivery_id").asText()).isEqualTo(r.header(WebhookReceiver.DELIVERY_HEADER));
                assertThat(body.path("receiver").asText()).isEqualTo("hook");
                assertThat(body.path("alert").path("run_id").asText()).isEqualTo("run-1");
                assertThat(body.path("recommendation").path("action").asText()).isEqualTo("HOLD");
            }
            JsonNode first = MAPPER.readTree(got.get(0).body()).path("alert");
            assertThat(first).isEqualTo(MAPPER.readTree(Alerts.firing("a1", "run-1", 1_000)));
        }
    }

    @Test
    void aRefusedAlertGoesToTheUndeliverableTopicWithItsReasonAndTheRestFlowOn() throws Exception {
        Topics topics = Topics.fresh("refused");
        topics.create(KAFKA);
        String bootstrap = KAFKA.bootstrapServers();
        // The receiver refuses alerts of run-bad with 400 (a permanent failure).
        try (WebhookServer server = new WebhookServer(body -> body.contains("run-bad") ? 400 : 200)) {
            MeterRegistry registry = new SimpleMeterRegistry();
            Notifier notifier = start(topics, "g1", List.of(webhook(server)), registry);
            try {
                KafkaTopics.send(bootstrap, topics.alerts(), "run-1", Alerts.firing("b1", "run-1", 1_000));
                KafkaTopics.send(bootstrap, topics.alerts(), "run-bad", Alerts.firing("b2", "run-bad", 2_000));
                KafkaTopics.send(bootstrap, topics.alerts(), "run-1", "{not json", Alerts.resolved("b1", "run-1", 3_000));

                until("2 deliveries", () -> server.accepted().size() >= 2);
                List<ConsumerRecord<byte[], byte[]>> refused = NotifyIt.read(bootstrap, topics.undeliverable(), 2);
                assertThat(server.accepted()).extracting(r -> r.header(WebhookReceiver.DELIVERY_HEADER))
                        .containsExactly("b1:firing", "b1:resolved");

                ConsumerRecord<byte[], byte[]> http400 = refused.get(0);
                assertThat(new String(http400.value(), StandardCharsets.UTF_8))
                        .isEqualTo(Alerts.firing("b2", "run-bad", 2_000));
                assertThat(new String(http400.key(), StandardCharsets.UTF_8)).isEqualTo("run-bad");
                assertThat(NotifyIt.header(http400, WatcherTopics.HEADER_REASON))
                        .startsWith("HTTP 400 from " + server.url("/alerts") + ": refused by the test server");
                assertThat(NotifyIt.header(http400, Notifier.HEADER_RECEIVER)).isEqualTo("hook");
                assertThat(NotifyIt.header(http400, WatcherTopics.HEADER_SOURCE_TOPIC)).isEqualTo(topics.alerts());
                assertThat(NotifyIt.header(http400, WatcherTopics.HEADER_SOURCE_PARTITION)).isEqualTo("0");
                assertThat(NotifyIt.header(http400, WatcherTopics.HEADER_SOURCE_OFFSET)).isEqualTo("1");

                ConsumerRecord<byte[], byte[]> notJson = refused.get(1);
                assertThat(NotifyIt.header(notJson, WatcherTopics.HEADER_REASON)).startsWith("not an alert: not JSON");
                assertThat(NotifyIt.header(notJson, WatcherTopics.HEADER_SOURCE_OFFSET)).isEqualTo("2");

                until("the meters count both", () -> meter(registry, NotifyMetrics.UNDELIVERABLE, "receiver", "hook") == 2);
                assertThat(meter(registry, NotifyMetrics.DELIVERIES, "receiver", "hook", "outcome", "permanent"))
                        .isEqualTo(2);
                assertThat(meter(registry, NotifyMetrics.DELIVERIES, "receiver", "hook", "outcome", "delivered"))
                        .isEqualTo(2);
                assertThat(meter(registry, NotifyMetrics.RETRIES, "receiver", "hook")).isZero();
            } finally {
                notifier.close();
            }
        }
    }

    @Test
    void oneReceiverDownDoesNotHoldBackOrDuplicateAnother() throws Exception {
        Topics topics = Topics.fresh("two");
        topics.create(KAFKA);
        String bootstrap = KAFKA.bootstrapServers();
        try (WebhookServer up = new WebhookServer(); WebhookServer down = new WebhookServer()) {
            down.stop();
            ReceiverSpec a = new ReceiverSpec("up", ReceiverSpec.Type.WEBHOOK, URI.create(up.url("/")), Map.of(),
                    Optional.empty(), Optional.empty());
            ReceiverSpec b = new ReceiverSpec("down", ReceiverSpec.Type.WEBHOOK, URI.create(down.url("/")), Map.of(),
                    Optional.empty(), Optional.empty());
            Notifier notifier = start(topics, "g2", List.of(a, b), new SimpleMeterRegistry());
            try {
                KafkaTopics.send(bootstrap, topics.alerts(), "run-1", Alerts.firing("c1", "run-1", 1_000),
                        Alerts.resolved("c1", "run-1", 2_000));
                until("the healthy receiver gets both", () -> up.accepted().size() >= 2);
                down.start();
                until("the other one gets both once back", () -> down.accepted().size() >= 2);
                NotifyIt.awaitDone(KAFKA, settings(topics, "g2", List.of(a, b)), "up");
                NotifyIt.awaitDone(KAFKA, settings(topics, "g2", List.of(a, b)), "down");
            } finally {
                notifier.close();
            }
            assertThat(up.accepted()).extracting(r -> r.header(WebhookReceiver.DELIVERY_HEADER))
                    .containsExactly("c1:firing", "c1:resolved");
            assertThat(down.accepted()).extracting(r -> r.header(WebhookReceiver.DELIVERY_HEADER))
                    .containsExactly("c1:firing", "c1:resolved");
        }
    }

    @Test
    void drillsAreSkippedUnlessOptedInAnAckIsDeliveredAndASilenceHoldsAnAlertUntilItEnds() throws Exception {
        Topics topics = Topics.fresh("marks");
        topics.create(KAFKA);
        String quarantine = topics.prefix() + ".alerts.synthetic";
        KAFKA.createTopics(new NewTopic(quarantine, 1, (short) 1));
        String bootstrap = KAFKA.bootstrapServers();
        Instant t0 = Instant.parse("2026-12-04T12:00:00Z");
        ManualClock clock = new ManualClock(t0);
        try (WebhookServer server = new WebhookServer()) {
            ReceiverSpec hook = new ReceiverSpec("hook", ReceiverSpec.Type.WEBHOOK, URI.create(server.url("/hook")),
                    Map.of(), Optional.empty(), Optional.empty());
            ReceiverSpec qa = new ReceiverSpec("qa", ReceiverSpec.Type.WEBHOOK, URI.create(server.url("/qa")),
                    Map.of(), Optional.empty(), Optional.empty(), true);
            NotifierSettings settings = settings(topics, "g-marks", List.of(hook, qa))
                    .withSyntheticAlertsTopic(Optional.of(quarantine));
            MeterRegistry registry = new SimpleMeterRegistry();
            String a1 = Alerts.firing("a1", "run-1", 1_000);
            try (Notifier notifier = Notifier.start(settings, NotifyIt.client(bootstrap), Map.of(), clock, registry,
                    NotifyIt.WAIT)) {
                KafkaTopics.send(bootstrap, topics.alerts(), "run-1",
                        Alerts.synthetic(Alerts.firing("s1", "run-1", 500)),
                        a1,
                        Alerts.acked(a1, "alice", "looking into it"),
                        Alerts.silenced(Alerts.firing("a2", "run-1", 2_000), "c-sil", t0.plus(Duration.ofHours(1))));
                KafkaTopics.send(bootstrap, quarantine, "qa-1", Alerts.synthetic(Alerts.firing("q1", "qa-1", 3_000)));
                NotifyIt.awaitDone(KAFKA, settings, "hook");
                NotifyIt.awaitDone(KAFKA, settings, "qa");
                KafkaTopics.awaitCommitted(KAFKA.admin(), settings.groupId("qa"), quarantine);

                assertThat(deliveries(server, "/hook")).containsExactly("a1:firing", "a1:firing:acked");
                assertThat(deliveries(server, "/qa")).containsExactlyInAnyOrder("s1:firing", "a1:firing",
                        "a1:firing:acked", "q1:firing");
                JsonNode ack = MAPPER.readTree(server.accepted().stream().filter(r -> r.path().equals("/hook"))
                        .toList().get(1).body()).path("alert").path("acked");
                assertThat(ack.path("by").asText()).isEqualTo("alice");
                assertThat(ack.path("reason").asText()).isEqualTo("looking into it");
                assertThat(meter(registry, NotifyMetrics.SKIPPED, "receiver", "hook", "reason", "synthetic")).isEqualTo(1);
                assertThat(meter(registry, NotifyMetrics.SKIPPED, "receiver", "hook", "reason", "silenced")).isEqualTo(1);
                assertThat(meter(registry, NotifyMetrics.SKIPPED, "receiver", "qa", "reason", "silenced")).isEqualTo(1);
                assertThat(meter(registry, NotifyMetrics.DELIVERIES, "receiver", "qa", "outcome", "delivered",
                        "synthetic", "true")).isEqualTo(2);
                assertThat(meter(registry, NotifyMetrics.DELIVERIES, "receiver", "hook", "outcome", "delivered",
                        "synthetic", "true")).isZero();

                // The silence ends while a2 still fires: both receivers get it then, once.
                clock.advance(Duration.ofHours(2));
                until("a2 is sent when its silence ends", () -> deliveries(server, "/hook").contains("a2:firing")
                        && deliveries(server, "/qa").contains("a2:firing"));
                KafkaTopics.send(bootstrap, topics.alerts(), "run-1", Alerts.resolved("a2", "run-1", 4_000));
                until("the resolution arrives", () -> deliveries(server, "/hook").contains("a2:resolved"));
                NotifyIt.awaitDone(KAFKA, settings, "hook");
                assertThat(deliveries(server, "/hook")).containsExactly("a1:firing", "a1:firing:acked", "a2:firing",
                        "a2:resolved");
            }
        }
    }

    private static List<String> deliveries(WebhookServer server, String path) {
        return server.accepted().stream().filter(r -> r.path().equals(path))
                .map(r -> r.header(WebhookReceiver.DELIVERY_HEADER)).toList();
    }
}
