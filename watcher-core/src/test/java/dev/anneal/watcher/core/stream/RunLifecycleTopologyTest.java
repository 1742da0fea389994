package dev.anneal.watcher.core.stream;

import static dev.anneal.watcher.core.stream.Telemetry.healthy;
import static dev.anneal.watcher.core.stream.Telemetry.spike;
import static dev.anneal.watcher.core.stream.WatcherTopologyTest.field;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.engine.RunLifecycle;
import dev.anneal.watcher.rules.engine.TaskSilences;
import dev.anneal.watcher.rules.model.RunStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's side of the run lifecycle and of operator commands, under the topology test
 * driver: the wall clock ends idle runs and expires ended ones (store, changelog, /api/runs,
 * optionally the recommendation), commands arrive on their own topic and leave audit records,
 * malformed ones are dead letters, and the gauges follow the store.
 */
class RunLifecycleTopologyTest {

    /** Runs end after a minute idle and expire a minute later; staleness after 5 s. */
    private static final RunPolicy FAST = new RunPolicy(new RunLifecycle.Policy(60_000, 60_000), true);
    private static final RuleSet STALE_AFTER_5S = StreamHarness.annealGates(Map.of("stale_after", "5"));

    @TempDir
    Path stateDir;

    private StreamHarness harness(MeterRegistry registry) {
        return new StreamHarness(stateDir, new RuleSetHolder(STALE_AFTER_5S), new WatcherMetrics(registry),
                new StreamHarness.MutableClock(StreamHarness.START), WatcherTopics.defaults(), FAST);
    }

