package dev.anneal.watcher.app.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.app.config.ValueType.HostPort;
import dev.anneal.watcher.core.stream.RunQueries;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP endpoints against a fake source: no Kafka needed. */
class HttpServerTest {

    private static final AtomicReference<KafkaStreams.State> STATE = new AtomicReference<>();
    private static HttpServer server;
    private static String base;

    @BeforeEach
    void notStarted() {
        STATE.set(null);
    }

    @BeforeAll
    static void start() throws Exception {
        server = HttpServer.start(new HostPort("127.0.0.1", 0), new HttpServer.Source() {
            @Override
            public String scrape() {
                return "# TYPE watcher_records_consumed_total counter\nwatcher_records_consumed_total 7.0\n";
            }

            @Override
            public Optional<KafkaStreams.State> streamsState() {
                return Optional.ofNullable(STATE.get());
            }

            @Override
            public RunQueries runs() {
                throw new InvalidStateStoreException("the store is being restored");
            }

            @Override
            public String ruleSetDigest() {
                return "sha256:0";
            }
        });
        base = server.url();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void metricsAreThePrometheusTextExposition() throws Exception {
        ItSupport.Response r = ItSupport.get(base + "/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo(HttpServer.PROMETHEUS_CONTENT_TYPE);
        assertThat(r.body()).contains("watcher_records_consumed_total 7.0");
    }

    @Test
    void healthzAnswersWhateverStreamsIsDoing() throws Exception {
        assertThat(ItSupport.get(base + "/healthz")).isEqualTo(new ItSupport.Response(200, "ok\n",
                "text/plain; charset=utf-8"));
    }

    @Test
    void readyzIsReadyOnlyWhileStreamsIsRunning() throws Exception {
        assertThat(ItSupport.get(base + "/readyz").body()).isEqualTo("not ready: Kafka Streams is not started\n");
        STATE.set(KafkaStreams.State.REBALANCING);
        ItSupport.Response r = ItSupport.get(base + "/readyz");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.body()).isEqualTo("not ready: Kafka Streams is REBALANCING\n");
        STATE.set(KafkaStreams.State.RUNNING);
        assertThat(ItSupport.get(base + "/readyz").status()).isEqualTo(200);
        STATE.set(KafkaStreams.State.PENDING_SHUTDOWN);
        assertThat(ItSupport.get(base + "/readyz").status()).isEqualTo(503);
    }

    @Test
    void runsAnswer503WhileTheStoreCannotBeQueried() throws Exception {
        STATE.set(KafkaStreams.State.REBALANCING);
        ItSupport.Response r = ItSupport.get(base + "/api/runs");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.contentType()).isEqualTo("application/json");
        assertThat(r.body()).isEqualTo("{\"error\":\"the run state cannot be queried yet (Kafka Streams is "
                + "REBALANCING); try again: the store is being restored\"}\n");
        assertThat(ItSupport.get(base + "/api/runs/run-a").status()).isEqualTo(503);
    }

    @Test
    void onlyGetAndHeadOnKnownPaths() throws Exception {
        assertThat(ItSupport.request("POST", base + "/metrics").status()).isEqualTo(405);
        assertThat(ItSupport.request("DELETE", base + "/api/runs/x").status()).isEqualTo(405);
        ItSupport.Response head = ItSupport.request("HEAD", base + "/healthz");
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(ItSupport.get(base + "/").status()).isEqualTo(404);
        assertThat(ItSupport.get(base + "/metricsx").status()).isEqualTo(404);
    }
}
