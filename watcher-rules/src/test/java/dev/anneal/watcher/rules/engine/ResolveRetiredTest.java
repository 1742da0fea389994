package dev.anneal.watcher.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.anneal.watcher.rules.EngineHarness;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.Severity;
import dev.anneal.watcher.rules.model.SourcePosition;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A rules reload removes or changes rules; the alerts they left open in a run's stored state are
 * closed by {@link RetiredRules#settle}: a firing alert with a RESOLVED carrying the retired
 * rule's own metadata, a pending one with INACTIVE (it was never published), and the run's
 * recommendation recomputed under the new rules.
 */
class ResolveRetiredTest {

    private static final long NOW = 1_800_000_000_000L;

    private static final String PACK = """
            pack: reload
            parameters:
              kl_max: {default: 0.5}
              kl_slow_max: {default: 0.8}
              grad_max: {default: 3.0}
            rules:
              - id: kl_high
                select: {kinds: [ppo]}
                condition: kl_divergence > params.kl_max
                value: kl_divergence
                threshold: params.kl_max
                severity: warning
                action: HOLD
                labels: {team: ml}
                annotations:
                  summary: "kl_divergence {{ alert.value }} above {{ params.kl_max }}"
              - id: kl_slow
                select: {kinds: [ppo]}
                condition: kl_divergence > params.kl_slow_max
                for: 3
                action: FREEZE
              - id: grad_roll
                select: {kinds: [ppo]}
                condition: grad_norm > params.grad_max
                severity: critical
                action: ROLLBACK
            """;

    /** The run after one record with kl 0.9 (kl_high firing, kl_slow pending) and the given grad_norm. */
    private static EngineHarness before(double grad) throws Exception {
        EngineHarness h = EngineHarness.of(PACK);
        h.feed(RecordKind.PPO, "kl_divergence", 0.9, "grad_norm", grad);
        return h;
    }

    /** The run's state as the daemon would find it after swapping to {@code after}: stored, then decoded anew. */
    private static RunState reloaded(EngineHarness h, RuleSet after) {
        return new RunStateCodec(after).decode(new RunStateCodec(h.ruleSet()).encode(h.runState()));
    }

    /** The retired rules of a swap from {@code before} to {@code after}, by fingerprint. */
    private static Map<String, RetiredRule> retired(RuleSet before, RuleSet after) {
        Map<String, RetiredRule> out = new HashMap<>();
        before.rules().forEach(r -> out.put(r.fingerprint(), new RetiredRule(r, before)));
        after.rules().forEach(r -> out.remove(r.fingerprint()));
        return out;
    }

    private static AlertEvent firing(EngineHarness h, String rule) {
        return h.alerts().stream().filter(a -> a.rule().equals(rule) && a.state() == AlertState.FIRING)
                .findFirst().orElseThrow();
    }

    @Test
    void aRemovedFiringRuleResolvesItsAlertWithItsOwnMetadataAndTheHoldClears() throws Exception {
        EngineHarness h = before(1.0);
        AlertEvent fired = firing(h, "kl_high");
        assertThat(h.lastRecommendation().action()).isEqualTo(Action.HOLD);
        RuleSet after = EngineHarness.compile(PACK, Map.of("kl_max", "none"));
        RunState run = reloaded(h, after);
        assertThat(run.hasRetiredAlerts()).isTrue();

        Step step = new RetiredRules(after).settle(run, retired(h.ruleSet(), after)::get, NOW);

        assertThat(step.alerts()).hasSize(1);
        AlertEvent resolved = step.alerts().get(0);
        assertThat(resolved.state()).isEqualTo(AlertState.RESOLVED);
        assertThat(resolved.id()).isEqualTo(fired.id());
        assertThat(resolved.labels()).isEqualTo(fired.labels()).containsEntry("team", "ml");
        assertThat(resolved.severity()).isEqualTo(Severity.WARNING);
        assertThat(resolved.action()).isEqualTo(Action.HOLD);
        assertThat(resolved.value()).isEqualTo(0.9);
        assertThat(resolved.threshold()).isEqualTo(0.5);
        assertThat(resolved.startedAt()).isEqualTo(fired.startedAt());
        assertThat(resolved.eventTime()).isEqualTo(NOW);
        assertThat(resolved.ruleSetDigest()).isEqualTo(after.digest());
        assertThat(resolved.annotations()).containsEntry("summary", fired.annotations().get("summary"))
                .containsKey(RetiredRules.RESOLVED_BY);
        assertThat(resolved.annotations().get(RetiredRules.RESOLVED_BY)).contains("kl_high", after.digest());
        // kl_slow is only pending under the new rules: nothing holds the run any more.
        assertThat(step.recommendation().orElseThrow().action()).isEqualTo(Action.PASS);
        assertThat(step.errors()).isEmpty();
    }

    @Test
    void settlingIsIdempotent() throws Exception {
        EngineHarness h = before(1.0);
        RuleSet after = EngineHarness.compile(PACK, Map.of("kl_max", "none"));
        RunState run = reloaded(h, after);
        RetiredRules settler = new RetiredRules(after);
        assertThat(settler.settle(run, retired(h.ruleSet(), after)::get, NOW).isEmpty()).isFalse();

        assertThat(settler.settle(run, retired(h.ruleSet(), after)::get, NOW + 1)).isEqualTo(Step.EMPTY);
        RunState stored = new RunStateCodec(after).decode(new RunStateCodec(after).encode(run));
        assertThat(stored.hasRetiredAlerts()).as("the state written back has no retired rules").isFalse();
        assertThat(settler.settle(stored, retired(h.ruleSet(), after)::get, NOW + 2)).isEqualTo(Step.EMPTY);
    }

    @Test
    void aChangedRuleResolvesTheOldAlertAndCanFireAgainUnderItsNewDefinition() throws Exception {
        EngineHarness h = before(1.0);
        AlertEvent fired = firing(h, "kl_high");
        RuleSet after = EngineHarness.compile(PACK, Map.of("kl_max", "0.7"));
        RunState run = reloaded(h, after);
        Engine engine = new Engine(after);

        Step step = new RetiredRules(after).settle(run, retired(h.ruleSet(), after)::get, NOW);
        assertThat(step.alerts()).extracting(AlertEvent::id, AlertEvent::state, AlertEvent::threshold)
                .containsExactly(tuple(fired.id(), AlertState.RESOLVED, 0.5));
        // kl_slow is unchanged (same fingerprint): it is still pending and was not touched.
        assertThat(run.rule(1).state()).isEqualTo(AlertState.PENDING);

        Step again = engine.process(run, new TelemetryRecord(EngineHarness.RUN, RecordKind.PPO,
                SourcePosition.line(EngineHarness.SOURCE, 2), 2, false, false,
                EngineHarness.fields("kl_divergence", 0.9, "grad_norm", 1.0)));
        AlertEvent refired = again.alerts().stream().filter(a -> a.rule().equals("kl_high")).findFirst().orElseThrow();
        assertThat(refired.state()).isEqualTo(AlertState.FIRING);
        assertThat(refired.id()).isNotEqualTo(fired.id());
        assertThat(refired.threshold()).isEqualTo(0.7);
    }

    @Test
    void aRemovedPendingRuleOnlyGoesInactiveAndTheRecommendationStays() throws Exception {
        EngineHarness h = before(1.0);
        RuleSet after = EngineHarness.compile(PACK, Map.of("kl_slow_max", "none"));
        RunState run = reloaded(h, after);

        Step step = new RetiredRules(after).settle(run, retired(h.ruleSet(), after)::get, NOW);

        assertThat(step.alerts()).extracting(AlertEvent::rule, AlertEvent::state)
                .containsExactly(tuple("kl_slow", AlertState.INACTIVE));
        assertThat(step.recommendations()).as("kl_high still holds the run").isEmpty();
    }

    @Test
    void aLatchedRollbackStaysLatchedWhenTheRuleThatLatchedItIsRemoved() throws Exception {
        EngineHarness h = before(5.0);
        assertThat(h.lastRecommendation().action()).isEqualTo(Action.ROLLBACK);
        RuleSet after = EngineHarness.compile(PACK, Map.of("grad_max", "none"));
        RunState run = reloaded(h, after);

        Step step = new RetiredRules(after).settle(run, retired(h.ruleSet(), after)::get, NOW);

        assertThat(step.alerts()).extracting(AlertEvent::rule, AlertEvent::state)
                .containsExactly(tuple("grad_roll", AlertState.RESOLVED));
        assertThat(step.recommendation().orElseThrow().action()).isEqualTo(Action.ROLLBACK);
        assertThat(step.recommendation().orElseThrow().latched()).isTrue();
        assertThat(run.latched()).isEqualTo(Action.ROLLBACK);
    }

    @Test
    void aFiringAlertOfAnUnknownRetiredRuleIsReportedNotDropped() throws Exception {
        EngineHarness h = before(1.0);
        AlertEvent fired = firing(h, "kl_high");
        RuleSet after = EngineHarness.compile(PACK, Map.of("kl_max", "none", "kl_slow_max", "none"));
        RunState run = reloaded(h, after);

        Step step = new RetiredRules(after).settle(run, fingerprint -> null, NOW);

        assertThat(step.alerts()).isEmpty();
        assertThat(step.errors()).extracting(RuleError::rule).containsExactly("kl_high");
        assertThat(step.errors().get(0).message()).contains(fired.id(), "cannot be resolved");
        assertThat(step.recommendation().orElseThrow().action()).isEqualTo(Action.PASS);
        assertThat(run.hasRetiredAlerts()).isFalse();
    }

    @Test
    void aStateStoredAsJsonByAnEarlierVersionSetsItsRetiredAlertsAsideToo() throws Exception {
        RuleSet before = EngineHarness.compile(PACK);
        RuleSet after = EngineHarness.compile(PACK, Map.of("kl_max", "none"));
        String fp = before.rules().get(0).fingerprint();
        String json = "{\"version\":1,\"runId\":\"run-1\",\"rules\":{\"kl_high\":{\"fp\":\"" + fp + "\","
                + "\"state\":\"FIRING\",\"alertId\":\"0123456789abcdef\","
                + "\"startedAt\":{\"source\":\"t.jsonl\",\"line\":1,\"index\":-1},"
                + "\"lastSource\":{\"source\":\"t.jsonl\",\"line\":1,\"index\":-1},"
                + "\"matchCount\":1,\"lastValue\":0.9,\"lastThreshold\":0.5,\"reasons\":[],\"windows\":[]}}}";
        RunState run = new RunStateCodec(after).decode(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(run.hasRetiredAlerts()).isTrue();

        Step step = new RetiredRules(after).settle(run, retired(before, after)::get, NOW);

        assertThat(step.alerts()).extracting(AlertEvent::id, AlertEvent::state, AlertEvent::value)
                .containsExactly(tuple("0123456789abcdef", AlertState.RESOLVED, 0.9));
    }
}
