package dev.anneal.watcher.core.stream;

import static dev.anneal.watcher.core.stream.Telemetry.annealStage;
import static dev.anneal.watcher.core.stream.Telemetry.healthy;
import static dev.anneal.watcher.core.stream.Telemetry.spike;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.anneal.watcher.core.stream.RunQueries.ActiveAlert;
import dev.anneal.watcher.core.stream.RunQueries.RunDetail;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.Evidence;
import dev.anneal.watcher.rules.model.Severity;
import dev.anneal.watcher.rules.model.SourcePosition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The /api/runs views, read from the run-state store the topology writes. */
class RunQueriesTest {

    private static final RuleSet RULES = StreamHarness.annealGates();

    @TempDir
    Path stateDir;

    @Test
    void listsRunsAndShowsOneRunsRecommendationActiveAlertsAndEvidence() {
        try (StreamHarness h = new StreamHarness(stateDir, RULES)) {
            h.send("run-b", annealStage(0.2, 0.01));
            h.send("run-a", healthy());
            h.send("run-a", spike());
            h.store().put("corrupt", "not a state".getBytes(StandardCharsets.UTF_8));
            RunQueries queries = new RunQueries(h.store(), h.rules);

            assertThat(queries.runs()).extracting(r -> r.runId() + " " + r.action() + " " + r.activeAlerts())
                    .containsExactly("run-a ROLLBACK 3", "run-b PASS 1");

            RunDetail a = queries.run("run-a").orElseThrow();
            assertThat(a.recommendation().orElseThrow().action()).isEqualTo(Action.ROLLBACK);
            assertThat(a.latched()).isEqualTo(Action.ROLLBACK);
            assertThat(a.ruleSet()).isEqualTo(RULES.digest());
            SourcePosition spikeAt = SourcePosition.line("anneal.telemetry/0", 3);
            assertThat(a.activeAlerts()).extracting(ActiveAlert::rule)
                    .containsExactly("kl_grad_rollback", "kl_gate", "grad_gate");
            ActiveAlert rollback = a.activeAlerts().get(0);
            assertThat(rollback).isEqualTo(new ActiveAlert("kl_grad_rollback", rollback.alertId(), AlertState.FIRING,
                    Severity.CRITICAL, Action.ROLLBACK, 0.07, 0.05, spikeAt, spikeAt,
                    java.util.List.of("kl_grad_rollback: kl 0.07 > 0.05 with grad_norm 2.6 > 2.5")));
            assertThat(a.evidence()).extracting(Evidence::alertId).contains(rollback.alertId());

            ActiveAlert pending = queries.run("run-b").orElseThrow().activeAlerts().get(0);
            assertThat(pending.rule()).isEqualTo("loss_drift_rollback");
            assertThat(pending.state()).isEqualTo(AlertState.PENDING);
            assertThat(pending.value()).isCloseTo(0.2, within(1e-9));
            assertThat(pending.threshold()).isEqualTo(0.15);

            assertThat(queries.run("no-such-run")).isEmpty();
            assertThat(queries.run("corrupt")).isEmpty();
        }
    }
}
