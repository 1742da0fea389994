package dev.anneal.watcher.core.stream;

import static dev.anneal.watcher.core.stream.Telemetry.envelope;
import static dev.anneal.watcher.core.stream.Telemetry.healthy;
import static dev.anneal.watcher.core.stream.Telemetry.spike;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records without a key take the run id from the envelope, else the topic name (as replay takes
 * the file name); a blank key counts as no key.
 */
class KeylessRecordsTest {

    @TempDir
    Path stateDir;

    @Test
    void aKeylessEnvelopeNamesItsRun() {
        try (StreamHarness h = new StreamHarness(stateDir, StreamHarness.annealGates())) {
            h.send(null, envelope("run-x", healthy()));
            h.send(null, envelope("run-y", spike()));
            h.send(" ", envelope("run-x", spike()));

            assertThat(h.recommendations.readKeyValuesToList())
                    .extracting(kv -> kv.key + " " + WatcherTopologyTest.field(kv.value, "action"))
                    .containsExactly("run-x PASS", "run-y ROLLBACK", "run-x ROLLBACK");
            assertThat(h.store().get("run-x")).isNotNull();
            assertThat(h.store().get("run-y")).isNotNull();
            assertThat(h.dlq.isEmpty()).isTrue();
        }
    }

    @Test
    void aKeylessPlainRecordBelongsToTheTopicsRun() {
        try (StreamHarness h = new StreamHarness(stateDir, StreamHarness.annealGates())) {
            h.send(null, spike());
            assertThat(h.alerts.readKeyValue().key).isEqualTo(WatcherTopics.DEFAULT_INPUT);
            assertThat(h.recommendations.readValue()).contains("\"run_id\":\"anneal.telemetry\"");
        }
    }
}
