package dev.anneal.watcher.rules.cel;

import dev.anneal.watcher.rules.cel.FastPathFixtures.TestVars;
import dev.anneal.watcher.rules.engine.Engine;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.engine.RunState;
import dev.anneal.watcher.rules.engine.Step;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.load.RuleSetCompiler;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.SourcePosition;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import dev.anneal.watcher.rules.spec.DeriveSpec;
import dev.anneal.watcher.rules.spec.Expr;
import dev.anneal.watcher.rules.spec.Loc;
import dev.anneal.watcher.rules.spec.PackSpec;
import dev.anneal.watcher.rules.spec.ParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A micro-benchmark, not a test: ns per evaluation of hot expressions on the CEL program and on
 * the fast path, and µs per PPO record through the whole engine with the fast path on and off.
 * Times are thread CPU time (less disturbed by other processes than wall time), the best of
 * several rounds. Run it explicitly:
 *
 * <pre>
 * ./mvnw -B -pl watcher-rules test -Dtest=FastPathBenchmark -Dwatcher.bench=true
 * </pre>
 */
@EnabledIfSystemProperty(named = "watcher.bench", matches = "true")
class FastPathBenchmark {

    private static long sink;

    @Test
    void expressions() throws Exception {
        PackSpec gates = BuiltinPacks.load("anneal-gates");
        Map<String, Double> params = defaults(gates);
        List<String> derived = gates.derive().stream().map(DeriveSpec::name).toList();
        ExprEnvironment env = new ExprEnvironment(derived, params);
        TestVars vars = ppoVars(params);
        List<String> texts = new ArrayList<>(List.of(
                "kl_divergence > params.kl_rollback && grad_norm > params.grad_rollback",
                "grad_norm > params.grad_spike",
                "(loss_total - baseline) / math.abs(baseline) > params.loss_drift_max",
                "math.abs(window.entropy_delta) > params.entropy_shift_max",
                "(queue_base > 0.0 && math.abs(queue_conflict_events - queue_base) > 0.20 * queue_base)"
                        + " || (intensity_base > 0.0 && math.abs(queue_conflict_intensity_sum - intensity_base)"
                        + " > 0.20 * intensity_base)",
                "is_anneal && has(record.anneal_loss_flag) && type(record.anneal_loss_flag) == bool"));
        gates.derive().stream().filter(d -> !d.name().equals("rehearsal_status"))
                .forEach(d -> texts.add(d.expr().text()));
        texts.add("'anneal_queue_min' in params ? params['anneal_queue_min'] : 0.85 * queue_base");
        List<CompiledExpr> compiled = new ArrayList<>();
        for (String text : texts) {
            CompiledExpr ce = env.compileAny(new Expr(text, new Loc("bench", 1)));
            if (!ce.isFastPath()) {
                throw new AssertionError(text + ": " + ce.slowPathReason());
            }
            compiled.add(ce);
        }
        // Warm up every expression together, so that the evaluator nodes' call sites see all node
        // types (as in the engine) before anything is measured.
        for (int i = 0; i < 300_000; i++) {
            for (CompiledExpr ce : compiled) {
                sink += ce.eval(vars).hashCode();
            }
        }
        System.out.printf("%-100s %10s %10s %8s%n", "expression (CPU ns/eval, best of 7 rounds)", "CEL",
                "fast path", "speed-up");
        for (CompiledExpr ce : compiled) {
            String text = ce.source().text();
            double cel = time(() -> ce.evalCel(vars), 100_000);
            double fast = time(() -> ce.eval(vars), 1_000_000);
            System.out.printf("%-100s %10.1f %10.1f %7.0fx%n", abbreviate(text), cel, fast, cel / fast);
        }
    }

    @Test
    void engine() throws Exception {
        List<PackSpec> packs = List.of(BuiltinPacks.load("anneal-gates"), BuiltinPacks.load("townlet-watch"));
        Map<String, String> overrides = new TreeMap<>();
        for (ParameterSpec p : packs.get(1).parameters()) {
            if (p.defaultValue() == null) {
                overrides.put(p.name(), "1000000"); // enable every townlet-watch rule, far from firing
            }
        }
        overrides.put("entropy_threshold", "-1000000");
        overrides.put("reward_corr_threshold", "-1000000");
        overrides.put("queue_events_min", "-1000000");
        overrides.put("queue_intensity_min", "-1000000");
        overrides.put("shared_meal_min", "-1000000");
        overrides.put("late_help_min", "-1000000");
        overrides.put("chat_quality_min", "-1000000");
        overrides.put("shower_complete_min", "-1000000");
        overrides.put("sleep_complete_min", "-1000000");
        overrides.put("anneal_queue_min", "-1000000");
        overrides.put("anneal_intensity_min", "-1000000");
        engine(packs, overrides, "every rule enabled");
        engine(packs, Map.of(), "default parameters");
    }

    private static void engine(List<PackSpec> packs, Map<String, String> overrides, String what) throws Exception {
        RuleSet fast = RuleSetCompiler.compile(packs, overrides);
        RuleSet slow;
        String before = System.getProperty(ExprEnvironment.FAST_PATH_PROPERTY);
        System.setProperty(ExprEnvironment.FAST_PATH_PROPERTY, "false");
        try {
            slow = RuleSetCompiler.compile(packs, overrides);
        } finally {
            if (before == null) {
                System.clearProperty(ExprEnvironment.FAST_PATH_PROPERTY);
            } else {
                System.setProperty(ExprEnvironment.FAST_PATH_PROPERTY, before);
            }
        }
        List<TelemetryRecord> records = ppoRecords(4096);
        Engine slowEngine = new Engine(slow);
        Engine fastEngine = new Engine(fast);
        perRecord(slowEngine, records, 20_000); // warm-up
        perRecord(fastEngine, records, 200_000);
        double slowBest = Double.MAX_VALUE;
        double fastBest = Double.MAX_VALUE;
        for (int round = 0; round < 7; round++) {
            slowBest = Math.min(slowBest, perRecord(slowEngine, records, 20_000));
            fastBest = Math.min(fastBest, perRecord(fastEngine, records, 200_000));
        }
        System.out.printf("engine, anneal-gates + townlet-watch, %s (%d rules), quiet PPO anneal rollout records,"
                + " CPU us/record (best of 7): CEL only %.2f, fast path %.2f (%.1fx)%n", what, fast.rules().size(),
                slowBest, fastBest, slowBest / fastBest);
    }

