package dev.anneal.watcher.core.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.core.decode.DecodeOptions;
import dev.anneal.watcher.core.decode.DecodeResult;
import dev.anneal.watcher.core.decode.InputFormat;
import dev.anneal.watcher.core.decode.Ordinal;
import dev.anneal.watcher.core.decode.TelemetryDecoder;
import dev.anneal.watcher.core.generate.PpoStreamGenerator.Config;
import dev.anneal.watcher.core.generate.PpoStreamGenerator.Drift;
import dev.anneal.watcher.core.replay.Replay;
import dev.anneal.watcher.core.replay.ReplayListener;
import dev.anneal.watcher.core.replay.ReplayOptions;
import dev.anneal.watcher.core.replay.ReplayResult;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.load.RuleSetCompiler;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PpoStreamGeneratorTest {

    /** schema.md K1.2: every key a v1.2 trainer record can carry (G0-G6, anneal, baseline, conflict). */
    static final Set<String> FULL_V12_KEYS = Set.of(
            "epoch", "updates", "transitions", "loss_policy", "loss_value", "loss_entropy", "loss_total",
            "clip_fraction", "adv_mean", "adv_std", "grad_norm", "lr", "steps", "kl_divergence",
            "telemetry_version", "adv_zero_std_batches", "adv_min_std", "clip_triggered_minibatches",
            "clip_fraction_max", "epoch_duration_sec", "data_mode", "cycle_id", "batch_entropy_mean",
            "batch_entropy_std", "grad_norm_max", "kl_divergence_max", "reward_advantage_corr", "rollout_ticks",
            "log_stream_offset", "queue_conflict_events", "queue_conflict_intensity_sum", "shared_meal_events",
            "late_help_events", "shift_takeover_events", "chat_success_events", "chat_failure_events",
            "chat_quality_mean", "utility_outage_events", "shower_complete_events", "sleep_complete_events",
            "anneal_cycle", "anneal_stage", "anneal_dataset", "anneal_bc_accuracy", "anneal_bc_threshold",
            "anneal_bc_passed", "anneal_loss_baseline", "anneal_queue_baseline", "anneal_intensity_baseline",
            "anneal_loss_flag", "anneal_queue_flag", "anneal_intensity_flag", "baseline_sample_count",
            "baseline_reward_mean", "baseline_reward_sum", "baseline_reward_sum_mean", "baseline_log_prob_mean",
            "conflict.rivalry_max_mean_avg", "conflict.rivalry_max_max_avg", "conflict.rivalry_avoid_count_mean_avg",
            "conflict.rivalry_avoid_count_max_avg");

    static RuleSet annealGates;

    @BeforeAll
    static void compileRules() throws Exception {
        annealGates = RuleSetCompiler.compile(List.of(BuiltinPacks.load("anneal-gates")), Map.of());
    }

    static byte[] generate(long records, int runs, long seed) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PpoStreamGenerator.Stats stats = new PpoStreamGenerator(new Config(records, runs, seed)).writeTo(out);
        assertThat(stats.records()).isEqualTo(records);
        assertThat(stats.bytes()).isEqualTo(out.size());
        return out.toByteArray();
    }

    static List<TelemetryRecord> decode(byte[] stream) throws IOException {
        List<TelemetryRecord> records = new ArrayList<>();
        new TelemetryDecoder().decode("gen", new ByteArrayInputStream(stream), DecodeOptions.of(InputFormat.AUTO),
                "default-run", new Ordinal(), result -> {
                    assertThat(result).as("every generated line decodes").isInstanceOf(DecodeResult.Decoded.class);
                    records.add(((DecodeResult.Decoded) result).record());
                });
        return records;
    }

    @Test
    void sameSeedGivesSameBytesAndAnotherSeedDoesNot() throws IOException {
        byte[] a = generate(1_000, 10, 7);
        byte[] b = generate(1_000, 10, 7);
        byte[] c = generate(1_000, 10, 8);
        assertThat(a).isEqualTo(b);
        assertThat(c).isNotEqualTo(a);
    }

    /**
     * The issue asks for ~1.3 KB per record, but the 61 keys of the full v1.2 set alone take
     * ~1.28 KB in compact JSON (quotes, colons and commas included), so with values and the
     * envelope a line is ~1.65 KB. The bound checks that the size stays in that neighbourhood.
     */
    @Test
    void averageLineSizeStaysNearTheIssuesFigure() throws IOException {
        PpoStreamGenerator.Stats stats = new PpoStreamGenerator(new Config(1_000, 10, PpoStreamGenerator.DEFAULT_SEED))
                .writeTo(new ByteArrayOutputStream());
        System.out.printf("generated 1,000 records, %.1f bytes per line on average%n", stats.averageLineBytes());
        assertThat(stats.averageLineBytes()).isBetween(1_100.0, 1_750.0);
    }

    @Test
    void everyLineDecodesAsAPpoRecordWithTheFullKeySetAndMeetsAnnealGatesRequirements() throws IOException {
        List<TelemetryRecord> records = decode(generate(1_000, 10, 3));
        assertThat(records).hasSize(1_000);
        for (TelemetryRecord r : records) {
            assertThat(r.kind()).isEqualTo(RecordKind.PPO);
            assertThat(r.hasTimestamp()).isTrue();
            assertThat(r.runId()).startsWith("bench-r");
            assertThat(r.fields().keySet()).containsExactlyInAnyOrderElementsOf(FULL_V12_KEYS);
            assertThat(annealGates.rejectReason(r)).as("anneal-gates requirements, %s", r.position()).isEmpty();
            assertThat(r.field("telemetry_version")).isEqualTo(1.2);
            assertThat(r.field("anneal_stage")).isEqualTo("ppo");
        }
    }

    @Test
    void eachRunIsInOrderWithFixedSpacingAndProgressingCounters() throws IOException {
        List<TelemetryRecord> records = decode(generate(1_000, 10, 3));
        Map<String, TelemetryRecord> previous = new HashMap<>();
        long lastTime = Long.MIN_VALUE;
        for (TelemetryRecord r : records) {
            assertThat(r.eventTime()).as("the stream is in event-time order").isGreaterThanOrEqualTo(lastTime);
            lastTime = r.eventTime();
            TelemetryRecord prev = previous.put(r.runId(), r);
            boolean rollout = "rollout".equals(r.field("data_mode"));
            if (prev == null) {
                assertThat(r.field("log_stream_offset")).isEqualTo(1.0);
                assertThat(r.field("data_mode")).isEqualTo("replay");
                continue;
            }
            assertThat(r.eventTime() - prev.eventTime()).isEqualTo(PpoStreamGenerator.SPACING_MILLIS);
            assertThat((double) r.field("log_stream_offset")).isEqualTo((double) prev.field("log_stream_offset") + 1);
            assertThat((double) r.field("anneal_cycle")).isEqualTo((double) prev.field("anneal_cycle") + 1);
            assertThat((double) r.field("steps")).isGreaterThan((double) prev.field("steps"));
            assertThat(r.field("data_mode")).isNotEqualTo(prev.field("data_mode"));
            if (rollout) {
                assertThat((double) r.field("queue_conflict_events")).isBetween(1.0, 45.0);
                assertThat((double) r.field("rollout_ticks")).isEqualTo(40.0);
            } else {
                assertThat(r.field("queue_conflict_events")).isEqualTo(0.0);
                assertThat(r.field("queue_conflict_intensity_sum")).isEqualTo(0.0);
            }
        }
    }

    @Test
    void onlyDriftingRunsAlertAndEveryDriftKindDoes() throws Exception {
        int runs = 30;
        PpoStreamGenerator gen = new PpoStreamGenerator(new Config(3_000, runs, 11));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        gen.writeTo(out);
        Set<String> drifting = new HashSet<>();
        Set<Drift> kinds = new HashSet<>();
        for (int r = 0; r < runs; r++) {
            if (gen.drift(r) != Drift.NONE) {
                drifting.add(gen.runId(r));
                kinds.add(gen.drift(r));
            }
        }
        assertThat(kinds).containsExactlyInAnyOrder(Drift.LOSS_RAMP, Drift.KL_GRAD_SPIKE, Drift.FLAG_FLIP);

        Set<String> alerted = new TreeSet<>();
        Set<String> firingRules = new TreeSet<>();
        Replay replay = new Replay(annealGates, ReplayOptions.defaults(), new ReplayListener() {
            @Override
            public void alert(AlertEvent alert) {
                alerted.add(alert.runId());
                if (alert.state() == AlertState.FIRING) {
                    firingRules.add(alert.rule());
                }
            }
        });
        replay.replay("gen", new ByteArrayInputStream(out.toByteArray()), "default-run");
        ReplayResult result = replay.finish();

        assertThat(result.counts().rejected()).isZero();
        assertThat(result.ruleErrors()).isEmpty();
        assertThat(alerted).as("healthy runs stay quiet").isEqualTo(new TreeSet<>(drifting));
        assertThat(firingRules).contains("loss_drift_rollback", "anneal_loss_flag", "kl_grad_rollback",
                "anneal_queue_flag", "queue_band", "queue_drift_freeze").doesNotContain("stale_telemetry");
        assertThat(result.decision().name()).isEqualTo("ROLLBACK");
    }
}
