package dev.anneal.watcher.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.watcher.app.daemon.CrashOutputs;
import dev.anneal.watcher.app.daemon.CrashStream;
import dev.anneal.watcher.core.notify.AlertmanagerProcess;
import dev.anneal.watcher.core.notify.NotifyMetrics;
import dev.anneal.watcher.testkit.Await;
import dev.anneal.watcher.testkit.KafkaBroker;
import dev.anneal.watcher.testkit.KafkaTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chaos scenario 3: {@code watcher run} with its notifier on, delivering to two webhooks and a real
 * Alertmanager (where the Debian binary is installed; otherwise that part is skipped, loudly),
 * under a steady input. Every receiver goes down for {@code chaos.receiverOutageSeconds} and comes
 * back. Then:
 * <ul>
 *   <li>the daemon's own outputs equal the replay of the input ({@link ExactlyOnceCheck#outputs});</li>
 *   <li>the webhook got every alert transition on the alerts topic, each exactly once once
 *       deduplicated by delivery id ({@link ExactlyOnceCheck#deliveries});</li>
 *   <li>Alertmanager heard of every alert that fired (it notified its own receiver about each), and
 *       its active alerts are exactly the ones the topic leaves firing;</li>
 *   <li>the backlog waited in Kafka (the notifier's consumer lag grew, its committed offsets did
 *       not run ahead of deliveries) while the daemon kept consuming, and the daemon's heap stayed
 *       bounded; the drain time after the outage is measured.</li>
 * </ul>
 * The scenario runs once for the class; the control is the second webhook, which loses the first
 * notification after it comes back: the same check must report it lost.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReceiverOutageChaosIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GROUP = "chaos-notify";
    /** The daemon's and the replay's parameter overrides: no absence rule (see the event times). */
    private static final Map<String, String> PARAMS = Map.of("stale_after", "none");

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.create();

    /** Kept when a test fails: the daemon's log, the input file, Alertmanager's log. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;

    private ChaosRun run;
    private RecordingReceiver hook;
    private RecordingReceiver dropper;
    private RecordingReceiver amSink;
    private AlertmanagerProcess am;
    private List<String> expectedDeliveries;
    private ExactlyOnceCheck.Verdict outputs;

    @BeforeAll
    void runTheScenario() throws Exception {
        run = ChaosRun.begin("receiver-outage", KAFKA.bootstrapServers(), KAFKA.admin(), dir, 3, (short) -1);
        hook = RecordingReceiver.honest();
        dropper = RecordingReceiver.dropping();
        amSink = RecordingReceiver.honest();
        List<String> receivers = new ArrayList<>(List.of(
                receiver("hook", "webhook", hook.url("/hook")), receiver("dropper", "webhook", dropper.url("/hook"))));
        if (AlertmanagerProcess.find().isPresent()) {
            am = AlertmanagerProcess.startOrSkip(Files.createDirectories(dir.resolve("alertmanager")),
                    amSink.url("/am"), Duration.ofMinutes(5));
            receivers.add(receiver("am", "alertmanager", am.url()));
        } else {
            run.log("WARNING: %s is not installed: the Alertmanager part of this scenario is SKIPPED",
                    AlertmanagerProcess.BINARY);
        }
        List<String> args = new ArrayList<>(List.of("--param", "stale_after=none", "--notify", "true", "--notify-group-id", GROUP,
                "--undeliverable-topic", "receiver-outage.alerts.undeliverable",
                "--resend-interval", "2s", "--breaker-open-duration", "1s", "--retry-attempts", "2",
                "--retry-initial-backoff", "100ms", "--retry-max-backoff", "500ms", "--notify-rate-limit", "1000",
                "--notify-request-timeout", "5s"));
        receivers.forEach(r -> args.addAll(List.of("--notify-receiver", r)));

        try (Fleet fleet = run.startSingle(args)) {
            Fleet.Instance a = fleet.instance("a");
            // Event times in the past (the generator spaces a run's records 60 s apart), so that
            // Alertmanager resolves an alert at once when told its end time; the absence rule, which
            // would then fire in the daemon but not in the replay, is off in both.
            Duration span = Duration.ofMinutes(ChaosSettings.RECORDS / ((long) ChaosSettings.SEGMENTS
                    * ChaosSettings.RUNS) + 60);
            CrashStream.Production production = run.produce(ChaosSettings.RECORDS, ChaosSettings.RATE,
                    Instant.now().minus(span).truncatedTo(ChronoUnit.SECONDS));
            run.awaitCommitted(ChaosSettings.RECORDS / 5, fleet, ChaosRun.DRAIN_TIMEOUT);
            double heapBefore = heap(a);

            // The outage: every receiver refuses connections while alerts keep coming.
            run.log("receivers down at %s", run.at(production));
            long inputBefore = run.committed();
            hook.stop();
            dropper.stop();
            if (am != null) {
                am.stop();
            }
            long committedAtStop = notifierCommitted("hook");
            double heapPeak = heapBefore;
            long outageEnd = System.nanoTime() + ChaosSettings.RECEIVER_OUTAGE.toNanos();
            while (System.nanoTime() < outageEnd) {
                fleet.requireAllAlive();
                heapPeak = Math.max(heapPeak, heap(a));
                Thread.sleep(500); // sampling the daemon's heap while the outage lasts
            }
            Set<String> waiting = new HashSet<>(deliveryIds(CrashOutputs.readAll(KAFKA.bootstrapServers(),
                    run.topics().alerts(), true)));
            long backlog = waiting.stream().filter(id -> !hook.deliveries().contains(id)).count();
            long deliveredDuringOutage = notifierCommitted("hook") - committedAtStop;
            long consumedDuringOutage = run.committed() - inputBefore;
            run.log("after %d s down: %d alert transitions wait in Kafka for the webhook, %d committed by the notifier meanwhile, "
                            + "%d input records consumed meanwhile; heap %.0f MiB before, %.0f MiB at most",
                    ChaosSettings.RECEIVER_OUTAGE.toSeconds(), backlog, deliveredDuringOutage, consumedDuringOutage,
                    heapBefore / (1 << 20), heapPeak / (1 << 20));
            assertThat(backlog).as("alerts piled up in Kafka during the outage").isPositive();
            assertThat(deliveredDuringOutage).as("the notifier committed nothing it could not deliver")
                    .isLessThanOrEqualTo(1);
            assertThat(consumedDuringOutage).as("the daemon kept consuming").isPositive();

            // Back: the backlog drains.
            hook.start();
            dropper.start();
            if (am != null) {
                am.start();
            }
            long backNanos = System.nanoTime();
            Await.until(ChaosRun.DRAIN_TIMEOUT, "the webhook gets the backlog", () -> {
                fleet.requireAllAlive();
                return hook.deliveries().containsAll(waiting);
            });
            Duration drain = Duration.ofNanos(System.nanoTime() - backNanos);
            run.log("the webhook's backlog of %d alerts drained %.1f s after it was back", backlog,
                    drain.toMillis() / 1000.0);

            CrashStream stream = run.drain(fleet, production);
            List<ConsumerRecord<byte[], byte[]>> alerts = CrashOutputs.readAll(KAFKA.bootstrapServers(),
                    run.topics().alerts(), true);
            expectedDeliveries = deliveryIds(alerts);
            for (String receiver : am == null ? List.of("hook", "dropper") : List.of("hook", "dropper", "am")) {
                awaitDelivered(receiver, alerts);
            }
            int active = -1;
            int notified = -1;
            if (am != null) {
                // Every alert that fired reached Alertmanager: it notified its own receiver about it.
                Set<String> fired = everFired(alerts);
                Await.until(Duration.ofSeconds(60), "Alertmanager notifies about every alert that fired", () ->
                        notifiedByAlertmanager().containsAll(fired));
                notified = fired.size();
                Set<String> firing = stillFiring(alerts);
                try {
                    Await.until(Duration.ofSeconds(60), "Alertmanager's active alerts are the ones left firing", () ->
                            activeInAlertmanager().equals(firing));
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + ": expected " + firing + ", Alertmanager has "
                            + activeInAlertmanager(), e);
                }
                active = firing.size();
                run.log("Alertmanager holds the %d alerts left firing; the notifier keeps %.0f firing alerts in memory",
                        active, Fleet.metric(a, NotifyMetrics.FIRING, "").orElse(-1.0));
            }
            fleet.stopAll();

            outputs = run.check(stream, PARAMS).requireExact();
            ExactlyOnceCheck.Verdict webhook = ExactlyOnceCheck.deliveries("webhook", expectedDeliveries,
                    hook.deliveries());
            run.log("%s", webhook.summary());
            run.figures(outputs, stream.records(), String.format(Locale.ROOT, "receivers down %d s: %d alerts "
                            + "waited in Kafka, drained in %.1f s; webhook got %d of %d transitions (duplicates %d, "
                            + "lost %d); Alertmanager active set %s; daemon heap %.0f -> at most %.0f MiB",
                    ChaosSettings.RECEIVER_OUTAGE.toSeconds(), backlog, drain.toMillis() / 1000.0, webhook.actual(),
                    webhook.expected(), webhook.duplicates(), webhook.lost(),
                    am == null ? "not checked (no binary)" : "right (" + active + " alerts; all " + notified
                            + " alerts that fired notified by Alertmanager)",
                    heapBefore / (1 << 20), heapPeak / (1 << 20)));
        }
    }

    @AfterAll
    void cleanUp() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {am, hook, dropper, amSink}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void everyTransitionReachesTheWebhookExactlyOnceAfterTheOutage() {
        assertThat(outputs.exact()).isTrue();
        ExactlyOnceCheck.deliveries("webhook", expectedDeliveries, hook.deliveries()).requireExact();
    }

    @Test
    void controlAReceiverThatDropsATransitionFailsTheCheck() {
        ExactlyOnceCheck.Verdict v = ExactlyOnceCheck.deliveries("dropping webhook", expectedDeliveries,
                dropper.deliveries()).requireDifference();
        assertThat(v.lost()).as("the transitions it dropped: %s", dropper.dropped()).isEqualTo(1);
        run.log("control, as required: %s", v.summary());
    }

    private static String receiver(String name, String type, String url) {
        return "{name: " + name + ", type: " + type + ", url: \"" + url + "\"}";
    }

    private static double heap(Fleet.Instance i) {
        return Fleet.metric(i, "jvm_memory_used_bytes", "area=\"heap\"").orElse(0.0);
    }

    private long notifierCommitted(String receiver) {
        return KafkaTopics.committed(KAFKA.admin(), GROUP + "." + receiver, run.topics().alerts()).values().stream()
                .mapToLong(Long::longValue).sum();
    }

    /**
     * Waits until the receiver's group has committed past the last of {@code alerts} on every
     * partition: it commits an alert only once delivered, in order, so from then on it has sent all
     * it will send for them.
     */
    private void awaitDelivered(String receiver, List<ConsumerRecord<byte[], byte[]>> alerts) {
        Map<TopicPartition, Long> next = new HashMap<>();
        alerts.forEach(r -> next.merge(new TopicPartition(r.topic(), r.partition()), r.offset() + 1, Math::max));
        Await.until(ChaosRun.DRAIN_TIMEOUT, "receiver " + receiver + " has delivered every alert", () -> {
            Map<TopicPartition, Long> c = KafkaTopics.committed(KAFKA.admin(), GROUP + "." + receiver,
                    run.topics().alerts());
            return next.entrySet().stream().allMatch(e -> c.getOrDefault(e.getKey(), -1L) >= e.getValue());
        });
    }

    /** {@code <alert id>:<state>} of each alert record, in topic order. */
    private static List<String> deliveryIds(List<ConsumerRecord<byte[], byte[]>> alerts) throws Exception {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : alerts) {
            JsonNode n = JSON.readTree(r.value());
            out.add(n.path("id").asText() + ":" + n.path("state").asText());
        }
        return out;
    }

    /** {@code <rule> <run id>} of every alert whose last transition on the topic is firing. */
    private static Set<String> stillFiring(List<ConsumerRecord<byte[], byte[]>> alerts) throws Exception {
        Map<String, JsonNode> last = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : alerts) {
            JsonNode n = JSON.readTree(r.value());
            last.put(n.path("id").asText(), n);
        }
        Set<String> out = new TreeSet<>();
        last.values().stream().filter(n -> n.path("state").asText().equals("firing"))
                .forEach(n -> out.add(n.path("rule").asText() + " " + n.path("run_id").asText()));
        return out;
    }

    /** {@code <rule> <run id>} of every alert that fired on the topic. */
    private static Set<String> everFired(List<ConsumerRecord<byte[], byte[]>> alerts) throws Exception {
        Set<String> out = new TreeSet<>();
        for (ConsumerRecord<byte[], byte[]> r : alerts) {
            JsonNode n = JSON.readTree(r.value());
            if (n.path("state").asText().equals("firing")) {
                out.add(n.path("rule").asText() + " " + n.path("run_id").asText());
            }
        }
        return out;
    }

    /** {@code <alertname> <run id>} of every group Alertmanager has notified its receiver about. */
    private Set<String> notifiedByAlertmanager() {
        Set<String> out = new TreeSet<>();
        for (String body : amSink.others()) {
            try {
                JsonNode g = JSON.readTree(body).path("groupLabels");
                out.add(g.path("alertname").asText() + " " + g.path("run_id").asText());
            } catch (Exception e) {
                throw new AssertionError("not an Alertmanager notification: " + body, e);
            }
        }
        return out;
    }

    private Set<String> activeInAlertmanager() {
        try {
            Set<String> out = new TreeSet<>();
            am.alerts().forEach(a -> out.add(a.path("labels").path("alertname").asText() + " "
                    + a.path("labels").path("run_id").asText()));
            return out;
        } catch (Exception e) {
            return Set.of();
        }
    }
}
