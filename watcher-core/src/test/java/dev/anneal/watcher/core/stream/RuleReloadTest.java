package dev.anneal.watcher.core.stream;

import static dev.anneal.watcher.core.stream.Telemetry.annealStage;
import static dev.anneal.watcher.core.stream.Telemetry.healthy;
import static dev.anneal.watcher.core.stream.Telemetry.spike;
import static dev.anneal.watcher.core.stream.WatcherTopologyTest.field;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.engine.RuleSet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rule reload swaps the rule set under a running topology: unchanged rules keep their state,
 * changed rules take effect at the next record, and latches survive.
 */
class RuleReloadTest {

    private static final RuleSet BEFORE = StreamHarness.annealGates();
    /** Only kl_gate changes (its threshold drops from 0.05 to 0.02); every other rule keeps its fingerprint. */
    private static final RuleSet AFTER = StreamHarness.annealGates(Map.of("kl_gate", "0.02"));

    @TempDir
    Path stateDir;

    @Test
    void aSwapKeepsTheStateOfUnchangedRulesAndAppliesTheChangedOnes() {
        RuleSetHolder holder = new RuleSetHolder(BEFORE);
        try (StreamHarness h = new StreamHarness(stateDir, holder, new WatcherMetrics(),
                new StreamHarness.MutableClock(StreamHarness.START))) {
            // First breaching anneal stage: loss_drift_rollback is pending (it needs two in a row).
            h.send("run-a", annealStage(0.2, 0.03));
            // run-b latches ROLLBACK before the reload.
            h.send("run-b", spike());
            h.send("run-b", healthy());
            assertThat(h.alerts.readValuesToList()).extracting(v -> field(v, "run_id")).containsOnly("run-b");
            h.recommendations.readRecordsToList();

            assertThat(holder.swap(AFTER)).isTrue();
            assertThat(holder.version()).isEqualTo(2);

            h.send("run-a", annealStage(0.2, 0.03));
            List<String> alerts = h.alerts.readValuesToList();
            assertThat(alerts).extracting(v -> field(v, "rule") + " " + field(v, "state")).containsExactly(
                    "loss_drift_rollback firing", "kl_gate firing");
            assertThat(alerts).allSatisfy(v -> assertThat(field(v, "rule_set")).isEqualTo(AFTER.digest()));
            assertThat(alerts.get(1)).contains("\"value\":0.03,\"threshold\":0.02");
            assertThat(field(h.recommendations.readValue(), "action")).isEqualTo("ROLLBACK");

            // A run the old rules never saw: one breaching stage is only pending.
            h.send("run-c", annealStage(0.2, 0.03));
            assertThat(h.alerts.readValuesToList()).extracting(v -> field(v, "rule")).containsExactly("kl_gate");
            assertThat(field(h.recommendations.readValue(), "action")).isEqualTo("HOLD");

            h.send("run-b", healthy());
            assertThat(h.recommendations.isEmpty()).as("run-b's latch survived the reload").isTrue();
            assertThat(new RunQueries(h.store(), holder).run("run-b").orElseThrow().latched()).hasToString("ROLLBACK");
        }
    }

    @Test
    void swappingInTheSameRulesIsNotANewVersion() {
        RuleSetHolder holder = new RuleSetHolder(BEFORE);
        assertThat(holder.swap(StreamHarness.annealGates())).isFalse();
        assertThat(holder.version()).isEqualTo(1);
        assertThat(holder.swap(AFTER)).isTrue();
        assertThat(holder.current().version()).isEqualTo(2);
        assertThat(holder.current().ruleSet()).isSameAs(AFTER);
    }
}
