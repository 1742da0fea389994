package dev.anneal.watcher.rules.cel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.cel.FastPathFixtures.PackExpr;
import dev.anneal.watcher.rules.cel.FastPathFixtures.TestVars;
import dev.anneal.watcher.rules.spec.Expr;
import dev.anneal.watcher.rules.spec.Loc;
import dev.anneal.watcher.rules.spec.PackSpec;
import dev.cel.runtime.CelVariableResolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The correctness proof of the fast path: every expression of the built-in packs, plus a table of
 * targeted expressions, is evaluated by the fast path and by the plain CEL program over thousands
 * of random bindings (fields present, absent, null, wrong-typed; doubles including 0, -0, NaN and
 * infinities), and the outcomes must be identical: the same value of the same Java class, or an
 * error on both sides. Error messages may differ.
 */
class FastPathDifferentialTest {

    private static final long SEED = 0x5EED_CE1L;
    private static final int BINDINGS_PER_PACK_EXPRESSION = 800;
    private static final int BINDINGS_PER_TARGETED_EXPRESSION = 1200;

    /** Targeted expressions; every one must compile to the fast path. */
    static final List<String> TARGETED = List.of(
            // && and ||: commutative error absorption, non-boolean operands
            "false && loss > 0.0", "loss > 0.0 && false", "true && loss > 0.0", "loss > 0.0 && true",
            "loss > 0.0 || true", "true || loss > 0.0", "loss > 0.0 || false", "false || loss > 0.0",
            "record.nope > 0.0 && false", "false && record.nope > 0.0", "record.nope > 0.0 || true",
            "true || record.nope > 0.0", "record.nope > 0.0 && true", "record.nope > 0.0 || record.nada > 0.0",
            "record.nope > 0.0 && record.nada > 0.0", "loss && false", "false && loss", "passed && false",
            "passed || passed", "passed && (loss > 1.0 || accuracy < 0.5)", "(loss && true) || true",
            "!passed", "!(loss > 1.0)", "!!passed",
            // conditional
            "passed ? loss : accuracy", "loss > 0.5 ? 'hi' : 'lo'", "passed ? record.nope : 1.0",
            "d1 ? 1 : 2", "(loss > 0.0 ? loss : -loss) == math.abs(loss)",
            // equality: heterogeneous numbers, null, mixed kinds, identity
            "loss == accuracy", "loss != accuracy", "loss == 1", "loss == 1.0", "loss == 0", "loss == 1u",
            "loss == null", "loss != null", "null == loss", "loss == 'a'", "mode == 'rollout'", "mode != ''",
            "null == null", "loss == loss", "record.loss == loss", "d1 == d2", "d1 == loss", "passed == true",
            "stages == stages", "record == record", "stages == loss", "epoch == 1", "epoch == epoch",
            "cycle == 3u", "s1 == null", "s1 != 'pass'",
            // ordering: numeric mixes, strings, bools, errors
            "loss < accuracy", "loss <= 1", "loss >= 1u", "loss > 1.5", "1 < loss", "0 <= loss", "loss < 0",
            "mode < 'm'", "mode >= mode", "passed < true", "passed >= passed", "loss < mode", "loss > d1",
            "cycle > 0", "cycle > 0.5", "epoch < 9223372036854775807", "loss < 9.3e18", "loss > -9.3e18",
            "1u < loss", "3u >= epoch",
            // arithmetic
            "loss + accuracy", "loss - 1.0", "loss * 2.0", "loss / 0.0", "loss / accuracy", "-loss", "-epoch",
            "cycle / 0", "cycle / 2", "cycle % 2", "cycle % 0", "epoch + 1", "epoch - 1", "epoch * 2",
            "epoch * 9223372036854775807", "9223372036854775807 + 1", "-(-9223372036854775807 - 1)",
            "(-9223372036854775807 - 1) / -1", "(-9223372036854775807 - 1) % -1", "1 / 0", "1.0 / 0.0",
            "0.0 / 0.0", "(0.0 / 0.0) == (0.0 / 0.0)", "mode + mode", "mode + 'x'", "loss + 1", "stages + stages",
            "1u + 2u", "epoch + 1u", "loss * loss - accuracy / 3.0",
            // math.abs and size
            "math.abs(loss)", "math.abs(epoch)", "math.abs(-9223372036854775807 - 1)", "math.abs(mode)",
            "math.abs(cycle) > 1.0", "size(mode)", "mode.size()", "size(record)", "size(stages)", "stages.size()",
            "size(loss)", "size(params)", "size(window)", "size(mode) == 0",
            // type tests
            "type(loss) == double", "type(loss) != double", "type(loss) == int", "type(loss) == uint",
            "type(loss) == string", "type(loss) == bool", "type(loss) == null_type", "type(loss) == list",
            "type(loss) == map", "double == type(loss)", "type(record.loss) == double", "type(record) == map",
            "has(record.loss) && type(record.loss) == double && record.loss != 0.0 ? record.loss : 0.0",
            // maps: record, params, window, alert
            "has(record.loss)", "has(record.nope)", "has(record.loss) && record.loss > 0.0", "record.loss",
            "record['loss']", "record['conflict.rivalry_max_mean_avg']", "'loss' in record", "'nope' in record",
            "record.nope", "has(loss.x)", "loss.x", "record.stages.mode",
            "params.p", "params.nope", "params['p']", "params['nope']", "'p' in params", "'nope' in params",
            "has(params.p)", "has(params.nope)", "'nope' in params ? params['nope'] : 0.0",
            "'p' in params ? params['p'] : 0.85 * loss", "loss > params.p && accuracy > params.big",
            "loss > params.zero", "params.neg < loss",
            "window.w1", "window.w1 > params.p", "window.nope", "math.abs(window.w1) > params.p",
            "window['w2'] + 1.0", "'w1' in window", "alert.value", "alert.threshold", "alert.nope",
            "alert.value == null",
            // built-in scalars and derived names
            "baseline", "(loss - baseline) / math.abs(baseline)", "baseline != 0.0", "kind", "kind == 'ppo'",
            "kind != 'rehearsal' ? '' : s1", "run_id", "run_id + '/' + kind", "d1", "d1 > 0.0", "s1 == 'pass'",
            "d1 + d2", "d1 && d2", "d1 || d2");

