package dev.anneal.watcher.rules.cel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.EngineHarness;
import dev.anneal.watcher.rules.engine.CompiledPack;
import dev.anneal.watcher.rules.engine.CompiledPromotion;
import dev.anneal.watcher.rules.engine.CompiledRule;
import dev.anneal.watcher.rules.engine.CompiledWindow;
import dev.anneal.watcher.rules.engine.RuleError;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.engine.Step;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.load.RuleSetCompiler;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.Evidence;
import dev.anneal.watcher.rules.model.FieldValues;
import dev.anneal.watcher.rules.model.Recommendation;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.SourcePosition;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import dev.anneal.watcher.rules.spec.PackSpec;
import dev.anneal.watcher.rules.spec.ParameterSpec;
import dev.anneal.watcher.rules.spec.Requirement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The fast path inside the engine: which compiled expressions use it, and whole-engine equivalence
 * (alerts, recommendations, errors) with the fast path on and off over random record streams.
 */
class FastPathEngineTest {

    /** Expressions of the hot-path packs that are expected on the CEL program (comprehensions). */
    private static final Set<String> EXPECTED_SLOW = Set.of("anneal-gates derive.rehearsal_status");

    @Test
    void hotPathExpressionsOfAnnealGatesAndTownletWatchUseTheFastPath() throws Exception {
        List<PackSpec> packs = List.of(BuiltinPacks.load("anneal-gates"), BuiltinPacks.load("townlet-watch"));
        RuleSet ruleSet = RuleSetCompiler.compile(packs, enableEverything(packs));
        Set<String> slow = new TreeSet<>();
        int[] count = {0};
        forEachExpression(ruleSet, (where, fast) -> {
            count[0]++;
            if (!fast) {
                slow.add(where);
            }
        });
        assertThat(ruleSet.rules()).hasSize(packs.stream().mapToInt(p -> p.rules().size()).sum());
        assertThat(count[0]).isGreaterThan(150);
        assertThat(slow).as("expressions of anneal-gates and townlet-watch on the CEL program only")
                .isEqualTo(EXPECTED_SLOW);
    }

    @Test
    void builtInPackSlowPathInventory() throws Exception {
        List<PackSpec> packs = BuiltinPacks.all();
        RuleSet ruleSet = RuleSetCompiler.compile(packs, enableEverything(packs));
        Set<String> slow = new TreeSet<>();
        forEachExpression(ruleSet, (where, fast) -> {
            if (!fast) {
                slow.add(where);
            }
        });
        // Everything outside anneal-gates' rehearsal_status is promotion-evaluate's list and
        // comprehension logic, evaluated on rehearsal summaries only.
        assertThat(slow).allMatch(s -> EXPECTED_SLOW.contains(s) || s.startsWith("promotion-evaluate "));
        System.out.println("[fast-path] on the CEL program only: " + slow);
    }

    @Test
    void engineGivesTheSameStepsWithAndWithoutTheFastPath() throws Exception {
        List<PackSpec> packs = BuiltinPacks.all();
        Random random = new Random(20261128L);
        int steps = 0;
        int alerts = 0;
        int errors = 0;
        int recommendations = 0;
        for (Map<String, String> overrides : List.of(enableEverything(packs), Map.<String, String>of())) {
            RuleSet fast = RuleSetCompiler.compile(packs, overrides);
            RuleSet slow = withoutFastPath(() -> RuleSetCompiler.compile(packs, overrides));
            int[] fastCount = {0};
            forEachExpression(fast, (w, f) -> fastCount[0] += f ? 1 : 0);
            forEachExpression(slow, (w, f) -> {
                if (!w.contains(".annotations.") && !w.endsWith(".reason")) { // literal templates are vacuously fast
                    assertThat(f).as(w).isFalse();
                }
            });
            assertThat(fastCount[0]).isGreaterThan(100);

            EngineHarness a = EngineHarness.of(fast);
            EngineHarness b = EngineHarness.of(slow);
            long now = 1_700_000_000_000L;
            for (int i = 0; i < 4000; i++) {
                now += random.nextInt(5) == 0 ? 700_000 : 1000 + random.nextInt(5000);
                TelemetryRecord record = randomRecord(random, fast, i, now);
                if (fast.rejectReason(record).isPresent()) {
                    continue;
                }
                Step sa = a.process(record);
                Step sb = b.process(record);
                assertThat(normalise(sa)).as("step for record %d %s", i, record).isEqualTo(normalise(sb));
                if (random.nextInt(20) == 0) {
                    Step ta = a.advanceTime(now + 900_000);
                    Step tb = b.advanceTime(now + 900_000);
                    assertThat(normalise(ta)).isEqualTo(normalise(tb));
                }
                steps++;
                alerts += sa.alerts().size();
                errors += sa.errors().size();
                recommendations += sa.recommendations().size();
            }
        }
        System.out.printf("[fast-path] engine equivalence: %d records, %d alert events, %d recommendations, %d rule"
                + " errors, identical with and without the fast path%n", steps, alerts, recommendations, errors);
        assertThat(alerts).isGreaterThan(100);
        assertThat(errors).isGreaterThan(20);
        assertThat(recommendations).isGreaterThan(10);
    }

