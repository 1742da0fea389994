package dev.anneal.watcher.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.EngineHarness;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.load.RuleFileLoader;
import dev.anneal.watcher.rules.load.RuleSetCompiler;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.SourcePosition;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine is a function of its input: the same records (and clock advances) through two fresh
 * engines, each from its own compilation of the same packs, give equal alert and recommendation
 * lists, down to their string form.
 */
class DeterminismTest {

    static final long T0 = 1_700_000_000_000L;

    static final String PACK = """
            pack: everything
            parameters:
              grad_max: {default: 2.5, description: grad limit}
            derive:
              is_rollout: "data_mode == 'rollout'"
            promotion:
              select: {kinds: [rehearsal]}
              condition: status_field == 'PASS'
              consecutive: 2
            rules:
              - id: grad_mean_high
                select: {kinds: [ppo], where: is_rollout}
                windows:
                  g: {fn: mean, of: grad_norm, last: 3}
                  v: {fn: variance, of: grad_norm, span: 5m}
                condition: window.g > params.grad_max || window.v > 4.0
                value: window.g
                threshold: params.grad_max
                for: 2
                keep_firing_for: 1
                action: HOLD
                annotations:
                  summary: "grad mean {{ alert.value }} over {{ alert.threshold }} ({{ window.v }})"
              - id: loss_drift
                select: {kinds: [ppo], present: [anneal_loss_baseline]}
                baseline: anneal_loss_baseline
                band: {of: loss_total, below: 0.1, above: 0.1}
                for: 3m
                action: FREEZE
              - id: kl_spike
                select: {kinds: [ppo]}
                windows:
                  k: {fn: count, of: kl_divergence > 0.05, last: 4}
                condition: window.k >= 3.0
                action: ROLLBACK
              - id: silent
                select: {kinds: [ppo]}
                absent: 7m
                action: HOLD
            """;

    static RuleSet freshRuleSet() throws Exception {
        return RuleSetCompiler.compile(List.of(
                RuleFileLoader.load("everything.yaml", PACK),
                BuiltinPacks.load("townlet-watch")), Map.of("kl_threshold", "0.2", "grad_threshold", "3.0"));
    }

    /** A stream of records and clock advances (null record = advance to its time). */
    record Input(TelemetryRecord record, long advanceTo) {
    }

    static List<Input> inputs(long seed) {
        Random rnd = new Random(seed);
        List<Input> out = new ArrayList<>();
        long t = T0;
        String[] runs = {"run-a", "run-b", "run-c"};
        for (int i = 0; i < 800; i++) {
            t += rnd.nextInt(4) * 60_000L + rnd.nextInt(1000);
            if (rnd.nextInt(10) == 0) {
                out.add(new Input(null, t));
                continue;
            }
            String run = runs[rnd.nextInt(runs.length)];
            SourcePosition pos = SourcePosition.line("s.jsonl", i + 1);
            boolean timed = rnd.nextInt(5) != 0;
            long time = timed ? t : i;
            if (rnd.nextInt(8) == 0) {
                out.add(new Input(new TelemetryRecord(run, RecordKind.REHEARSAL, pos, time, timed, false,
                        EngineHarness.fields("status_field", rnd.nextInt(4) == 0 ? "HOLD" : "PASS")), 0));
                continue;
            }
            Map<String, Object> f = EngineHarness.fields(
                    "epoch", i, "loss_total", 1.0 + rnd.nextGaussian() * 0.15,
                    "kl_divergence", Math.abs(rnd.nextGaussian() * 0.08),
                    "grad_norm", Math.abs(rnd.nextGaussian() * 2.5),
                    "batch_entropy_mean", rnd.nextGaussian(), "reward_advantage_corr", rnd.nextGaussian(),
                    "log_stream_offset", i, "queue_conflict_events", rnd.nextInt(40),
                    "queue_conflict_intensity_sum", rnd.nextInt(60), "shared_meal_events", rnd.nextInt(3),
                    "late_help_events", rnd.nextInt(3), "shift_takeover_events", rnd.nextInt(3),
                    "chat_success_events", rnd.nextInt(5), "chat_failure_events", rnd.nextInt(5),
                    "chat_quality_mean", rnd.nextDouble(),
                    "data_mode", rnd.nextBoolean() ? "rollout" : "replay",
                    "anneal_stage", rnd.nextInt(3) == 0 ? "ppo" : "",
                    "anneal_bc_accuracy", rnd.nextInt(4) == 0 ? null : 0.8 + rnd.nextDouble() * 0.2,
                    "anneal_loss_baseline", rnd.nextInt(4) == 0 ? null : rnd.nextBoolean() ? 1.0 : -1.0,
                    "anneal_queue_baseline", rnd.nextInt(40));
            if (rnd.nextInt(10) == 0) {
                f.remove("grad_norm"); // rejected before the engine: the rejection is part of the output
            }
            out.add(new Input(new TelemetryRecord(run, RecordKind.PPO, pos, time, timed, rnd.nextInt(20) == 0, f), 0));
        }
        return out;
    }

    static List<Object> run(RuleSet rs, List<Input> inputs) {
        EngineHarness engine = EngineHarness.of(rs);
        List<Object> events = new ArrayList<>();
        for (Input in : inputs) {
            if (in.record() != null) {
                var rejected = rs.rejectReason(in.record());
                if (rejected.isPresent()) {
                    events.add(in.record().position() + ": " + rejected.get().text());
                    continue;
                }
            }
            Step step = in.record() == null ? engine.advanceTime(in.advanceTo()) : engine.process(in.record());
            events.addAll(step.alerts());
            events.addAll(step.recommendations());
            events.addAll(step.errors());
        }
        return events;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {42L, 20_240_601L})
    void sameInputsSameOutputs(long seed) throws Exception {
        List<Input> inputs = inputs(seed);
        RuleSet first = freshRuleSet();
        RuleSet second = freshRuleSet();
        assertThat(second.digest()).isEqualTo(first.digest());

        List<Object> a = run(first, inputs);
        List<Object> b = run(second, inputs);
        assertThat(a).as("seed %d", seed).hasSizeGreaterThan(50);
        assertThat(b).as("seed %d", seed).isEqualTo(a);
        assertThat(b.toString()).as("seed %d, byte for byte", seed).isEqualTo(a.toString());

        // Re-running on the same compiled rule set (shared, immutable) gives the same output too.
        assertThat(run(first, inputs)).as("seed %d, shared rule set", seed).isEqualTo(a);
    }
}
