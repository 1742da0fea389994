package dev.anneal.watcher.app.daemon;

import static dev.anneal.watcher.app.daemon.ItSupport.field;
import static dev.anneal.watcher.app.daemon.ItSupport.get;
import static dev.anneal.watcher.app.daemon.ItSupport.healthy;
import static dev.anneal.watcher.app.daemon.ItSupport.ppo;
import static dev.anneal.watcher.testkit.TopicReader.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.app.config.WatcherConfig;
import dev.anneal.watcher.app.daemon.ItSupport.CapturedLogs;
import dev.anneal.watcher.app.daemon.ItSupport.Names;
import dev.anneal.watcher.core.stream.WatcherTopics;
import dev.anneal.watcher.testkit.Await;
import dev.anneal.watcher.testkit.KafkaBroker;
import dev.anneal.watcher.testkit.KafkaTopics;
import dev.anneal.watcher.testkit.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WatcherApp} end to end against a real in-process broker (one for the whole class):
 * telemetry in, alerts, recommendations and dead letters out (read with read_committed), the HTTP
 * endpoints, and each alert transition and recommendation change logged once.
 */
class WatcherAppIT {

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.create();

    @TempDir
    Path stateDir;

    private WatcherConfig config(Names names) {
        return ItSupport.config(KAFKA, stateDir, names, List.of("anneal-gates"), false);
    }

    @Test
    void telemetryInAlertsAndRecommendationsOutServedOverHttpAndLoggedOnce() throws Exception {
        Names names = Names.fresh("e2e");
        try (CapturedLogs logs = new CapturedLogs()) {
            WatcherApp app = ItSupport.startRunning(config(names));
            try (TopicReader alerts = new TopicReader(KAFKA.bootstrapServers(), names.alerts());
                 TopicReader recommendations = new TopicReader(KAFKA.bootstrapServers(), names.recommendations())) {
                // healthy -> PASS; kl and grad spike together -> ROLLBACK (3 alerts fire); healthy -> all
                // three resolve and the ROLLBACK latches.
                KafkaTopics.send(KAFKA.bootstrapServers(), names.input(), "run-a", healthy(), ppo(1.37, 0.07, 2.6),
                        healthy());

                List<String> alertValues = alerts.await(6).stream().map(TopicReader::value).toList();
                assertThat(alertValues).extracting(v -> field(v, "rule") + " " + field(v, "state")).containsExactly(
                        "kl_grad_rollback firing", "kl_gate firing", "grad_gate firing",
                        "kl_grad_rollback resolved", "kl_gate resolved", "grad_gate resolved");
                assertThat(alertValues).allSatisfy(v -> {
                    assertThat(field(v, "run_id")).isEqualTo("run-a");
                    assertThat(field(v, "rule_set")).isEqualTo(app.rules().ruleSet().digest());
                });
                assertThat(field(alertValues.get(0), "source")).isEqualTo(names.input() + "/0:2");

                List<ConsumerRecord<byte[], byte[]>> recs = recommendations.await(3);
                assertThat(recs).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsOnly("run-a");
                assertThat(recs).extracting(r -> field(value(r), "action") + " " + field(value(r), "latched"))
                        .containsExactly("PASS false", "ROLLBACK false", "ROLLBACK true");

                // HTTP
                String base = app.httpUrl();
                assertThat(get(base + "/healthz").status()).isEqualTo(200);
                ItSupport.Response ready = get(base + "/readyz");
                assertThat(ready.status()).isEqualTo(200);
                assertThat(ready.body()).contains("RUNNING");

                ItSupport.Response metrics = get(base + "/metrics");
                assertThat(metrics.status()).isEqualTo(200);
                assertThat(metrics.contentType()).startsWith("text/plain");
                assertThat(metrics.body())
                        .contains("watcher_records_consumed_total 3.0")
                        .contains("watcher_records_accepted_total 3.0")
                        .contains("watcher_rule_evaluations_total")
                        .contains("watcher_alerts_total{rule=\"kl_grad_rollback\",severity=\"critical\",state=\"firing\","
                                + "synthetic=\"false\"} 1.0")
                        .contains("watcher_recommendations_total{action=\"ROLLBACK\",synthetic=\"false\"} 2.0")
                        .contains("watcher_build_info{java=\"" + System.getProperty("java.version") + "\",version=\"")
                        .contains("watcher_rule_set_info{digest=\"" + app.rules().ruleSet().digest() + "\",packs=\"")
                        .contains("watcher_event_to_output_seconds_bucket")
                        .contains("kafka_stream_")
                        .contains("jvm_memory_used_bytes");
                // Every watcher meter has HELP text (its description).
                List<String> families = metrics.body().lines().filter(l -> l.startsWith("# TYPE watcher_"))
                        .map(l -> l.split(" ")[2]).toList();
                assertThat(families).contains("watcher_build_info", "watcher_rule_set_info");
                for (String family : families) {
                    assertThat(metrics.body()).as("HELP of " + family).containsPattern("(?m)^# HELP " + family + " \\S");
                }

                ItSupport.Response runs = get(base + "/api/runs");
                assertThat(runs.status()).isEqualTo(200);
                assertThat(runs.contentType()).isEqualTo("application/json");
                assertThat(runs.body()).contains("\"run_id\":\"run-a\",\"action\":\"ROLLBACK\",\"latched\":true");

                ItSupport.Response run = get(base + "/api/runs/run-a");
                assertThat(run.status()).isEqualTo(200);
                assertThat(field(run.body(), "latched")).isEqualTo("ROLLBACK");
                assertThat(run.body()).contains("\"evidence\":[{\"rule\":\"kl_grad_rollback\"");

                assertThat(get(base + "/api/runs/no-such-run").status()).isEqualTo(404);
                assertThat(ItSupport.request("POST", base + "/api/runs").status()).isEqualTo(405);
                assertThat(get(base + "/nope").status()).isEqualTo(404);

                // Each transition and change logged once (the output log reads committed outputs). A
                // record of another run after them is a marker: the output log reads each (one-partition)
                // topic in order, so once it has logged the marker's outputs it has logged every output
                // of run-a it ever will.
                KafkaTopics.send(KAFKA.bootstrapServers(), names.input(), "run-z", ppo(1.37, 0.07, 1.0));
                Await.until("the output log has logged the marker's alert and recommendation",
                        () -> logs.messages("dev.anneal.watcher.alerts").stream().anyMatch(m -> m.contains("run-z"))
                                && logs.messages("dev.anneal.watcher.recommendations").stream()
                                        .anyMatch(m -> m.contains("run-z")));
                assertThat(ofRunA(logs.messages("dev.anneal.watcher.alerts"))).hasSize(6)
                        .first().asString().startsWith("alert kl_grad_rollback firing for run run-a: ROLLBACK (critical)");
                assertThat(ofRunA(logs.messages("dev.anneal.watcher.recommendations"))).containsExactly(
                        "recommendation for run run-a: PASS at " + names.input() + "/0:1",
                        "recommendation for run run-a: ROLLBACK because kl_grad_rollback: kl 0.07 > 0.05 with "
                                + "grad_norm 2.6 > 2.5; kl_gate: kl_divergence 0.07 > 0.05; grad_gate: grad_norm "
                                + "2.6 > 2.5 at " + names.input() + "/0:2",
                        "recommendation for run run-a: ROLLBACK (latched) because kl_grad_rollback: kl 0.07 > 0.05 "
                                + "with grad_norm 2.6 > 2.5 at " + names.input() + "/0:3");
            } finally {
                app.stop();
            }
            assertThat(app.phase()).isEqualTo(WatcherApp.Phase.STOPPED);
            assertThat(app.failure()).isEmpty();
        }
    }

