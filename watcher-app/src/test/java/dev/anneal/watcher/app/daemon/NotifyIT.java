package dev.anneal.watcher.app.daemon;

import static dev.anneal.watcher.app.daemon.ItSupport.healthy;
import static dev.anneal.watcher.app.daemon.ItSupport.ppo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.anneal.watcher.app.config.WatcherConfig;
import dev.anneal.watcher.app.daemon.ItSupport.Names;
import dev.anneal.watcher.core.notify.NotifierSettings;
import dev.anneal.watcher.core.notify.ReceiverSpec;
import dev.anneal.watcher.core.notify.SecretRef;
import dev.anneal.watcher.core.notify.WebhookReceiver;
import dev.anneal.watcher.testkit.Await;
import dev.anneal.watcher.testkit.KafkaBroker;
import dev.anneal.watcher.testkit.KafkaTopics;
import dev.anneal.watcher.testkit.TopicReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notifier wired into the apps: {@code watcher run} with {@code notify.enabled} delivers the
 * alerts its own rules raise to a webhook (firing, then resolved), and {@code watcher notify} alone
 * delivers the alerts of a cluster and serves its metrics; a secret that cannot be read stops the
 * start-up as a configuration error.
 */
class NotifyIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.create();

    @TempDir
    Path stateDir;

    private HttpServer hook;
    private final List<JsonNode> received = new ArrayList<>();
    private final List<String> signatures = new ArrayList<>();

    @BeforeEach
    void startHook() throws Exception {
        hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            synchronized (received) {
                received.add(MAPPER.readTree(body));
                signatures.add(ex.getRequestHeaders().getFirst(WebhookReceiver.SIGNATURE_HEADER)
                        + " " + WebhookReceiver.signature("k3y", body));
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        hook.start();
    }

    @AfterEach
    void stopHook() {
        hook.stop(0);
    }

    private List<JsonNode> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    private WatcherConfig config(Names names) {
        ReceiverSpec spec = new ReceiverSpec("hook", ReceiverSpec.Type.WEBHOOK,
                URI.create("http://127.0.0.1:" + hook.getAddress().getPort() + "/watcher"), Map.of(),
                Optional.empty(), Optional.of(SecretRef.env("HOOK_KEY")));
        WatcherConfig base = ItSupport.config(KAFKA, stateDir, names, List.of("anneal-gates"), false);
        WatcherConfig.Notify n = WatcherConfig.Notify.disabled();
        return base.withNotify(new WatcherConfig.Notify(true, List.of(spec), names.prefix() + "-notify",
                names.prefix() + ".undeliverable", n.resendInterval(), n.requestTimeout(),
                new NotifierSettings.Resilience(3, Duration.ofMillis(50), Duration.ofMillis(200), 50, 4,
                        Duration.ofMillis(300), 100)));
    }

    @Test
    void watcherRunDeliversTheAlertsItsRulesRaise() throws Exception {
        Names names = Names.fresh("notify-run");
        WatcherApp app = new WatcherApp(config(names), Clock.systemUTC(), Map.of("HOOK_KEY", "k3y"));
        app.start();
        try {
            assertThat(app.awaitRunning(ItSupport.WAIT)).isTrue();
            assertThat(app.notifier()).isPresent();
            KafkaTopics.send(KAFKA.bootstrapServers(), names.input(), "run-a", healthy(), ppo(1.37, 0.07, 2.6),
                    healthy());
            Await.until("six transitions delivered", () -> received().size() >= 6);
            assertThat(received()).extracting(n -> n.path("alert").path("rule").asText() + " "
                    + n.path("alert").path("state").asText()).containsExactly(
                    "kl_grad_rollback firing", "kl_gate firing", "grad_gate firing",
                    "kl_grad_rollback resolved", "kl_gate resolved", "grad_gate resolved");
            assertThat(received()).allSatisfy(n -> assertThat(n.path("alert").path("run_id").asText())
                    .isEqualTo("run-a"));
            synchronized (received) {
                assertThat(signatures).allSatisfy(s -> assertThat(s.split(" ")[0]).isEqualTo(s.split(" ")[1]));
            }
            Await.until("the delivery metric", () -> app.registry().scrape()
                    .contains("watcher_notify_deliveries_total{outcome=\"delivered\",receiver=\"hook\",synthetic=\"false\"} 6.0"));
        } finally {
            app.stop();
        }
    }

    @Test
    void watcherNotifyAloneDeliversAndServesItsMetrics() throws Exception {
        Names names = Names.fresh("notify-alone");
        WatcherConfig config = config(names);
        // The alerts topic exists and holds an alert published by some daemon.
        WatcherApp producer = ItSupport.startRunning(config.withNotify(WatcherConfig.Notify.disabled()));
        try {
            KafkaTopics.send(KAFKA.bootstrapServers(), names.input(), "run-b", ppo(1.37, 0.07, 1.0));
            try (TopicReader alerts = new TopicReader(KAFKA.bootstrapServers(), names.alerts())) {
                alerts.await(1);
            }
        } finally {
            producer.stop();
        }
        NotifyApp app = new NotifyApp(config, Clock.systemUTC(), Map.of("HOOK_KEY", "k3y"));
        app.start();
        try {
            Await.until("the alert delivered", () -> received().size() >= 1);
            assertThat(received().get(0).path("alert").path("rule").asText()).isEqualTo("kl_gate");
            assertThat(received().get(0).path("recommendation").path("action").asText()).isEqualTo("HOLD");
            Await.until("the metric", () -> scrape(app).contains(
                    "watcher_notify_deliveries_total{outcome=\"delivered\",receiver=\"hook\",synthetic=\"false\"} 1.0"));
            assertThat(scrape(app)).contains("watcher_notify_breaker_state{receiver=\"hook\",state=\"closed\"} 1.0")
                    .contains("watcher_notify_worker_up{receiver=\"hook\"} 1.0");
            assertThat(ItSupport.get(app.httpUrl() + "/healthz").status()).isEqualTo(200);
        } finally {
            app.stop();
        }
    }

    @Test
    void aSecretThatCannotBeReadIsAConfigurationError() {
        Names names = Names.fresh("notify-secret");
        NotifyApp app = new NotifyApp(config(names), Clock.systemUTC(), Map.of());
        assertThatThrownBy(app::start).isInstanceOf(StartupException.class)
                .hasMessage("cannot start the notifier: receiver hook: cannot read its hmac_secret: environment "
                        + "variable HOOK_KEY is not set")
                .extracting(e -> ((StartupException) e).kind()).isEqualTo(StartupException.Kind.CONFIG);
    }

    private static String scrape(NotifyApp app) {
        try {
            return ItSupport.get(app.httpUrl() + "/metrics").body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
