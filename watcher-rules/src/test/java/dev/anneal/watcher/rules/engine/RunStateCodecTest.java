package dev.anneal.watcher.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.load.RuleFileLoader;
import dev.anneal.watcher.rules.load.RuleSetCompiler;
import dev.anneal.watcher.rules.model.FieldValues;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.SourcePosition;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The daemon keeps run state in a store between records; a restart resumes from the stored
 * bytes. Storing and reloading the state between every record must change nothing: the same
 * records give the same steps as an engine that never let go of its state.
 */
class RunStateCodecTest {

    private static RuleSet rules(Map<String, String> params) throws Exception {
        return RuleSetCompiler.compile(List.of(BuiltinPacks.load("anneal-gates"), BuiltinPacks.load("townlet-watch")),
                params);
    }

    private static List<TelemetryRecord> records(long seed, int n) {
        Random rnd = new Random(seed);
        List<TelemetryRecord> out = new ArrayList<>();
        long time = 0;
        for (int i = 0; i < n; i++) {
            time += 60_000L * (1 + rnd.nextInt(12));
            String run = "run-" + rnd.nextInt(3);
            Map<String, Object> f = new LinkedHashMap<>();
            boolean rehearsal = rnd.nextInt(10) == 0;
            if (rehearsal) {
                f.put("form", "simple");
                f.put("status_field", rnd.nextBoolean() ? "pass" : FieldValues.NULL);
                f.put("stages", List.of());
                f.put("bc_accuracy", 0.8 + rnd.nextDouble() * 0.2);
                f.put("bc_threshold", 0.8);
                f.put("bc_passed", true);
                f.put("candidate_ready_field", FieldValues.NULL);
                f.put("promotion_candidate_ready", false);
            } else {
                for (String k : List.of("epoch", "log_stream_offset", "shared_meal_events", "late_help_events",
                        "shift_takeover_events", "chat_success_events", "chat_failure_events", "chat_quality_mean",
                        "reward_advantage_corr")) {
                    f.put(k, 0.0);
                }
                f.put("loss_total", 1.0 + rnd.nextDouble());
                f.put("kl_divergence", rnd.nextDouble() * 0.08);
                f.put("grad_norm", rnd.nextDouble() * 3.5);
                f.put("batch_entropy_mean", 1.3 + rnd.nextDouble() * 0.3);
                f.put("data_mode", rnd.nextBoolean() ? "rollout" : "replay");
                f.put("queue_conflict_events", (double) rnd.nextInt(40));
                f.put("queue_conflict_intensity_sum", (double) rnd.nextInt(60));
                if (rnd.nextBoolean()) {
                    f.put("anneal_stage", "ppo");
                    f.put("anneal_loss_baseline", 1.2);
                    f.put("anneal_queue_baseline", 30.0);
                    f.put("anneal_intensity_baseline", 45.0);
                    f.put("anneal_bc_accuracy", 0.85 + rnd.nextDouble() * 0.15);
                    f.put("anneal_loss_flag", rnd.nextInt(4) == 0);
                    f.put("anneal_queue_flag", false);
                    f.put("anneal_intensity_flag", false);
                }
            }
            out.add(new TelemetryRecord(run, rehearsal ? RecordKind.REHEARSAL : RecordKind.PPO,
                    SourcePosition.line("t.jsonl", i + 1), time, true, false, f));
        }
        return out;
    }

    @Test
    void storingStateBetweenEveryRecordChangesNothing() throws Exception {
        RuleSet rs = rules(Map.of("kl_threshold", "0.05", "loss_baseline", "1.3"));
        RunStateCodec codec = new RunStateCodec(rs);
        for (long seed = 1; seed <= 5; seed++) {
            Engine kept = new Engine(rs);
            Engine stored = new Engine(rs);
            Map<String, byte[]> store = new LinkedHashMap<>();
            List<String> a = new ArrayList<>();
            List<String> b = new ArrayList<>();
            long now = 0;
            for (TelemetryRecord r : records(seed, 400)) {
                now = r.eventTime();
                a.add(events(List.of(kept.advanceTime(now))));
                a.add(kept.process(r).toString());
                List<Step> clock = new ArrayList<>();
                for (String runId : store.keySet()) {
                    RunState s = codec.decode(store.get(runId));
                    clock.add(stored.advanceTime(s, now));
                    store.put(runId, codec.encode(s));
                }
                b.add(events(clock));
                RunState s = store.containsKey(r.runId()) ? codec.decode(store.get(r.runId())) : stored.newRun(r.runId());
                b.add(stored.process(s, r).toString());
                store.put(r.runId(), codec.encode(s));
            }
            assertThat(b).as("seed %d", seed).isEqualTo(a);
        }
    }

    /** The events of one clock advance, in a run-independent order (runs fire independently). */
    private static String events(List<Step> steps) {
        List<String> out = new ArrayList<>();
        for (Step st : steps) {
            st.alerts().forEach(x -> out.add(x.toString()));
            st.recommendations().forEach(x -> out.add(x.toString()));
            st.errors().forEach(x -> out.add(x.toString()));
        }
        out.sort(null);
        return String.join("\n", out);
    }

    @Test
    void aChangedRuleStartsFreshWhileTheLatchSurvives() throws Exception {
        RuleSet before = rules(Map.of());
        Engine engine = new Engine(before);
        RunState run = engine.newRun("r");
        Map<String, Object> spike = new LinkedHashMap<>();
        for (String k : List.of("epoch", "log_stream_offset", "shared_meal_events", "late_help_events",
                "shift_takeover_events", "chat_success_events", "chat_failure_events", "chat_quality_mean",
                "reward_advantage_corr", "queue_conflict_events", "queue_conflict_intensity_sum")) {
            spike.put(k, 0.0);
        }
        spike.put("loss_total", 1.0);
        spike.put("kl_divergence", 0.07);
        spike.put("grad_norm", 2.6);
        spike.put("batch_entropy_mean", 1.3);
        spike.put("data_mode", "replay");
        engine.process(run, new TelemetryRecord("r", RecordKind.PPO, SourcePosition.line("t", 1), 0, false, false,
                spike));
        assertThat(run.recommendation().action().name()).isEqualTo("ROLLBACK");
        byte[] bytes = new RunStateCodec(before).encode(run);

        RuleSet after = rules(Map.of("kl_rollback", "0.2"));
        RunState restored = new RunStateCodec(after).decode(bytes);
        int changed = after.rules().stream().filter(r -> r.id().equals("kl_grad_rollback")).findFirst().orElseThrow()
                .index();
        int unchanged = after.rules().stream().filter(r -> r.id().equals("kl_gate")).findFirst().orElseThrow().index();
        assertThat(restored.rule(changed).state().name()).isEqualTo("INACTIVE");
        assertThat(restored.rule(unchanged).state().name()).isEqualTo("FIRING");
        assertThat(restored.latched().name()).isEqualTo("ROLLBACK");
        assertThat(restored.recommendation()).isEqualTo(run.recommendation());
    }

    @Test
    void garbageIsRefusedWithAReason() throws Exception {
        RunStateCodec codec = new RunStateCodec(rules(Map.of()));
        assertThatThrownBy(() -> codec.decode("{]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a watcher run state");
        assertThatThrownBy(() -> codec.decode("{\"version\": 99, \"runId\": \"r\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("run state version 99 is not 1");
    }
}
