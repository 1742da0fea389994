package dev.anneal.watcher.core.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.watcher.core.inject.Injector;
import dev.anneal.watcher.core.inject.Pacing;
import dev.anneal.watcher.core.inject.Scenario;
import dev.anneal.watcher.core.inject.ScenarioGenerator;
import dev.anneal.watcher.core.inject.SyntheticMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every built-in drill, injected through the daemon's real topology (test driver, wall clock
 * moved by the injector's pacing), leads to exactly what {@code watcher inject --list} promises;
 * every output it causes is marked synthetic and, with quarantine configured, lands only in the
 * quarantine topics. A non-synthetic run beside it still goes to the real topics.
 */
class InjectedScenariosTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final WatcherTopics QUARANTINED = WatcherTopics.defaults()
            .withQuarantine("drill.alerts", "drill.recommendations");

    @TempDir
    Path stateDir;

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void everyScenarioLeadsToWhatListPromisesAndStaysInQuarantine(Scenario scenario) throws Exception {
        try (StreamHarness h = harness(QUARANTINED)) {
            var quarantinedAlerts = h.driver.createOutputTopic("drill.alerts", STRINGS, STRINGS);
            var quarantinedRecs = h.driver.createOutputTopic("drill.recommendations", STRINGS, STRINGS);
            String run = "qa-" + scenario.id();
            List<SyntheticMessage> messages = new ScenarioGenerator().generate(scenario, run,
                    ScenarioGenerator.DEFAULT_COUNT);
            inject(h, messages);
            h.advance(Duration.ofSeconds(2)); // a punctuation after the last record: absence rules

            List<TestRecord<String, String>> recs = quarantinedRecs.readRecordsToList();
            assertThat(recs).as("recommendations of %s", scenario).isNotEmpty();
            for (TestRecord<String, String> r : recs) {
                assertThat(r.key()).isEqualTo(run);
                assertThat(json(r.value()).get("synthetic").asBoolean()).isTrue();
                assertThat(StreamHarness.headers(toBytes(r))).containsEntry(WatcherTopics.HEADER_SYNTHETIC, "true");
            }
            JsonNode last = json(recs.get(recs.size() - 1).value());
            assertThat(last.get("action").asText()).as("last recommendation of %s", scenario)
                    .isEqualTo(scenario.expected().name());

            List<String> firedRules = new ArrayList<>();
            for (TestRecord<String, String> a : quarantinedAlerts.readRecordsToList()) {
                JsonNode alert = json(a.value());
                assertThat(alert.get("synthetic").asBoolean()).as(a.value()).isTrue();
                if (alert.get("state").asText().equals("firing")) {
                    firedRules.add(alert.get("rule").asText());
                }
            }
            assertThat(firedRules).containsAll(scenario.rules());

            var deadLetters = h.dlq.readRecordsToList();
            assertThat(deadLetters).hasSize(scenario.deadLetters());
            for (var d : deadLetters) {
                assertThat(StreamHarness.headers(d)).containsEntry(WatcherTopics.HEADER_SYNTHETIC, "true");
            }
            assertThat(h.alerts.isEmpty()).as("nothing synthetic reaches the real alerts topic").isTrue();
            assertThat(h.recommendations.isEmpty()).as("nor the real recommendations topic").isTrue();
        }
    }

    @Test
    void withoutQuarantineSyntheticOutputsGoToTheRealTopicsMarked() throws Exception {
        try (StreamHarness h = harness(WatcherTopics.defaults())) {
            inject(h, new ScenarioGenerator().generate(Scenario.KL_GRAD_SPIKE, "qa-1", 12));
            h.send("real-run", Telemetry.healthy());
            List<TestRecord<String, String>> recs = h.recommendations.readRecordsToList();
            assertThat(recs).extracting(r -> r.key() + " " + json(r.value()).get("synthetic").asBoolean())
                    .contains("qa-1 true", "real-run false");
            assertThat(recs).filteredOn(r -> r.key().equals("real-run"))
                    .allSatisfy(r -> assertThat(r.headers().toArray()).isEmpty());
        }
    }

    @Test
    void realRecordsStayOnTheRealTopicsWhenQuarantineIsOn() throws Exception {
        try (StreamHarness h = harness(QUARANTINED)) {
            var quarantinedRecs = h.driver.createOutputTopic("drill.recommendations", STRINGS, STRINGS);
            h.send("real-run", Telemetry.ppo(0.07, 2.6));
            inject(h, new ScenarioGenerator().generate(Scenario.LOSS_FLAG_FLIP, "qa-2", 12));
            assertThat(h.recommendations.readRecordsToList()).extracting(TestRecord::key).containsOnly("real-run");
            assertThat(h.alerts.readRecordsToList()).extracting(TestRecord::key).containsOnly("real-run");
            assertThat(quarantinedRecs.readRecordsToList()).extracting(TestRecord::key).containsOnly("qa-2");
        }
    }

    @Test
    void aStalledDrillMarksItsSilenceAlertSynthetic() throws Exception {
        try (StreamHarness h = harness(WatcherTopics.defaults())) {
            inject(h, new ScenarioGenerator().generate(Scenario.TELEMETRY_STALL, "qa-3", 12));
            h.advance(Duration.ofSeconds(2));
            List<JsonNode> stale = h.alerts.readValuesToList().stream().map(InjectedScenariosTest::json)
                    .filter(a -> a.get("rule").asText().equals("stale_telemetry")).toList();
            assertThat(stale).isNotEmpty()
                    .allSatisfy(a -> assertThat(a.get("synthetic").asBoolean()).as(a.toString()).isTrue());
        }
    }

    private static final org.apache.kafka.common.serialization.StringDeserializer STRINGS =
            new org.apache.kafka.common.serialization.StringDeserializer();

    private StreamHarness harness(WatcherTopics topics) {
        return new StreamHarness(stateDir, new RuleSetHolder(StreamHarness.annealGates()), new WatcherMetrics(),
                new StreamHarness.MutableClock(StreamHarness.START), topics);
    }

    /** Injects at 2 records per second: the pacing's sleeps move the harness clock and fire punctuations. */
    private static void inject(StreamHarness h, List<SyntheticMessage> messages) throws Exception {
        Injector injector = new Injector(h.clock, millis -> h.advance(Duration.ofMillis(millis)));
        injector.inject(messages, new Pacing.Rate(2), (key, value, ts) -> {
            RecordHeaders headers = new RecordHeaders();
            headers.add(WatcherTopics.HEADER_SYNTHETIC, "true".getBytes(StandardCharsets.UTF_8));
            h.rawInput.pipeInput(new TestRecord<>(key.getBytes(StandardCharsets.UTF_8), value, headers,
                    java.time.Instant.ofEpochMilli(ts)));
        });
    }

    private static TestRecord<byte[], byte[]> toBytes(TestRecord<String, String> r) {
        return new TestRecord<>(r.key().getBytes(StandardCharsets.UTF_8), r.value().getBytes(StandardCharsets.UTF_8),
                r.headers(), r.timestamp());
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