    // Inventory.

    private interface ExprVisitor {
        void visit(String where, boolean fast);
    }

    private static void forEachExpression(RuleSet ruleSet, ExprVisitor v) {
        for (CompiledPack pack : ruleSet.packs()) {
            String p = pack.name() + " ";
            pack.derivations().forEach((name, e) -> v.visit(p + "derive." + name, e.isFastPath()));
            for (CompiledRule r : pack.rules()) {
                String at = p + "rule " + r.id() + ".";
                visit(v, at + "select.where", r.where());
                for (CompiledWindow w : r.windows()) {
                    visit(v, at + "windows." + w.name() + ".of", w.of());
                }
                visit(v, at + "baseline", r.baseline());
                visit(v, at + "band.of", r.bandOf());
                visit(v, at + "condition", r.condition());
                visit(v, at + "value", r.value());
                visit(v, at + "threshold", r.threshold());
                r.annotations().forEach((k, t) -> v.visit(at + "annotations." + k, t.isFastPath()));
                if (r.reason() != null) {
                    v.visit(at + "reason", r.reason().isFastPath());
                }
            }
            CompiledPromotion pr = pack.promotion();
            if (pr != null) {
                visit(v, p + "promotion.select.where", pr.where());
                visit(v, p + "promotion.condition", pr.condition());
                if (pr.reason() != null) {
                    v.visit(p + "promotion.reason", pr.reason().isFastPath());
                }
            }
        }
    }

    private static void visit(ExprVisitor v, String where, CompiledExpr e) {
        if (e != null) {
            v.visit(where, e.isFastPath());
        }
    }

    /** Gives every {@code none} parameter a value, so that every rule is compiled and enabled. */
    private static Map<String, String> enableEverything(List<PackSpec> packs) {
        Map<String, String> out = new TreeMap<>();
        for (PackSpec pack : packs) {
            for (ParameterSpec p : pack.parameters()) {
                if (p.defaultValue() == null) {
                    out.put(p.name(), "1");
                }
            }
        }
        return out;
    }

    private interface Compile {
        RuleSet run() throws Exception;
    }

    private static RuleSet withoutFastPath(Compile c) throws Exception {
        String before = System.getProperty(ExprEnvironment.FAST_PATH_PROPERTY);
        System.setProperty(ExprEnvironment.FAST_PATH_PROPERTY, "false");
        try {
            return c.run();
        } finally {
            if (before == null) {
                System.clearProperty(ExprEnvironment.FAST_PATH_PROPERTY);
            } else {
                System.setProperty(ExprEnvironment.FAST_PATH_PROPERTY, before);
            }
        }
    }

    // Records.

