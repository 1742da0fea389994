package dev.anneal.watcher.app.daemon;

import static dev.anneal.watcher.app.daemon.ItSupport.field;
import static dev.anneal.watcher.app.daemon.ItSupport.get;
import static dev.anneal.watcher.app.daemon.ItSupport.healthy;
import static dev.anneal.watcher.app.daemon.ItSupport.ppo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.app.config.WatcherConfig;
import dev.anneal.watcher.app.daemon.ItSupport.Names;
import dev.anneal.watcher.core.output.CommandJson;
import dev.anneal.watcher.core.stream.WatcherTopology;
import dev.anneal.watcher.rules.model.CommandType;
import dev.anneal.watcher.rules.model.OperatorCommand;
import dev.anneal.watcher.testkit.Await;
import dev.anneal.watcher.testkit.KafkaBroker;
import dev.anneal.watcher.testkit.KafkaTopics;
import dev.anneal.watcher.testkit.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run lifecycle and operator commands of {@link WatcherApp} against a real in-process broker:
 * an ended run never goes stale, an idle run ends and later expires (gone from the store, its
 * changelog, the recommendations topic and {@code /api/runs}), and a latched run is cleared by a
 * command on the commands topic, with its audit record.
 */
class RunLifecycleIT {

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.create();

    @TempDir
    Path stateDir;

    /** anneal-gates with {@code stale_after} (seconds, or none) and the {@code runs} settings. */
    private WatcherConfig config(Names names, String staleAfter, WatcherConfig.Runs runs) {
        WatcherConfig c = ItSupport.config(KAFKA, stateDir, names, List.of("anneal-gates"), false);
        return new WatcherConfig(c.kafka(), c.embedded(), c.topics(), c.streams(),
                new WatcherConfig.Rules(List.of("anneal-gates"), Map.of("stale_after", staleAfter), false), c.http(),
                c.log(), c.notifier(), runs);
    }

    /** {@code GET /api/runs/ID}, for a condition to poll (503 while the store is not queryable). */
    private static ItSupport.Response runResponse(String base, String runId) {
        try {
            return get(base + "/api/runs/" + runId);
        } catch (Exception e) {
            throw new AssertionError("GET /api/runs/" + runId + " failed", e);
        }
    }

    private static String runEnd(String runId) {
        return "{\"run_id\": \"" + runId + "\", \"kind\": \"run_end\", \"data\": {\"reason\": \"training done\"}}";
    }

    @Test
    void aRunThatEndedNeverGoesStale() throws Exception {
        Names names = Names.fresh("ended");
        WatcherApp app = ItSupport.startRunning(config(names, "2", WatcherConfig.Runs.DEFAULTS));
        try (TopicReader alerts = new TopicReader(KAFKA.bootstrapServers(), names.alerts())) {
            KafkaTopics.send(KAFKA.bootstrapServers(), names.input(), "run-ended", healthy(), runEnd("run-ended"));
            KafkaTopics.send(KAFKA.bootstrapServers(), names.input(), "run-live", healthy());
            // run-live, silent from the same moment, goes stale: the checks that would have made
            // run-ended stale too have run by then (runs end idle after the default 6h, not here).
            ConsumerRecord<byte[], byte[]> stale = alerts.await(1).get(0);
            assertThat(TopicReader.key(stale)).isEqualTo("run-live");
            assertThat(field(TopicReader.value(stale), "rule")).isEqualTo("stale_telemetry");
            assertThat(alerts.readToEnd()).extracting(TopicReader::key).doesNotContain("run-ended");
            assertThat(get(app.httpUrl() + "/api/runs/run-ended").body()).contains("\"status\":\"ended\"",
                    "\"end_reason\":\"run ended: run_end at " + names.input() + "/0:2 (training done)\"");
        } finally {
            app.stop();
        }
    }

    @Test
    void anIdleRunEndsThenExpiresAndIsGoneEverywhere() throws Exception {
        Names names = Names.fresh("idle");
        WatcherApp app = ItSupport.startRunning(config(names, "none",
                new WatcherConfig.Runs(Duration.ofSeconds(3), Duration.ofSeconds(3), true)));
        String base = app.httpUrl();
        try (TopicReader recommendations = new TopicReader(KAFKA.bootstrapServers(), names.recommendations())) {
            KafkaTopics.send(KAFKA.bootstrapServers(), names.input(), "run-idle", healthy());
            assertThat(field(TopicReader.value(recommendations.await(1).get(0)), "action")).isEqualTo("PASS");
            Await.until("run-idle ended idle", () -> runResponse(base, "run-idle").body()
                    .contains("\"end_reason\":\"run ended: idle for 3s\""));
            Await.until("run-idle expired from /api/runs", () -> runResponse(base, "run-idle").status() == 404);
            assertThat(get(base + "/api/runs").body()).doesNotContain("run-idle");

            ConsumerRecord<byte[], byte[]> tombstone = recommendations.await(2).get(1);
            assertThat(TopicReader.key(tombstone)).isEqualTo("run-idle");
            assertThat(tombstone.value()).as("runs.delete_recommendations: a tombstone").isNull();

            String changelog = names.applicationId() + "-" + WatcherTopology.STORE + "-changelog";
            try (TopicReader state = new TopicReader(KAFKA.bootstrapServers(), changelog,
                    IsolationLevel.READ_COMMITTED)) {
                List<ConsumerRecord<byte[], byte[]>> entries = state.readToEnd();
                assertThat(entries).extracting(TopicReader::key).contains("run-idle");
                assertThat(entries.get(entries.size() - 1).value()).as("the changelog's last word: a tombstone")
                        .isNull();
            }
        } finally {
            app.stop();
        }
    }

    @Test
    void aLatchedRunWhoseAlertsResolvedIsClearedWithAnAuditRecord() throws Exception {
        Names names = Names.fresh("clear");
        WatcherApp app = ItSupport.startRunning(config(names, "none", WatcherConfig.Runs.DEFAULTS));
        try (TopicReader recommendations = new TopicReader(KAFKA.bootstrapServers(), names.recommendations());
             TopicReader audit = new TopicReader(KAFKA.bootstrapServers(), names.audit())) {
            KafkaTopics.send(KAFKA.bootstrapServers(), names.input(), "run-a", healthy(), ppo(1.37, 0.07, 2.6),
                    healthy());
            assertThat(recommendations.await(3)).extracting(r -> field(TopicReader.value(r), "latched"))
                    .containsExactly("false", "false", "true");
            OperatorCommand clear = new OperatorCommand("c-1", CommandType.CLEAR, "run-a", "alice",
                    "kl and grad back to normal", Instant.now().toEpochMilli(), null, null, 0, null, false);
            KafkaTopics.send(KAFKA.bootstrapServers(), names.commands(), "run-a", CommandJson.toJson(clear));

            String record = TopicReader.value(audit.await(1).get(0));
            assertThat(field(record, "outcome")).isEqualTo("applied");
            assertThat(field(record, "detail")).isEqualTo("ROLLBACK latch released; recommendation now PASS");
            assertThat(field(record, "run_records")).isEqualTo("3");
            String cleared = TopicReader.value(recommendations.await(4).get(3));
            assertThat(field(cleared, "action") + " " + field(cleared, "latched")).isEqualTo("PASS false");
            assertThat(get(app.httpUrl() + "/api/runs/run-a").body()).contains("\"latched\":null",
                    "\"audit\":[{\"schema\":\"watcher.audit/v1\",\"command_id\":\"c-1\"");
        } finally {
            app.stop();
        }
    }
}