    @Test
    void anIdleRunEndsThenExpiresAndLeavesTheStoreTheChangelogAndTheRecommendationsTopic() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (StreamHarness h = harness(registry)) {
            h.send("run-a", healthy());
            h.advance(Duration.ofSeconds(6));
            assertThat(h.alerts.readValuesToList()).extracting(v -> field(v, "rule") + " " + field(v, "state"))
                    .containsExactly("stale_telemetry firing");
            assertThat(gauge(registry, WatcherMetrics.RUNS, "HOLD", "active")).isEqualTo(1);
            assertThat(registry.get(WatcherMetrics.ALERTS_FIRING).tag(WatcherMetrics.TAG_RULE, "stale_telemetry")
                    .gauge().value()).isEqualTo(1);

            h.advance(Duration.ofSeconds(60));
            String resolved = h.alerts.readValue();
            assertThat(resolved).contains("\"state\":\"resolved\"", "\"resolved_by\":\"run ended: idle for 1m\"");
            RunQueries queries = new RunQueries(h.store(), h.rules);
            assertThat(queries.run("run-a")).hasValueSatisfying(d -> {
                assertThat(d.status()).isEqualTo(RunStatus.ENDED);
                assertThat(d.endReason()).isEqualTo("run ended: idle for 1m");
            });
            assertThat(gauge(registry, WatcherMetrics.RUNS, "HOLD", "ended")).isEqualTo(1);
            assertThat(gauge(registry, WatcherMetrics.RUNS, "HOLD", "active")).isZero();
            assertThat(registry.get(WatcherMetrics.ALERTS_FIRING).tag(WatcherMetrics.TAG_RULE, "stale_telemetry")
                    .gauge().value()).isZero();
            h.recommendations.readRecordsToList();

            h.advance(Duration.ofSeconds(61));
            assertThat(h.store().get("run-a")).as("expired: deleted from the store").isNull();
            assertThat(h.changelog()).last().satisfies(e -> {
                assertThat(e.getKey()).isEqualTo("run-a");
                assertThat(e.getValue()).as("a tombstone").isNull();
            });
            assertThat(new RunQueries(h.store(), h.rules).runs()).isEmpty();
            TestRecord<String, String> tombstone = h.recommendations.readRecord();
            assertThat(tombstone.key()).isEqualTo("run-a");
            assertThat(tombstone.value()).as("runs.delete_recommendations").isNull();
            assertThat(gauge(registry, WatcherMetrics.RUNS, "HOLD", "ended")).isZero();
        }
    }

    @Test
    void anEndedRunRaisesNoStalenessAndARecordBringsItBack() {
        try (StreamHarness h = harness(new SimpleMeterRegistry())) {
            h.send("run-a", healthy());
            h.send("run-a", Telemetry.envelope("run-a", "{}").replace("\"data\"", "\"kind\": \"run_end\", \"data\""));
            h.advance(Duration.ofSeconds(30));
            assertThat(h.alerts.isEmpty()).as("no staleness for an ended run").isTrue();
            assertThat(new RunQueries(h.store(), h.rules).run("run-a").orElseThrow().status())
                    .isEqualTo(RunStatus.ENDED);
            h.send("run-a", healthy());
            assertThat(new RunQueries(h.store(), h.rules).run("run-a").orElseThrow().status())
                    .isEqualTo(RunStatus.ACTIVE);
        }
    }

    @Test
    void aCommandIsAuditedAndAMalformedOneIsADeadLetter() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (StreamHarness h = harness(registry)) {
            h.send("run-a", healthy());
            h.send("run-a", spike());
            assertThat(gauge(registry, WatcherMetrics.RUNS_LATCHED, "ROLLBACK", null)).isEqualTo(1);
            h.send("run-a", healthy());
            h.commands.pipeInput("run-a", "{\"command_id\": \"c-1\", \"type\": \"clear\", \"run_id\": \"run-a\", "
                    + "\"actor\": \"alice\", \"reason\": \"kl recovered\", \"issued_at\": \"2026-01-01T00:00:00Z\"}",
                    h.clock.millis());
            TestRecord<String, String> audit = h.audit.readRecord();
            assertThat(audit.key()).isEqualTo("run-a");
            assertThat(audit.value()).contains("\"outcome\":\"applied\"",
                    "\"detail\":\"ROLLBACK latch released; recommendation now PASS\"", "\"run_records\":3");
            assertThat(h.recommendations.readValuesToList()).last().satisfies(r -> assertThat(field(r, "action"))
                    .isEqualTo("PASS"));
            assertThat(gauge(registry, WatcherMetrics.RUNS_LATCHED, "ROLLBACK", null)).isZero();
            assertThat(registry.get(WatcherMetrics.COMMANDS).tag(WatcherMetrics.TAG_TYPE, "clear")
                    .tag(WatcherMetrics.TAG_OUTCOME, "applied").counter().count()).isEqualTo(1);
            assertThat(registry.get(WatcherMetrics.RECORDS_CONSUMED).counter().count())
                    .as("commands are not telemetry").isEqualTo(3);

            h.commands.pipeInput("run-a", "{\"type\": \"clear\"}", h.clock.millis());
            h.commands.pipeInput("run-b", "{\"command_id\": \"c-2\", \"type\": \"end\", \"run_id\": \"run-a\", "
                    + "\"actor\": \"alice\", \"reason\": \"done\", \"issued_at\": \"2026-01-01T00:00:00Z\"}",
                    h.clock.millis());
            assertThat(h.dlq.readRecordsToList()).extracting(r -> StreamHarness.headers(r))
                    .extracting(m -> m.get(WatcherTopics.HEADER_REASON_CATEGORY) + ": " + m.get(WatcherTopics.HEADER_REASON))
                    .containsExactly("bad_command: bad command: issued_at is required",
                            "bad_command: bad command: command c-2 for run \"run-a\" is keyed \"run-b\"; key a command "
                                    + "by its run_id (\"*\" for every run)");
            assertThat(h.audit.isEmpty()).isTrue();
        }
    }

    @Test
    void aSilenceOfEveryRunIsKeptInTheTasksStoreAndMarksEveryRunsAlerts() {
        try (StreamHarness h = harness(new SimpleMeterRegistry())) {
            h.commands.pipeInput("*", "{\"command_id\": \"s-1\", \"type\": \"silence\", \"run_id\": \"*\", "
                    + "\"actor\": \"bob\", \"reason\": \"drill\", \"issued_at\": \"2026-01-01T00:00:00Z\", "
                    + "\"silence\": {\"rule\": \"kl_gate\", \"duration\": \"1h\"}}", h.clock.millis());
            assertThat(field(h.audit.readValue(), "outcome")).isEqualTo("applied");
            byte[] stored = h.driver.<String, byte[]>getKeyValueStore(WatcherTopology.SILENCES_STORE)
                    .get(KeyValueSilenceStore.KEY);
            assertThat(TaskSilences.decode(stored).all()).as("in the task's silences store")
                    .extracting(s -> s.id()).containsExactly("s-1");
            h.send("run-a", healthy());
            h.send("run-a", spike());
            assertThat(h.alerts.readValuesToList()).filteredOn(v -> field(v, "rule").equals("kl_gate"))
                    .singleElement().satisfies(v -> assertThat(v).contains("\"silenced\":{\"silence_id\":\"s-1\""));
            assertThat(new RunQueries(h.store(), h.driver.getKeyValueStore(WatcherTopology.SILENCES_STORE), h.rules)
                    .run("run-a").orElseThrow().silences()).extracting(s -> s.id()).containsExactly("s-1");
        }
    }

    /** The value of a gauge, 0 when it was never registered. */
    private static double gauge(MeterRegistry registry, String name, String action, String status) {
        var search = registry.find(name).tag(WatcherMetrics.TAG_ACTION, action);
        if (status != null) {
            search = search.tag(WatcherMetrics.TAG_STATUS, status);
        }
        var g = search.gauge();
        return g == null ? 0 : g.value();
    }
}
