package dev.anneal.watcher.core.stream;

import static dev.anneal.watcher.core.stream.Telemetry.envelope;
import static dev.anneal.watcher.core.stream.Telemetry.healthy;
import static dev.anneal.watcher.core.stream.Telemetry.spike;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.core.output.AlertJson;
import dev.anneal.watcher.core.output.RecommendationJson;
import dev.anneal.watcher.core.replay.Replay;
import dev.anneal.watcher.core.replay.ReplayListener;
import dev.anneal.watcher.core.replay.ReplayOptions;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.Recommendation;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's topology end to end under the test driver: healthy, spike, resolution, latch. */
class WatcherTopologyTest {

    private static final RuleSet RULES = StreamHarness.annealGates();

    @TempDir
    Path stateDir;

    private static List<String> stream(String run) {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        return List.of(
                envelope(run, t, healthy()),
                envelope(run, t.plusSeconds(10), spike()),
                envelope(run, t.plusSeconds(20), healthy()),
                envelope(run, t.plusSeconds(30), healthy()));
    }

    @Test
    void aSpikeFiresRollbackWhichResolvesAndStaysLatched() {
        try (StreamHarness h = new StreamHarness(stateDir, RULES)) {
            List<String> lines = stream("run-a");

            h.send("run-a", lines.get(0));
            assertThat(h.alerts.isEmpty()).isTrue();
            TestRecord<String, String> pass = h.recommendations.readRecord();
            assertThat(pass.key()).isEqualTo("run-a");
            assertThat(pass.value()).contains("\"action\":\"PASS\"");
            assertThat(pass.timestamp()).as("outputs carry the input's timestamp").isEqualTo(h.clock.millis());

            h.send("run-a", lines.get(1));
            List<TestRecord<String, String>> firing = h.alerts.readRecordsToList();
            assertThat(firing).extracting(TestRecord::key).containsOnly("run-a");
            assertThat(firing.get(0).value()).isEqualTo("{\"id\":\"22c37557c2b8fd96\","
                    + "\"rule\":\"kl_grad_rollback\",\"run_id\":\"run-a\",\"state\":\"firing\",\"severity\":\"critical\","
                    + "\"action\":\"ROLLBACK\",\"value\":0.07,\"threshold\":0.05,\"source\":\"anneal.telemetry/0:2\","
                    + "\"started_at\":\"anneal.telemetry/0:2\",\"event_time\":1767225610000,"
                    + "\"labels\":{\"action\":\"ROLLBACK\",\"alertname\":\"kl_grad_rollback\",\"pack\":\"anneal-gates\","
                    + "\"run_id\":\"run-a\",\"severity\":\"critical\"},"
                    + "\"annotations\":{\"summary\":\"kl_divergence 0.07 > 0.05 and grad_norm 2.6 > 2.5 in the same record\","
                    + "\"runbook_url\":\"docs/rules.md#kl_grad_rollback\"},\"synthetic\":false,"
                    + "\"rule_set\":\"" + RULES.digest() + "\",\"resolved_by\":null,\"acked\":null,\"silenced\":null}");
            assertThat(firing).extracting(r -> field(r.value(), "rule"))
                    .containsExactly("kl_grad_rollback", "kl_gate", "grad_gate");
            assertThat(firing).extracting(r -> field(r.value(), "state")).containsOnly("firing");
            String rollback = h.recommendations.readValue();
            assertThat(rollback).startsWith("{\"run_id\":\"run-a\",\"action\":\"ROLLBACK\",\"latched\":false,"
                    + "\"reasons\":[\"kl_grad_rollback: kl 0.07 > 0.05 with grad_norm 2.6 > 2.5\","
                    + "\"kl_gate: kl_divergence 0.07 > 0.05\",\"grad_gate: grad_norm 2.6 > 2.5\"],\"evidence\":[");

            h.send("run-a", lines.get(2));
            assertThat(h.alerts.readValuesToList()).extracting(v -> field(v, "state") + " " + field(v, "rule"))
                    .containsExactly("resolved kl_grad_rollback", "resolved kl_gate", "resolved grad_gate");
            assertThat(h.recommendations.readValue()).contains("\"action\":\"ROLLBACK\",\"latched\":true");

            h.send("run-a", lines.get(3));
            assertThat(h.alerts.isEmpty()).isTrue();
            assertThat(h.recommendations.isEmpty()).as("the latch holds: no change, nothing published").isTrue();
            assertThat(h.dlq.isEmpty()).isTrue();
        }
    }

