package dev.anneal.watcher.core.stream;

import static dev.anneal.watcher.core.stream.Telemetry.healthy;
import static dev.anneal.watcher.core.stream.WatcherTopologyTest.field;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.engine.RuleSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Absence rules (anneal-gates' stale_telemetry, here after 5 s) fire from the wall-clock
 * punctuator while a run is silent, and resolve on the run's next record. Records without an
 * envelope ts are timed by their Kafka timestamp.
 */
class AbsenceTest {

    private static final RuleSet STALE_AFTER_5S = StreamHarness.annealGates(Map.of("stale_after", "5"));

    @TempDir
    Path stateDir;

    @Test
    void aSilentRunGoesStaleOnTheWallClockAndRecoversOnItsNextRecord() {
        try (StreamHarness h = new StreamHarness(stateDir, STALE_AFTER_5S)) {
            h.send("run-a", healthy());
            h.send("run-b", healthy());
            h.recommendations.readRecordsToList();

            h.advance(Duration.ofSeconds(3));
            h.send("run-b", healthy());
            assertThat(h.alerts.isEmpty()).isTrue();

            h.advance(Duration.ofSeconds(3));
            TestRecord<String, String> stale = h.alerts.readRecord();
            assertThat(stale.key()).isEqualTo("run-a");
            assertThat(stale.timestamp()).isEqualTo(h.clock.millis());
            assertThat(stale.value()).contains("\"rule\":\"stale_telemetry\"", "\"state\":\"firing\"",
                    "\"value\":6.0,\"threshold\":5.0", "\"source\":\"anneal.telemetry/0:1\"");
            assertThat(h.alerts.isEmpty()).as("run-b was heard from 3 s ago").isTrue();
            String hold = h.recommendations.readValue();
            assertThat(field(hold, "action")).isEqualTo("HOLD");
            assertThat(hold).contains("stale_telemetry: no telemetry for 6 s (limit 5 s)");

            h.advance(Duration.ofSeconds(2));
            assertThat(h.alerts.readValuesToList()).as("run-a fires once; run-b is now stale too")
                    .extracting(v -> field(v, "run_id") + " " + field(v, "state"))
                    .containsExactly("run-b firing");
            h.recommendations.readRecordsToList();

            h.send("run-a", healthy());
            List<String> resolved = h.alerts.readValuesToList();
            assertThat(resolved).extracting(v -> field(v, "run_id") + " " + field(v, "rule") + " " + field(v, "state"))
                    .containsExactly("run-a stale_telemetry resolved");
            assertThat(field(h.recommendations.readValue(), "action")).isEqualTo("PASS");
        }
    }

    /** Without a punctuation in between, the record after the silence fires and resolves at once, as in replay. */
    @Test
    void theRecordAfterASilenceFiresAndResolvesTheAbsence() {
        try (StreamHarness h = new StreamHarness(stateDir, STALE_AFTER_5S)) {
            h.send("run-c", healthy());
            h.clock.advance(Duration.ofSeconds(10));
            h.send("run-c", healthy());
            assertThat(h.alerts.readValuesToList()).extracting(v -> field(v, "state") + " " + field(v, "rule"))
                    .containsExactly("firing stale_telemetry", "resolved stale_telemetry");
            assertThat(h.recommendations.readValuesToList()).extracting(v -> field(v, "action"))
                    .containsExactly("PASS", "HOLD", "PASS");
        }
    }

    @Test
    void withoutAbsenceRulesThePunctuatorDoesNothing() {
        RuleSet noAbsence = StreamHarness.annealGates(Map.of("stale_after", "none"));
        try (StreamHarness h = new StreamHarness(stateDir, noAbsence)) {
            h.send("run-a", healthy());
            h.recommendations.readRecordsToList();
            h.advance(Duration.ofHours(1));
            assertThat(h.alerts.isEmpty()).isTrue();
            assertThat(h.recommendations.isEmpty()).isTrue();
        }
    }
}
