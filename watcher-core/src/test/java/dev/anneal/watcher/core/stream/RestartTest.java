package dev.anneal.watcher.core.stream;

import static dev.anneal.watcher.core.stream.Telemetry.healthy;
import static dev.anneal.watcher.core.stream.Telemetry.spike;
import static dev.anneal.watcher.core.stream.WatcherTopologyTest.field;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.engine.RuleSet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon that stops and starts again carries on from its state: alerts keep their ids and
 * resolve instead of firing again, and latches hold.
 *
 * <p>{@code TopologyTestDriver.close()} deletes its state directory, so a second driver on the same
 * directory starts empty. The restart is therefore simulated the way Kafka Streams itself recovers
 * after a crash under exactly-once (which wipes the local store): the new task's store is filled
 * from the changelog the first one wrote. This checks that the changelog holds everything a run
 * needs, which is the property recovery depends on.
 */
class RestartTest {

    private static final RuleSet RULES = StreamHarness.annealGates();

    @TempDir
    Path stateDir;

    @Test
    void aRestartedDaemonResumesFromTheChangelog() {
        List<Map.Entry<String, byte[]>> changelog;
        String firingId;
        try (StreamHarness first = new StreamHarness(stateDir, RULES)) {
            first.send("run-a", healthy());
            first.send("run-a", spike());
            first.send("run-b", healthy());
            List<String> firing = first.alerts.readValuesToList();
            assertThat(firing).hasSize(3);
            firingId = field(firing.get(0), "id");
            changelog = first.changelog();
        }
        assertThat(changelog).extracting(Map.Entry::getKey).contains("run-a", "run-b");

        try (StreamHarness second = new StreamHarness(stateDir, RULES)) {
            KeyValueStore<String, byte[]> store = second.store();
            assertThat(store.approximateNumEntries()).as("the driver starts from an empty directory").isZero();
            changelog.forEach(e -> store.put(e.getKey(), e.getValue()));

            second.send("run-a", healthy());
            List<String> resolved = second.alerts.readValuesToList();
            assertThat(resolved).extracting(v -> field(v, "state") + " " + field(v, "rule")).containsExactly(
                    "resolved kl_grad_rollback", "resolved kl_gate", "resolved grad_gate");
            assertThat(field(resolved.get(0), "id")).as("the same alert, not a new one").isEqualTo(firingId);
            assertThat(second.recommendations.readValue()).contains("\"action\":\"ROLLBACK\",\"latched\":true");

            second.send("run-b", healthy());
            assertThat(second.recommendations.isEmpty()).as("run-b's PASS was already published").isTrue();
            assertThat(second.alerts.isEmpty()).isTrue();
        }
    }

    @Test
    void everyEvaluatedRecordIsWrittenToTheChangelogByTheNextCommit() {
        try (StreamHarness h = new StreamHarness(stateDir, RULES)) {
            h.send("run-a", healthy());
            h.send("run-a", spike());
            List<Map.Entry<String, byte[]>> changelog = h.changelog();
            assertThat(changelog).isNotEmpty();
            Map.Entry<String, byte[]> last = changelog.get(changelog.size() - 1);
            assertThat(last.getKey()).isEqualTo("run-a");
            assertThat(last.getValue()).isEqualTo(h.store().get("run-a"));
        }
    }
}