    @Test
    void rejectedRecordsGoToTheDeadLetterTopicUnchangedWithHeadersSayingWhy() throws Exception {
        Names names = Names.fresh("dlq");
        WatcherApp app = ItSupport.startRunning(config(names));
        try (TopicReader dlq = new TopicReader(KAFKA.bootstrapServers(), names.dlq());
             TopicReader recommendations = new TopicReader(KAFKA.bootstrapServers(), names.recommendations())) {
            KafkaTopics.send(KAFKA.bootstrapServers(), names.input(), "run-b", "this is not json", healthy(),
                    "{\"epoch\": 2.0}");

            List<ConsumerRecord<byte[], byte[]>> dead = dlq.await(2);
            assertThat(dead).hasSize(2);
            ConsumerRecord<byte[], byte[]> first = dead.get(0);
            assertThat(new String(first.key(), StandardCharsets.UTF_8)).isEqualTo("run-b");
            assertThat(new String(first.value(), StandardCharsets.UTF_8)).isEqualTo("this is not json");
            Map<String, String> headers = headers(first);
            assertThat(headers).containsEntry(WatcherTopics.HEADER_SOURCE_TOPIC, names.input())
                    .containsEntry(WatcherTopics.HEADER_SOURCE_PARTITION, "0")
                    .containsEntry(WatcherTopics.HEADER_SOURCE_OFFSET, "0")
                    .containsEntry(WatcherTopics.HEADER_POSITION, names.input() + "/0:1")
                    .containsKeys(WatcherTopics.HEADER_REASON, WatcherTopics.HEADER_REASON_CATEGORY);
            assertThat(headers.get(WatcherTopics.HEADER_REASON)).isNotBlank();

            Map<String, String> second = headers(dead.get(1));
            assertThat(second).containsEntry(WatcherTopics.HEADER_SOURCE_OFFSET, "2");
            assertThat(new String(dead.get(1).value(), StandardCharsets.UTF_8)).isEqualTo("{\"epoch\": 2.0}");

            // The good record in between was evaluated as usual.
            assertThat(recommendations.await(1)).extracting(r -> field(value(r), "action")).containsExactly("PASS");

            String metrics = get(app.httpUrl() + "/metrics").body();
            assertThat(metrics).contains("watcher_records_consumed_total 3.0")
                    .contains("watcher_records_rejected_total{reason=\"" + headers.get(WatcherTopics.HEADER_REASON_CATEGORY)
                            + "\"}");
        } finally {
            app.stop();
        }
    }

    private static List<String> ofRunA(List<String> logLines) {
        return logLines.stream().filter(m -> m.contains(" for run run-a: ")).toList();
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> r) {
        Map<String, String> out = new HashMap<>();
        for (Header h : r.headers()) {
            out.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        return out;
    }
}
