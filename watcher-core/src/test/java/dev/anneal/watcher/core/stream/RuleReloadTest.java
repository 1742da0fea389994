package dev.anneal.watcher.core.stream;

import static dev.anneal.watcher.core.stream.Telemetry.annealStage;
import static dev.anneal.watcher.core.stream.Telemetry.healthy;
import static dev.anneal.watcher.core.stream.Telemetry.ppo;
import static dev.anneal.watcher.core.stream.Telemetry.spike;
import static dev.anneal.watcher.core.stream.WatcherTopologyTest.field;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.engine.RetiredRules;
import dev.anneal.watcher.rules.engine.RuleSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rule reload swaps the rule set under a running topology: unchanged rules keep their state,
 * changed rules take effect at the next record, latches survive, and the alerts of removed or
 * changed rules are resolved (once) when the task switches, at its next punctuation or record.
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

    /** kl 0.06 with a calm grad_norm: only kl_gate (HOLD, threshold 0.05) fires. */
    private static final String KL_HIGH = ppo(0.06, 1.0);
    /** grad_norm 2.6 with a calm kl: only grad_gate (HOLD) fires. */
    private static final String GRAD_HIGH = ppo(0.01, 2.6);
    private static final Duration PUNCTUATION = Duration.ofSeconds(1);

    private StreamHarness harness(RuleSetHolder holder) {
        return new StreamHarness(stateDir, holder, new WatcherMetrics(),
                new StreamHarness.MutableClock(StreamHarness.START));
    }

    private static String transition(String alert) {
        return field(alert, "run_id") + " " + field(alert, "rule") + " " + field(alert, "state");
    }

    @Test
    void aRemovedFiringRuleIsResolvedAtTheNextPunctuationAndItsHoldClears() {
        RuleSetHolder holder = new RuleSetHolder(BEFORE);
        try (StreamHarness h = harness(holder)) {
            h.send("run-a", KL_HIGH);
            String fired = h.alerts.readValue();
            assertThat(field(h.recommendations.readValue(), "action")).isEqualTo("HOLD");

            holder.swap(StreamHarness.annealGates(Map.of("kl_gate", "none")));
            h.advance(PUNCTUATION);

            List<String> alerts = h.alerts.readValuesToList();
            assertThat(alerts).extracting(RuleReloadTest::transition).containsExactly("run-a kl_gate resolved");
            String resolved = alerts.get(0);
            assertThat(field(resolved, "id")).isEqualTo(field(fired, "id"));
            assertThat(field(resolved, "severity")).isEqualTo(field(fired, "severity"));
            assertThat(field(resolved, "summary")).isEqualTo(field(fired, "summary"));
            assertThat(resolved).contains(RetiredRules.RESOLVED_BY);
            assertThat(field(h.recommendations.readValue(), "action")).isEqualTo("PASS");

            // The rule is gone: the same record no longer alerts, and nothing is resolved again.
            h.send("run-a", KL_HIGH);
            h.advance(PUNCTUATION);
            assertThat(h.alerts.isEmpty()).isTrue();
            assertThat(h.recommendations.isEmpty()).isTrue();
        }
    }

    @Test
    void aChangedRuleResolvesItsOldAlertAndFiresAgainUnderItsNewThresholdWhileAnUnchangedOneKeepsFiring() {
        RuleSetHolder holder = new RuleSetHolder(BEFORE);
        try (StreamHarness h = harness(holder)) {
            h.send("run-a", KL_HIGH);
            h.send("run-g", GRAD_HIGH);
            String fired = h.alerts.readValuesToList().get(0);
            h.recommendations.readRecordsToList();

            holder.swap(AFTER);
            h.advance(PUNCTUATION);
            List<String> alerts = h.alerts.readValuesToList();
            assertThat(alerts).extracting(RuleReloadTest::transition).as("grad_gate is unchanged: still firing")
                    .containsExactly("run-a kl_gate resolved");
            assertThat(field(alerts.get(0), "id")).isEqualTo(field(fired, "id"));
            assertThat(alerts.get(0)).contains("\"value\":0.06,\"threshold\":0.05");
            assertThat(h.recommendations.readValuesToList()).extracting(v -> field(v, "run_id") + " " + field(v, "action"))
                    .containsExactly("run-a PASS");

            h.send("run-a", ppo(0.03, 1.0));
            String refired = h.alerts.readValue();
            assertThat(transition(refired)).isEqualTo("run-a kl_gate firing");
            assertThat(field(refired, "id")).isNotEqualTo(field(fired, "id"));
            assertThat(refired).contains("\"value\":0.03,\"threshold\":0.02");
            assertThat(field(h.recommendations.readValue(), "action")).isEqualTo("HOLD");

            h.send("run-g", GRAD_HIGH);
            assertThat(h.alerts.isEmpty()).as("run-g's grad_gate kept its state: no new alert").isTrue();
            assertThat(h.recommendations.isEmpty()).isTrue();
        }
    }

    @Test
    void aLatchedRollbackStaysLatchedWhenTheRuleThatLatchedItIsRemoved() {
        RuleSetHolder holder = new RuleSetHolder(BEFORE);
        try (StreamHarness h = harness(holder)) {
            h.send("run-b", spike());
            assertThat(h.alerts.readValuesToList()).hasSize(3);
            assertThat(field(h.recommendations.readValue(), "action")).isEqualTo("ROLLBACK");

            holder.swap(StreamHarness.annealGates(Map.of("kl_rollback", "none")));
            h.advance(PUNCTUATION);

            List<String> resolved = h.alerts.readValuesToList();
            assertThat(resolved).extracting(RuleReloadTest::transition)
                    .containsExactly("run-b kl_grad_rollback resolved");
            // Its summary reads the record, which a reload does not have: left out, not rendered as an error.
            assertThat(resolved.get(0)).doesNotContain("<error").contains(RetiredRules.RESOLVED_BY, "runbook_url");
            assertThat(h.recommendations.readValue()).contains("\"action\":\"ROLLBACK\",\"latched\":true");
            h.send("run-b", healthy());
            h.alerts.readValuesToList();
            assertThat(h.recommendations.readValuesToList()).extracting(v -> field(v, "action"))
                    .containsOnly("ROLLBACK");
            assertThat(new RunQueries(h.store(), holder).run("run-b").orElseThrow().latched()).hasToString("ROLLBACK");
        }
    }

    @Test
    void aRemovedPendingRuleIsDroppedWithoutOutput() {
        RuleSetHolder holder = new RuleSetHolder(BEFORE);
        try (StreamHarness h = harness(holder)) {
            // One breaching anneal stage: loss_drift_rollback is pending (it needs two in a row).
            h.send("run-p", annealStage(0.2, 0.01));
            assertThat(h.alerts.isEmpty()).isTrue();
            h.recommendations.readRecordsToList();

            holder.swap(StreamHarness.annealGates(Map.of("loss_drift_max", "none")));
            h.advance(PUNCTUATION);
            h.send("run-p", annealStage(0.2, 0.01));

            assertThat(h.alerts.isEmpty()).isTrue();
            assertThat(h.recommendations.isEmpty()).isTrue();
            assertThat(h.metrics.registry().get(WatcherMetrics.ALERTS).tag(WatcherMetrics.TAG_RULE, "loss_drift_rollback")
                    .tag(WatcherMetrics.TAG_STATE, "inactive").counter().count()).isEqualTo(1);
        }
    }

    @Test
    void aReloadSeenFirstByARecordThenByAPunctuationResolvesOnce() {
        RuleSetHolder holder = new RuleSetHolder(BEFORE);
        try (StreamHarness h = harness(holder)) {
            h.send("run-a", KL_HIGH);
            h.send("run-z", KL_HIGH);
            h.alerts.readValuesToList();

            holder.swap(StreamHarness.annealGates(Map.of("kl_gate", "none")));
            // A record of run-a switches the task: both runs are settled then, not only run-a.
            h.send("run-a", healthy());
            h.advance(PUNCTUATION);
            h.send("run-z", healthy());
            h.advance(PUNCTUATION);

            assertThat(h.alerts.readValuesToList()).extracting(RuleReloadTest::transition)
                    .containsExactly("run-a kl_gate resolved", "run-z kl_gate resolved");
        }
    }

    @Test
    void aTaskReinitialisedAfterTheSwapStillResolvesFromTheHoldersRetiredRules() {
        // The first task ran the old rules and never saw the swap (its transaction aborted, say).
        List<Map.Entry<String, byte[]>> changelog;
        String fired;
        try (StreamHarness first = harness(new RuleSetHolder(BEFORE))) {
            first.send("run-a", KL_HIGH);
            fired = first.alerts.readValue();
            changelog = first.changelog();
        }
        RuleSetHolder holder = new RuleSetHolder(BEFORE);
        holder.swap(StreamHarness.annealGates(Map.of("kl_gate", "none")));
        // The task is re-created (version 0) under the new rules, its store restored from the changelog.
        try (StreamHarness second = harness(holder)) {
            changelog.forEach(e -> second.store().put(e.getKey(), e.getValue()));
            second.advance(PUNCTUATION);

            List<String> alerts = second.alerts.readValuesToList();
            assertThat(alerts).extracting(RuleReloadTest::transition).containsExactly("run-a kl_gate resolved");
            assertThat(field(alerts.get(0), "id")).isEqualTo(field(fired, "id"));
            assertThat(field(second.recommendations.readValue(), "action")).isEqualTo("PASS");
        }
    }

    @Test
    void aProcessStartedAfterARulesChangeCannotResolveTheOldAlertAndCountsItAsARuleError() {
        List<Map.Entry<String, byte[]>> changelog;
        try (StreamHarness first = harness(new RuleSetHolder(BEFORE))) {
            first.send("run-a", KL_HIGH);
            changelog = first.changelog();
        }
        // A fresh process that loads the edited rules has no record of the old kl_gate.
        try (StreamHarness second = harness(new RuleSetHolder(StreamHarness.annealGates(Map.of("kl_gate", "none"))))) {
            changelog.forEach(e -> second.store().put(e.getKey(), e.getValue()));
            second.advance(PUNCTUATION);

            assertThat(second.alerts.isEmpty()).isTrue();
            assertThat(second.metrics.registry().get(WatcherMetrics.RULE_ERRORS).tag(WatcherMetrics.TAG_RULE, "kl_gate")
                    .counter().count()).isEqualTo(1);
            assertThat(field(second.recommendations.readValue(), "action")).isEqualTo("PASS");
            second.advance(PUNCTUATION);
            assertThat(second.metrics.registry().get(WatcherMetrics.RULE_ERRORS).tag(WatcherMetrics.TAG_RULE, "kl_gate")
                    .counter().count()).as("reported once: the state was rewritten").isEqualTo(1);
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
        // kl_gate's old definition is retired; swapping back brings it back and retires the new one.
        assertThat(holder.current().retired().values()).extracting(r -> r.rule().id()).containsExactly("kl_gate");
        assertThat(holder.swap(BEFORE)).isTrue();
        assertThat(holder.current().retired().values()).extracting(r -> r.rule().id(), r -> r.ruleSet())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("kl_gate", AFTER));
        assertThat(holder.current().retired().keySet()).doesNotContainAnyElementsOf(
                BEFORE.rules().stream().map(r -> r.fingerprint()).toList());
    }
}