    private static double perRecord(Engine engine, List<TelemetryRecord> records, int n) {
        Map<String, RunState> runs = new HashMap<>();
        long t0 = cpuNanos();
        for (int i = 0; i < n; i++) {
            TelemetryRecord record = records.get(i % records.size());
            Step s = engine.process(runs.computeIfAbsent(record.runId(), engine::newRun), record);
            sink += s.alerts().size() + s.errors().size();
        }
        return (cpuNanos() - t0) / 1000.0 / n;
    }

    private static long cpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private interface Eval {
        Object run() throws ExprEvaluationException;
    }

    /** Best CPU ns per call over 7 rounds of {@code n} calls, after a warm-up. */
    private static double time(Eval e, int n) throws ExprEvaluationException {
        for (int i = 0; i < n; i++) {
            sink += e.run().hashCode();
        }
        double[] rounds = new double[7];
        for (int r = 0; r < rounds.length; r++) {
            long t0 = cpuNanos();
            for (int i = 0; i < n; i++) {
                sink += e.run().hashCode();
            }
            rounds[r] = (cpuNanos() - t0) / (double) n;
        }
        Arrays.sort(rounds);
        return rounds[0];
    }

    private static String abbreviate(String s) {
        return s.length() <= 100 ? s : s.substring(0, 97) + "...";
    }

    private static Map<String, Double> defaults(PackSpec pack) {
        Map<String, Double> out = new TreeMap<>();
        for (ParameterSpec p : pack.parameters()) {
            if (p.defaultValue() != null) {
                out.put(p.name(), p.defaultValue());
            }
        }
        return out;
    }

    /** A typical anneal PPO rollout record: every K1 field present, numbers as doubles. */
    private static Map<String, Object> ppoFields(Random r) {
        Map<String, Object> f = new LinkedHashMap<>();
        for (String name : List.of("epoch", "updates", "transitions", "loss_policy", "loss_value", "loss_entropy",
                "loss_total", "clip_fraction", "adv_mean", "adv_std", "grad_norm", "lr", "steps", "kl_divergence",
                "telemetry_version", "adv_zero_std_batches", "adv_min_std", "clip_triggered_minibatches",
                "clip_fraction_max", "epoch_duration_sec", "cycle_id", "batch_entropy_mean", "batch_entropy_std",
                "grad_norm_max", "kl_divergence_max", "reward_advantage_corr", "rollout_ticks", "log_stream_offset",
                "queue_conflict_events", "queue_conflict_intensity_sum", "shared_meal_events", "late_help_events",
                "shift_takeover_events", "chat_success_events", "chat_failure_events", "chat_quality_mean",
                "utility_outage_events", "shower_complete_events", "sleep_complete_events", "anneal_cycle",
                "anneal_bc_accuracy", "anneal_bc_threshold", "anneal_loss_baseline", "anneal_queue_baseline",
                "anneal_intensity_baseline")) {
            f.put(name, 0.5 + r.nextDouble() * 0.01);
        }
        f.put("kl_divergence", 0.01 + r.nextDouble() * 0.02);
        f.put("grad_norm", 1.0 + r.nextDouble());
        f.put("data_mode", "rollout");
        f.put("anneal_stage", "stage-" + r.nextInt(3));
        f.put("anneal_dataset", "ds");
        f.put("anneal_bc_passed", true);
        f.put("anneal_loss_flag", false);
        f.put("anneal_queue_flag", false);
        f.put("anneal_intensity_flag", false);
        f.put("anneal_bc_accuracy", 0.95);
        f.put("anneal_loss_baseline", f.get("loss_total"));
        f.put("anneal_queue_baseline", f.get("queue_conflict_events"));
        f.put("anneal_intensity_baseline", f.get("queue_conflict_intensity_sum"));
        return f;
    }

    private static List<TelemetryRecord> ppoRecords(int n) {
        Random r = new Random(7);
        List<TelemetryRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new TelemetryRecord("run-1", RecordKind.PPO, SourcePosition.line("bench.jsonl", i + 1), i, false,
                    false, ppoFields(r)));
        }
        return out;
    }

    private static TestVars ppoVars(Map<String, Double> params) {
        Map<String, Object> fields = ppoFields(new Random(3));
        Map<String, Object> derived = new HashMap<>();
        derived.put("is_anneal", true);
        derived.put("is_rollout", true);
        derived.put("loss_base", fields.get("anneal_loss_baseline"));
        derived.put("queue_base", fields.get("anneal_queue_baseline"));
        derived.put("intensity_base", fields.get("anneal_intensity_baseline"));
        Map<String, Object> window = new HashMap<>();
        window.put("entropy_delta", 0.05);
        window.put("bc_mean", 0.95);
        window.put("breaches", 0.0);
        Map<String, Object> alert = new HashMap<>();
        return new TestVars(fields, derived, params, window, alert, "ppo", "run-1", 1.25);
    }
}
