package dev.anneal.watcher.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.app.config.ValueType.HostPort;
import dev.anneal.watcher.core.stream.RuleSetHolder;
import dev.anneal.watcher.core.stream.RunQueries;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.load.RuleSetCompiler;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The daemon's HTTP endpoints over a real server, against a source of state without Kafka. */
class WatcherRoutesTest {

    private static final AtomicReference<KafkaStreams.State> STATE = new AtomicReference<>();
    /** The run queries once the store is "queryable", or null while it is being restored. */
    private static final AtomicReference<RunQueries> QUERIES = new AtomicReference<>();
    private static final HttpTestClient CLIENT = HttpTestClient.plain();
    private static HttpServer server;
    private static String base;

    @BeforeEach
    void notStarted() {
        STATE.set(null);
        QUERIES.set(null);
    }

    @BeforeAll
    static void start() throws Exception {
        server = HttpServer.start(new HostPort("127.0.0.1", 0), HttpLimits.DEFAULTS, HttpSecurity.none(),
                WatcherRoutes.run(new WatcherRoutes.Source() {
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
                        RunQueries q = QUERIES.get();
                        if (q == null) {
                            throw new InvalidStateStoreException("the store is being restored");
                        }
                        return q;
                    }

                    @Override
                    public String ruleSetDigest() {
                        return "sha256:0";
                    }
                }));
        base = server.url();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void emptyStore() throws Exception {
        QUERIES.set(new RunQueries(new EmptyStore(), new RuleSetHolder(RuleSetCompiler.compile(
                List.of(BuiltinPacks.load(BuiltinPacks.DEFAULT)), Map.of()))));
    }

    @Test
    void metricsAreThePrometheusTextExposition() throws Exception {
        HttpTestClient.Response r = CLIENT.get(base + "/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo(WatcherRoutes.PROMETHEUS_CONTENT_TYPE);
        assertThat(r.body()).contains("watcher_records_consumed_total 7.0");
    }

    @Test
    void healthzAnswersWhateverStreamsIsDoing() throws Exception {
        HttpTestClient.Response r = CLIENT.get(base + "/healthz");
        assertThat(List.of(r.status(), r.body(), r.contentType())).containsExactly(200, "ok\n",
                "text/plain; charset=utf-8");
    }

    @Test
    void readyzIsReadyOnlyWhileStreamsIsRunning() throws Exception {
        assertThat(CLIENT.get(base + "/readyz").body()).isEqualTo("not ready: Kafka Streams is not started\n");
        STATE.set(KafkaStreams.State.REBALANCING);
        HttpTestClient.Response r = CLIENT.get(base + "/readyz");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.body()).isEqualTo("not ready: Kafka Streams is REBALANCING\n");
        STATE.set(KafkaStreams.State.RUNNING);
        assertThat(CLIENT.get(base + "/readyz").status()).isEqualTo(200);
        STATE.set(KafkaStreams.State.PENDING_SHUTDOWN);
        assertThat(CLIENT.get(base + "/readyz").status()).isEqualTo(503);
    }

    @Test
    void runsAnswer503WhileTheStoreCannotBeQueried() throws Exception {
        STATE.set(KafkaStreams.State.REBALANCING);
        HttpTestClient.Response r = CLIENT.get(base + "/api/runs");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.contentType()).isEqualTo("application/json");
        assertThat(r.body()).isEqualTo("{\"error\":\"the run state cannot be queried yet (Kafka Streams is "
                + "REBALANCING); try again: the store is being restored\"}\n");
        assertThat(r.header("Retry-After")).isEqualTo("1");
        assertThat(CLIENT.get(base + "/api/runs/run-a").status()).isEqualTo(503);
    }

    @Test
    void onlyGetAndHeadOnKnownPaths() throws Exception {
        assertThat(CLIENT.send("POST", base + "/metrics", Map.of(), null).status()).isEqualTo(405);
        HttpTestClient.Response delete = CLIENT.send("DELETE", base + "/api/runs/x", Map.of(), null);
        assertThat(delete.status()).isEqualTo(405);
        assertThat(delete.header("Allow")).isEqualTo("GET, HEAD");
        HttpTestClient.Response head = CLIENT.send("HEAD", base + "/healthz", Map.of(), null);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(CLIENT.get(base + "/").status()).isEqualTo(404);
        assertThat(CLIENT.get(base + "/metricsx").status()).isEqualTo(404);
    }

    @Test
    void aRunIdIsDecodedAsAPathSegmentNotAsAForm() throws Exception {
        STATE.set(KafkaStreams.State.RUNNING);
        emptyStore();
        assertThat(CLIENT.get(base + "/api/runs").body()).isEqualTo("{\"runs\":[],\"rule_set\":\"sha256:0\"}\n");
        // '+' is a plus sign in a path: the run looked up is "a+b", not "a b".
        HttpTestClient.Response plus = CLIENT.get(base + "/api/runs/a+b");
        assertThat(plus.status()).isEqualTo(404);
        assertThat(plus.body()).isEqualTo("{\"error\":\"no run 'a+b' on this instance\"}\n");
        assertThat(CLIENT.get(base + "/api/runs/a%20b").body()).contains("no run 'a b'");
        // An encoded slash stays inside the id (run ids are opaque and may hold one); so does '%'.
        assertThat(CLIENT.get(base + "/api/runs/ppo%2Frun-3").body()).contains("no run 'ppo/run-3'");
        assertThat(CLIENT.get(base + "/api/runs/50%25").body()).contains("no run '50%'");
        assertThat(CLIENT.get(base + "/api/runs/caf%C3%A9").body()).contains("no run 'café'");
        // A bare slash separates segments: no such route.
        assertThat(CLIENT.get(base + "/api/runs/ppo/run-3").status()).isEqualTo(404);
        assertThat(CLIENT.get(base + "/api/runs/%FF").status()).isEqualTo(400);
    }

    @Test
    void theRunListTakesActionAndSyntheticFiltersAndRefusesOtherParameters() throws Exception {
        STATE.set(KafkaStreams.State.RUNNING);
        emptyStore();
        assertThat(CLIENT.get(base + "/api/runs?action=HOLD&synthetic=true").status()).isEqualTo(200);
        HttpTestClient.Response bad = CLIENT.get(base + "/api/runs?action=SOON");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("action: 'SOON' is not an action");
        assertThat(CLIENT.get(base + "/api/runs?limit=3").body()).contains("unknown query parameter 'limit'");
    }
}
