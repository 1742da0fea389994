package dev.anneal.watcher.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.anneal.watcher.app.config.ConfigLoader;
import dev.anneal.watcher.app.config.WatcherConfig;
import dev.anneal.watcher.app.daemon.RulesReloader;
import dev.anneal.watcher.app.daemon.WatcherApp;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric name that the Grafana dashboard and the Prometheus rules in {@code deploy/} query
 * is exported by a running daemon: {@link WatcherApp} in process on its embedded broker, with the
 * notifier delivering to a local Alertmanager stand-in (200) and a webhook that answers 503 once
 * and then 400 (a retry, then an undeliverable alert), a rule that fails on records lacking a
 * field, a malformed record and a refused rule reload. Together these make the daemon register
 * the meters that only appear at their first event. The scrape of {@code /metrics} must then name
 * every metric of every query; {@code up} is the only name allowed to be missing, since Prometheus
 * makes it, and recording rules' names are defined by the rules file itself.
 */
class DeployMetricsIT {

    /** Names Prometheus itself makes rather than scrapes. */
    private static final Set<String> MADE_BY_PROMETHEUS = Set.of("up");
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void everyMetricTheDashboardAndTheRulesQueryIsExported() throws Exception {
        Map<String, Set<String>> queried = queriedNames();
        assertThat(queried).as("names found in the dashboard and rules").hasSizeGreaterThan(30);

        HttpServer receivers = receivers();
        Path rules = dir.resolve("extra-rules.yaml");
        Files.writeString(rules, """
                pack: deploy-metrics
                rules:
                  - id: needs_extra
                    select: {kinds: [ppo]}
                    condition: "record.extra > 1.0"
                    action: HOLD
                """);
        WatcherApp app = new WatcherApp(config(rules, "http://127.0.0.1:" + receivers.getAddress().getPort()));
        try {
            app.start();
            assertThat(app.awaitRunning(WAIT)).as("Kafka Streams reached RUNNING").isTrue();
            // A healthy epoch, then kl and grad spikes (three alerts fire and stay firing, so the
            // Alertmanager receiver re-sends them), and a message that is not JSON (a dead letter).
            // None has the field needs_extra reads: each ppo record is a rule error.
            send(app.bootstrapServers(), "run-deploy", healthy(), ppo(1.37, 0.07, 2.6), "this is not json");
            Files.writeString(rules, "pack: deploy-metrics\nrules: [ {id: broken\n");
            assertThat(app.reloader().orElseThrow().reload("test")).isEqualTo(RulesReloader.Outcome.REFUSED);

            Set<String> exported = awaitExported(app.httpUrl(), queried);
            Map<String, Set<String>> missing = new LinkedHashMap<>();
            queried.forEach((where, names) -> {
                Set<String> absent = names.stream().filter(n -> !exported.contains(n))
                        .filter(n -> !MADE_BY_PROMETHEUS.contains(n))
                        .filter(n -> !DeployQueries.recordedNames().contains(n))
                        .collect(Collectors.toCollection(TreeSet::new));
                if (!absent.isEmpty()) {
                    missing.put(where, absent);
                }
            });
            assertThat(missing).as("metrics queried by deploy/ but not exported by the daemon").isEmpty();
        } finally {
            app.stop();
            receivers.stop(0);
        }
    }

    /** For each query (where it is), the metric names it reads. */
    private static Map<String, Set<String>> queriedNames() {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        List<DeployQueries.Query> all = new ArrayList<>(DeployQueries.dashboard());
        all.addAll(DeployQueries.rules());
        for (DeployQueries.Query q : all) {
            out.put(q.where(), q.metricNames());
        }
        return out;
    }

    /**
     * Scrapes until every queried name is there (meters of asynchronous events appear a moment
     * later: a delivery round, a re-send, the first GC) or the wait is over, and returns the
     * sample names of the last scrape.
     */
    private static Set<String> awaitExported(String base, Map<String, Set<String>> queried) throws Exception {
        Set<String> wanted = new TreeSet<>();
        queried.values().forEach(wanted::addAll);
        wanted.removeAll(MADE_BY_PROMETHEUS);
        wanted.removeAll(DeployQueries.recordedNames());
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            String body = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Set<String> names = sampleNames(body);
            if (names.containsAll(wanted) || System.nanoTime() > deadline) {
                return names;
            }
            if (!names.contains("jvm_gc_pause_seconds_sum")) {
                // The GC pause timer is registered at the first collection after the daemon started.
                System.gc();
            }
            Thread.sleep(200);
        }
    }

    /** The metric name of every sample line of a Prometheus text exposition. */
    static Set<String> sampleNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int end = 0;
                while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                    end++;
                }
                names.add(line.substring(0, end));
            }
        }
        return names;
    }

    private WatcherConfig config(Path rules, String receiverBase) throws Exception {
        String yaml = """
                embedded:
                  port: 0
                  data_dir: %s
                topics:
                  partitions: 1
                streams:
                  application_id: deploy-metrics
                  state_dir: %s
                  commit_interval_ms: 100
                rules:
                  packs: [anneal-gates, %s]
                  reload: true
                http:
                  address: 127.0.0.1:0
                notify:
                  enabled: true
                  resend_interval: 1s
                  retry_attempts: 2
                  retry_initial_backoff: 50ms
                  receivers:
                    - {name: am, type: alertmanager, url: "%s"}
                    - {name: hook, type: webhook, url: "%s/hook"}
                """.formatted(dir.resolve("kafka"), dir.resolve("streams"), rules, receiverBase, receiverBase);
        return ConfigLoader.parse("deploy-metrics.yaml", yaml, dir, Map.of(), Map.of());
    }

    /**
     * Stand-ins for the receivers on a free local port: Alertmanager's API answers 200; the
     * webhook answers 503 to its first request (a transient failure, retried) and 400 afterwards
     * (permanent: the alert goes to the undeliverable topic).
     */
    private static HttpServer receivers() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger hookCalls = new AtomicInteger();
        server.createContext("/api/v2/alerts", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.createContext("/hook", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(hookCalls.getAndIncrement() == 0 ? 503 : 400, -1);
            ex.close();
        });
        server.start();
        return server;
    }

    private static String ppo(double loss, double kl, double grad) {
        return String.format(java.util.Locale.ROOT, "{\"epoch\": 1.0, \"loss_total\": %s, \"kl_divergence\": %s, "
                + "\"grad_norm\": %s, \"batch_entropy_mean\": 1.38, \"data_mode\": \"replay\"}", loss, kl, grad);
    }

    private static String healthy() {
        return ppo(1.37, 0.01, 1.0);
    }

    private static void send(String bootstrap, String key, String... values) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String v : values) {
                p.send(new ProducerRecord<>("anneal.telemetry", key.getBytes(StandardCharsets.UTF_8),
                        v.getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }
}