    /** Expressions with a construct the fast path does not implement. */
    static final List<String> UNSUPPORTED = List.of(
            "stages.exists(s, s.mode == 'bc')", "[1.0, 2.0]", "{'a': 1}", "mode.startsWith('r')",
            "type(loss) == type(accuracy)", "int(loss)", "string(loss)", "type(loss)", "double", "dyn(loss)",
            "[loss].flatten()", "math.greatest(loss, 1.0)", "loss in [1.0, 2.0]", "mode.matches('^r')",
            "b'abc' == b'abc'", "record[mode]", "mode in record");

    @Test
    void builtinPackExpressionsAgreeWithCel() throws Exception {
        Random random = new Random(SEED);
        Stats stats = new Stats();
        List<String> mismatches = new ArrayList<>();
        for (PackSpec pack : FastPathFixtures.builtinPacks()) {
            List<PackExpr> exprs = FastPathFixtures.expressions(pack);
            List<String> texts = exprs.stream().map(e -> e.expr().text()).toList();
            List<String> fieldPool = FastPathFixtures.fieldPool(texts);
            List<String> windows = FastPathFixtures.windowNames(texts);
            List<String> derived = FastPathFixtures.derivedNames(pack);
            for (Map<String, Double> params : FastPathFixtures.parameterSets(pack, random)) {
                ExprEnvironment env = new ExprEnvironment(derived, params);
                List<TestVars> bindings = bindings(random, BINDINGS_PER_PACK_EXPRESSION, fieldPool, derived, windows,
                        params);
                for (PackExpr pe : exprs) {
                    CompiledExpr ce = pe.bool() ? env.compileBool(pe.expr()) : env.compileAny(pe.expr());
                    stats.expressions++;
                    if (!ce.isFastPath()) {
                        stats.slow++;
                        continue;
                    }
                    for (TestVars vars : bindings) {
                        compare(pe.toString() + " params=" + params, ce, vars, random, stats, mismatches);
                    }
                }
            }
        }
        System.out.println("[fast-path differential] built-in packs: " + stats);
        assertThat(mismatches).as("fast path vs CEL mismatches").isEmpty();
        assertThat(stats.evaluations).isGreaterThan(500_000);
        assertThat(stats.decided).as("evaluations the fast path decided without falling back")
                .isGreaterThan(stats.evaluations / 2);
    }

    @Test
    void targetedExpressionsAgreeWithCel() throws Exception {
        Random random = new Random(SEED + 1);
        Stats stats = new Stats();
        List<String> mismatches = new ArrayList<>();
        List<String> derived = List.of("d1", "d2", "s1");
        Map<String, Double> params = Map.of("p", 0.5, "zero", 0.0, "neg", -2.0, "big", 1e300);
        List<String> fieldPool = FastPathFixtures.fieldPool(TARGETED);
        List<String> windows = FastPathFixtures.windowNames(TARGETED);
        List<ExprEnvironment> envs = List.of(new ExprEnvironment(derived, params), new ExprEnvironment(derived));
        List<TestVars> bindings = bindings(random, BINDINGS_PER_TARGETED_EXPRESSION, fieldPool, derived, windows,
                params);
        for (ExprEnvironment env : envs) {
            for (String text : TARGETED) {
                CompiledExpr ce = env.compileAny(new Expr(text, new Loc("targeted", 1)));
                assertThat(ce.isFastPath()).as("%s runs on the fast path (%s)", text, ce.slowPathReason()).isTrue();
                stats.expressions++;
                for (TestVars vars : bindings) {
                    compare(text, ce, vars, random, stats, mismatches);
                }
            }
        }
        System.out.println("[fast-path differential] targeted: " + stats);
        assertThat(mismatches).as("fast path vs CEL mismatches").isEmpty();
        assertThat(stats.decided).isGreaterThan(stats.evaluations / 2);
    }