    private static TelemetryRecord randomRecord(Random r, RuleSet ruleSet, int i, long now) {
        int k = r.nextInt(100);
        RecordKind kind = k < 55 ? RecordKind.PPO : k < 68 ? RecordKind.BC_STAGE : k < 83 ? RecordKind.REHEARSAL
                : k < 90 ? RecordKind.BC_AUDIT : RecordKind.HEALTH;
        Map<String, Object> f = new LinkedHashMap<>();
        Set<String> required = new LinkedHashSet<>();
        Set<String> text = new LinkedHashSet<>();
        for (CompiledPack pack : ruleSet.packs()) {
            Requirement q = pack.spec().requires().get(kind);
            if (q != null) {
                required.addAll(q.numeric());
                text.addAll(q.text());
            }
        }
        for (String name : FieldCatalog.fields()) {
            if (r.nextInt(100) < 30) {
                f.put(name, r.nextInt(100) < 75 ? plausible(r, name) : FastPathFixtures.randomValue(r));
            }
        }
        for (String name : required) {
            f.put(name, r.nextInt(200) == 0 ? FieldValues.NULL : plausible(r, name));
        }
        for (String name : text) {
            f.put(name, r.nextInt(3) == 0 ? "replay" : "rollout");
        }
        if (kind == RecordKind.PPO) {
            if (r.nextInt(3) > 0) {
                f.put("anneal_stage", r.nextInt(4) == 0 ? "" : "stage-" + r.nextInt(3));
            }
            for (String flag : List.of("anneal_loss_flag", "anneal_queue_flag", "anneal_intensity_flag")) {
                if (r.nextBoolean()) {
                    f.put(flag, r.nextInt(10) == 0 ? (Object) 1.0 : (Object) (r.nextInt(4) == 0));
                }
            }
            for (String base : List.of("anneal_loss_baseline", "anneal_queue_baseline", "anneal_intensity_baseline")) {
                if (r.nextBoolean()) {
                    f.put(base, r.nextInt(8) == 0 ? FieldValues.NULL : (Object) (0.5 + r.nextDouble() * 10));
                }
            }
        }
        if (kind == RecordKind.REHEARSAL) {
            f.put("form", r.nextInt(3) == 0 ? "simple" : "full");
            int s = r.nextInt(4);
            if (s == 0) {
                f.put("status_field", List.of("pass", "hold", "fail").get(r.nextInt(3)));
            } else if (s == 1) {
                f.put("status_field", FieldValues.NULL);
            }
            f.put("bc_passed", r.nextInt(4) > 0);
            f.put("promotion_candidate_ready", r.nextBoolean());
            if (r.nextBoolean()) {
                f.put("candidate_ready_field", r.nextBoolean() ? (Object) r.nextBoolean() : FieldValues.NULL);
            }
            List<Object> stages = new ArrayList<>();
            for (int j = r.nextInt(4); j > 0; j--) {
                Map<String, Object> st = new LinkedHashMap<>();
                st.put("mode", r.nextBoolean() ? "bc" : "ppo");
                st.put("passed", r.nextInt(5) > 0);
                st.put("loss_flag", r.nextInt(5) == 0);
                st.put("queue_flag", r.nextInt(5) == 0);
                st.put("intensity_flag", r.nextInt(5) == 0);
                st.put("cycle_label", String.valueOf(r.nextInt(5)));
                stages.add(st);
            }
            f.put("stages", stages);
        }
        boolean timestamped = r.nextInt(4) > 0;
        return new TelemetryRecord("run-" + r.nextInt(2), kind, SourcePosition.line("t.jsonl", i + 1),
                timestamped ? now : i, timestamped, r.nextInt(30) == 0, f);
    }

    /** A value that is usually in the range the packs' thresholds care about. */
    private static Object plausible(Random r, String name) {
        if (name.endsWith("_flag") || name.endsWith("passed") || name.equals("rolled_back")) {
            return r.nextBoolean();
        }
        if (name.contains("accuracy")) {
            return 0.8 + r.nextDouble() * 0.2;
        }
        if (name.equals("kl_divergence")) {
            return r.nextDouble() * 0.08;
        }
        if (name.equals("grad_norm")) {
            return r.nextDouble() * 4;
        }
        if (name.equals("data_mode")) {
            return r.nextBoolean() ? "rollout" : "replay";
        }
        return r.nextInt(10) == 0 ? 0.0 : Math.rint(r.nextDouble() * 40) / 4;
    }

    // Normalisation: error messages may differ between the fast path and CEL.

    private static Step normalise(Step s) {
        List<AlertEvent> alerts = s.alerts().stream().map(FastPathEngineTest::normalise).toList();
        List<Recommendation> recs = s.recommendations().stream().map(FastPathEngineTest::normalise).toList();
        List<RuleError> errors = s.errors().stream().map(e -> new RuleError(e.rule(), e.position(), "")).toList();
        return new Step(alerts, recs, errors);
    }

    private static String normalise(String text) {
        int i = text.indexOf("<error: ");
        return i < 0 ? text : text.substring(0, i) + "<error>";
    }

    private static AlertEvent normalise(AlertEvent a) {
        Map<String, String> annotations = new LinkedHashMap<>();
        a.annotations().forEach((k, v) -> annotations.put(k, normalise(v)));
        return new AlertEvent(a.id(), a.rule(), a.runId(), a.state(), a.severity(), a.action(), a.value(),
                a.threshold(), a.startedAt(), a.source(), a.eventTime(), a.labels(), annotations, a.synthetic(),
                a.ruleSetDigest());
    }

    private static Recommendation normalise(Recommendation r) {
        List<Evidence> evidence = r.evidence().stream().map(e -> new Evidence(e.rule(), e.alertId(), e.action(),
                e.severity(), e.value(), e.threshold(), e.startedAt(), e.source(),
                e.reasons().stream().map(FastPathEngineTest::normalise).toList())).toList();
        return new Recommendation(r.runId(), r.action(), r.reasons().stream().map(FastPathEngineTest::normalise).toList(),
                evidence, r.latched(), r.source(), r.eventTime(), r.synthetic(), r.ruleSetDigest());
    }
}