    /**
     * With event times from the envelope and replay's source named like the partition, replay
     * and the daemon write the same bytes: the daemon publishes replay's alert and recommendation
     * lines.
     */
    @Test
    void publishesExactlyTheLinesReplayWrites() throws Exception {
        List<String> lines = stream("run-a");
        List<String> replayAlerts = new ArrayList<>();
        List<String> replayRecs = new ArrayList<>();
        Replay replay = new Replay(RULES, ReplayOptions.defaults(), new ReplayListener() {
            @Override
            public void alert(AlertEvent alert) {
                if (alert.state() == AlertState.FIRING || alert.state() == AlertState.RESOLVED) {
                    replayAlerts.add(AlertJson.toJson(alert));
                }
            }

            @Override
            public void recommendation(Recommendation recommendation) {
                replayRecs.add(RecommendationJson.toJson(recommendation));
            }
        });
        replay.replay("anneal.telemetry/0",
                new ByteArrayInputStream(String.join("\n", lines).getBytes(StandardCharsets.UTF_8)), "run-a");

        try (StreamHarness h = new StreamHarness(stateDir, RULES)) {
            lines.forEach(line -> h.send("run-a", line));
            assertThat(h.alerts.readValuesToList()).isEqualTo(replayAlerts).hasSize(6);
            assertThat(h.recommendations.readValuesToList()).isEqualTo(replayRecs).hasSize(3);
        }
    }

    @Test
    void runsAreKeptApartAndOutputsAreKeyedByRun() {
        try (StreamHarness h = new StreamHarness(stateDir, RULES)) {
            h.send("run-a", healthy());
            h.send("run-b", spike());
            h.send("run-a", healthy());
            assertThat(h.recommendations.readKeyValuesToList())
                    .extracting(kv -> kv.key + " " + field(kv.value, "action"))
                    .containsExactly("run-a PASS", "run-b ROLLBACK");
            assertThat(h.alerts.readKeyValuesToList()).extracting(kv -> kv.key).containsOnly("run-b");
        }
    }

    @Test
    void theTopologyReadsAsTheDataFlows() {
        TopologyDescription description = WatcherTopology.build(WatcherTopics.defaults(), new RuleSetHolder(RULES),
                Clock.systemUTC(), new WatcherMetrics()).describe();
        assertThat(description.subtopologies()).hasSize(1);
        TopologyDescription.Subtopology sub = description.subtopologies().iterator().next();
        List<String> sources = new ArrayList<>();
        TopologyDescription.Processor processor = null;
        List<String> sinks = new ArrayList<>();
        for (TopologyDescription.Node node : sub.nodes()) {
            if (node instanceof TopologyDescription.Source s) {
                sources.add(s.name() + " <- " + s.topicSet());
            } else if (node instanceof TopologyDescription.Processor p) {
                processor = p;
            } else if (node instanceof TopologyDescription.Sink k) {
                sinks.add(k.name() + " -> " + k.topic());
            }
        }
        assertThat(sources).containsExactlyInAnyOrder(WatcherTopology.SOURCE + " <- [anneal.telemetry]",
                WatcherTopology.COMMANDS_SOURCE + " <- [anneal.commands]");
        assertThat(processor.name()).isEqualTo(WatcherTopology.PROCESSOR);
        assertThat(processor.stores()).containsExactlyInAnyOrder(WatcherTopology.STORE, WatcherTopology.SILENCES_STORE);
        assertThat(processor.successors()).extracting(TopologyDescription.Node::name).containsExactlyInAnyOrder(
                WatcherTopology.ALERTS_SINK, WatcherTopology.RECOMMENDATIONS_SINK, WatcherTopology.DLQ_SINK,
                WatcherTopology.AUDIT_SINK);
        assertThat(sinks).containsExactlyInAnyOrder("alerts-sink -> anneal.alerts",
                "recommendations-sink -> anneal.recommendations", "dlq-sink -> anneal.telemetry.dlq",
                "audit-sink -> anneal.audit");
    }

    @Test
    void anInputPatternReadsEveryMatchingTopic() {
        WatcherTopics topics = WatcherTopics.defaults().withInputPattern(Pattern.compile("telemetry\\..*"));
        TopologyDescription.Source source = (TopologyDescription.Source) WatcherTopology.build(topics,
                        new RuleSetHolder(RULES), Clock.systemUTC(), new WatcherMetrics()).describe()
                .subtopologies().iterator().next().nodes().stream()
                .filter(n -> n.name().equals(WatcherTopology.SOURCE)).findFirst().orElseThrow();
        assertThat(source.topicPattern().pattern()).isEqualTo("telemetry\\..*");
    }

    @Test
    void aNonPositiveAbsenceIntervalIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WatcherTopology.build(WatcherTopics.defaults(),
                        new RuleSetHolder(RULES), Clock.systemUTC(), new WatcherMetrics(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the absence check interval must be positive, was PT0S");
    }

    static String field(String json, String name) {
        java.util.regex.Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }
}