    @Test
    void unsupportedConstructsUseTheCelProgramForTheWholeExpression() throws Exception {
        ExprEnvironment env = new ExprEnvironment(List.of("d1"), Map.of("p", 0.5));
        for (String text : UNSUPPORTED) {
            CompiledExpr ce = env.compileAny(new Expr(text, new Loc("unsupported", 1)));
            assertThat(ce.isFastPath()).as(text).isFalse();
            assertThat(ce.slowPathReason()).as(text).isPresent();
        }
        // An unsupported construct anywhere, even in a branch never taken, disables the fast path.
        CompiledExpr mixed = env.compileAny(new Expr("kind != 'rehearsal' ? 1.0 : (stages.exists(s, s.passed) ? 2.0 : 3.0)",
                new Loc("unsupported", 1)));
        assertThat(mixed.isFastPath()).isFalse();
        assertThat(mixed.slowPathReason()).hasValueSatisfying(r -> assertThat(r).contains("comprehension"));
    }

    @Test
    void parametersAreFoldedAndAMissingOneFailsLikeCel() throws Exception {
        ExprEnvironment env = new ExprEnvironment(List.of(), Map.of("p", 0.5));
        TestVars vars = FastPathFixtures.randomVars(new Random(1), List.of("loss"), List.of(), List.of(),
                Map.of("p", 0.5));
        CompiledExpr missing = env.compileAny(new Expr("params.nope", new Loc("t", 1)));
        assertThat(missing.isFastPath()).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> missing.evalFast(vars))
                .isInstanceOf(ExprEvaluationException.class).hasMessageContaining("nope");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> missing.evalCel(vars))
                .isInstanceOf(ExprEvaluationException.class);
        assertThat(env.compileAny(new Expr("'nope' in params", new Loc("t", 1))).evalFast(vars)).isEqualTo(false);
        assertThat(env.compileAny(new Expr("params['p']", new Loc("t", 1))).evalFast(vars)).isEqualTo(0.5);
    }

    private static List<TestVars> bindings(Random random, int n, List<String> fieldPool, List<String> derived,
                                           List<String> windows, Map<String, Double> params) {
        List<TestVars> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(FastPathFixtures.randomVars(random, fieldPool, derived, windows, params));
        }
        return out;
    }

    private static final class Stats {
        long expressions;
        long slow;
        long evaluations;
        long decided;
        long bailed;
        long errors;

        @Override
        public String toString() {
            return expressions + " compiled expressions (" + slow + " on the CEL program only), " + evaluations
                    + " differential evaluations: " + decided + " decided by the fast path (" + errors
                    + " of them errors), " + bailed + " handed back to CEL";
        }
    }

    private record Outcome(Object value, boolean error, String message) {
        static Outcome of(Object v) {
            return new Outcome(v, false, null);
        }

        static Outcome failure(String message) {
            return new Outcome(null, true, message);
        }

        boolean sameAs(Outcome o) {
            if (error || o.error) {
                return error == o.error;
            }
            return Objects.equals(value, o.value) && (value == null || value.getClass() == o.value.getClass());
        }

        @Override
        public String toString() {
            return error ? "error(" + message + ")"
                    : value + (value == null ? "" : " (" + value.getClass().getSimpleName() + ")");
        }
    }

    private static void compare(String what, CompiledExpr ce, TestVars vars, Random random, Stats stats,
                                List<String> mismatches) {
        // Half the time through a plain resolver, to cover the adapter for non-FastVariables callers.
        CelVariableResolver resolver = random.nextBoolean() ? vars : vars::find;
        Outcome cel = run(() -> ce.evalCel(resolver));
        Outcome combined = run(() -> ce.eval(resolver));
        stats.evaluations++;
        Outcome fast;
        try {
            fast = Outcome.of(ce.evalFast(resolver));
        } catch (FastOps.Bail b) {
            stats.bailed++;
            fast = null;
        } catch (ExprEvaluationException e) {
            fast = Outcome.failure(e.getMessage());
        } catch (RuntimeException e) {
            fast = Outcome.failure("fast path crashed: " + e);
            record(mismatches, what + "\n  fast path threw " + e + "\n  with " + vars);
        }
        if (fast != null) {
            stats.decided++;
            if (fast.error()) {
                stats.errors++;
            }
            if (!fast.sameAs(cel)) {
                record(mismatches, what + "\n  CEL:  " + cel + "\n  fast: " + fast + "\n  with " + vars);
            }
        }
        if (!combined.sameAs(cel)) {
            record(mismatches, what + " (eval)\n  CEL:  " + cel + "\n  eval: " + combined + "\n  with " + vars);
        }
    }

    private static void record(List<String> mismatches, String m) {
        if (mismatches.size() < 25) {
            mismatches.add(m);
        }
    }

    private interface Eval {
        Object run() throws ExprEvaluationException;
    }

    private static Outcome run(Eval e) {
        try {
            return Outcome.of(e.run());
        } catch (ExprEvaluationException ex) {
            return Outcome.failure(ex.getMessage());
        }
    }
}
