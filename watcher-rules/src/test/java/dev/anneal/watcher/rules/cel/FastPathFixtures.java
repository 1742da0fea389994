package dev.anneal.watcher.rules.cel;

import com.google.common.primitives.UnsignedLong;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.model.FieldValues;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.spec.DeriveSpec;
import dev.anneal.watcher.rules.spec.Expr;
import dev.anneal.watcher.rules.spec.PackSpec;
import dev.anneal.watcher.rules.spec.ParameterSpec;
import dev.anneal.watcher.rules.spec.RuleSpec;
import dev.anneal.watcher.rules.spec.WindowSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Shared fixtures of the fast-path tests: the built-in packs' expressions and random bindings. */
final class FastPathFixtures {

    private FastPathFixtures() {
    }

    /** Where an expression comes from, and whether it is compiled as a boolean. */
    record PackExpr(String pack, String where, Expr expr, boolean bool) {
        @Override
        public String toString() {
            return pack + " " + where + ": " + expr.text();
        }
    }

    /** A pack's expressions: where, condition, value, threshold, baseline, band.of, window.of, derive, templates. */
    static List<PackExpr> expressions(PackSpec pack) {
        List<PackExpr> out = new ArrayList<>();
        String p = pack.name();
        for (DeriveSpec d : pack.derive()) {
            out.add(new PackExpr(p, "derive." + d.name(), d.expr(), false));
        }
        for (RuleSpec r : pack.rules()) {
            String at = "rule " + r.id();
            r.select().where().ifPresent(e -> out.add(new PackExpr(p, at + ".select.where", e, true)));
            for (WindowSpec w : r.windows()) {
                if (!w.of().text().isBlank()) {
                    out.add(new PackExpr(p, at + ".windows." + w.name() + ".of", w.of(), false));
                }
            }
            r.baseline().ifPresent(e -> out.add(new PackExpr(p, at + ".baseline", e, false)));
            r.band().ifPresent(b -> out.add(new PackExpr(p, at + ".band.of", b.of(), false)));
            r.condition().ifPresent(e -> out.add(new PackExpr(p, at + ".condition", e, true)));
            r.value().ifPresent(e -> out.add(new PackExpr(p, at + ".value", e, false)));
            r.threshold().ifPresent(e -> out.add(new PackExpr(p, at + ".threshold", e, false)));
            r.annotations().forEach((k, t) -> placeholders(t).forEach(e ->
                    out.add(new PackExpr(p, at + ".annotations." + k, e, false))));
            r.reason().ifPresent(t -> placeholders(t).forEach(e -> out.add(new PackExpr(p, at + ".reason", e, false))));
        }
        pack.promotion().ifPresent(pr -> {
            pr.select().where().ifPresent(e -> out.add(new PackExpr(p, "promotion.select.where", e, true)));
            out.add(new PackExpr(p, "promotion.condition", pr.condition(), true));
            pr.reason().ifPresent(t -> placeholders(t).forEach(e -> out.add(new PackExpr(p, "promotion.reason", e, false))));
        });
        return out;
    }

    /** The {@code {{ ... }}} placeholders of a template, as {@link Template} splits them. */
    static List<Expr> placeholders(Expr template) {
        List<Expr> out = new ArrayList<>();
        String text = template.text();
        int i = 0;
        while (true) {
            int open = text.indexOf("{{", i);
            if (open < 0) {
                return out;
            }
            int close = text.indexOf("}}", open + 2);
            out.add(new Expr(text.substring(open + 2, close).trim(), template.loc()));
            i = close + 2;
        }
    }

    static List<PackSpec> builtinPacks() throws Exception {
        return BuiltinPacks.all();
    }

    static List<String> derivedNames(PackSpec pack) {
        return pack.derive().stream().map(DeriveSpec::name).toList();
    }

    /** Three parameter sets: the defaults, every parameter set (random values), and none at all. */
    static List<Map<String, Double>> parameterSets(PackSpec pack, Random random) {
        Map<String, Double> defaults = new TreeMap<>();
        Map<String, Double> all = new TreeMap<>();
        for (ParameterSpec ps : pack.parameters()) {
            if (ps.defaultValue() != null) {
                defaults.put(ps.name(), ps.defaultValue());
            }
            all.put(ps.name(), random.nextBoolean() ? (double) random.nextInt(5) : random.nextDouble() * 3);
        }
        return List.of(defaults, all, Map.of());
    }

    private static final Pattern RECORD_KEY = Pattern.compile("record\\.([A-Za-z_][A-Za-z0-9_]*)|record\\['([^']+)'\\]");
    private static final Pattern WINDOW_NAME = Pattern.compile("window\\.([A-Za-z_][A-Za-z0-9_]*)");

    /** Field names worth generating: the catalog plus every {@code record.x} the texts use. */
    static List<String> fieldPool(List<String> texts) {
        Set<String> out = new LinkedHashSet<>(FieldCatalog.fields());
        for (String t : texts) {
            Matcher m = RECORD_KEY.matcher(t);
            while (m.find()) {
                out.add(m.group(1) != null ? m.group(1) : m.group(2));
            }
        }
        out.add("conflict.rivalry_max_mean_avg");
        return List.copyOf(out);
    }

    static List<String> windowNames(List<String> texts) {
        Set<String> out = new LinkedHashSet<>(List.of("w1", "w2"));
        for (String t : texts) {
            Matcher m = WINDOW_NAME.matcher(t);
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return List.copyOf(out);
    }

    private static final double[] SPECIAL = {0.0, -0.0, 1.0, -1.0, 0.5, 0.85, 0.9, 0.15, 2.0, 2.5, 3.0, 0.05, 600,
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e300, -1e300, Double.MIN_VALUE,
        9.223372036854775807e18, -9.223372036854775808e18, 1.8446744073709552e19};
    private static final String[] STRINGS = {"", "rollout", "replay", "pass", "hold", "fail", "simple", "full", "bc",
        "ppo", "rehearsal", "stage-1", "x", "\uD83D\uDE00", "\uFFFF"};
    private static final long[] LONGS = {0, 1, -1, 2, 3, 100, Long.MAX_VALUE, Long.MIN_VALUE, -9};

    static double randomDouble(Random r) {
        switch (r.nextInt(4)) {
            case 0:
                return SPECIAL[r.nextInt(SPECIAL.length)];
            case 1:
                return r.nextGaussian();
            case 2:
                return r.nextDouble() * 4 - 1;
            default:
                return Math.rint(r.nextGaussian() * 20);
        }
    }

    /** A random value as a record field (or derived value) might hold, including wrong types. */
    static Object randomValue(Random r) {
        int k = r.nextInt(100);
        if (k < 55) {
            return randomDouble(r);
        }
        if (k < 63) {
            return FieldValues.NULL;
        }
        if (k < 71) {
            return STRINGS[r.nextInt(STRINGS.length)];
        }
        if (k < 79) {
            return r.nextBoolean();
        }
        if (k < 87) {
            return r.nextBoolean() ? LONGS[r.nextInt(LONGS.length)] : (long) r.nextInt(50) - 10;
        }
        if (k < 90) {
            return UnsignedLong.valueOf(r.nextInt(10));
        }
        if (k < 94) {
            return r.nextBoolean() ? List.of() : List.of(1.0, "a", false);
        }
        if (k < 97) {
            return r.nextBoolean() ? Map.of() : Map.of("mode", "bc", "passed", false);
        }
        return r.nextBoolean() ? (Object) r.nextInt(5) : (Object) 1.5f; // not CEL types: the fast path bails
    }

    /** One random variable binding. */
    static TestVars randomVars(Random r, List<String> fieldPool, List<String> derived, List<String> windows,
                               Map<String, Double> params) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (String f : fieldPool) {
            int k = r.nextInt(100);
            if (k < 25) {
                continue; // absent
            }
            if (k < 26) {
                fields.put(f, null); // a Java null: CEL sees an unknown
            } else {
                fields.put(f, randomValue(r));
            }
        }
        Map<String, Object> derivedValues = new HashMap<>();
        for (String d : derived) {
            if (r.nextInt(100) >= 15) {
                derivedValues.put(d, randomValue(r));
            }
        }
        Map<String, Object> window = new HashMap<>();
        for (String w : windows) {
            int k = r.nextInt(100);
            if (k < 3) {
                continue;
            }
            window.put(w, k < 5 ? (Object) 2L : (Object) randomDouble(r));
        }
        Map<String, Object> alert = new HashMap<>();
        alert.put("value", r.nextInt(4) == 0 ? FieldValues.NULL : randomDouble(r));
        alert.put("threshold", r.nextInt(4) == 0 ? FieldValues.NULL : randomDouble(r));
        RecordKind[] kinds = RecordKind.values();
        String kind = r.nextInt(10) == 0 ? "" : kinds[r.nextInt(kinds.length)].id();
        Double baseline = r.nextInt(4) == 0 ? null : randomDouble(r);
        return new TestVars(fields, derivedValues, params, window, alert, kind, "run-" + r.nextInt(3), baseline);
    }

    /** A variable binding with the same lookup rules as the engine's evaluation context. */
    record TestVars(Map<String, Object> fields, Map<String, Object> derived, Map<String, Double> paramMap,
                    Map<String, Object> windowMap, Map<String, Object> alertMap, String kindId, String run,
                    Double baselineValue) implements FastVariables {

        @Override
        public Optional<Object> find(String name) {
            switch (name) {
                case ExprEnvironment.RECORD:
                    return Optional.of(fields);
                case ExprEnvironment.PARAMS:
                    return Optional.of(paramMap);
                case ExprEnvironment.WINDOW:
                    return Optional.of(windowMap);
                case ExprEnvironment.ALERT:
                    return Optional.of(alertMap);
                case ExprEnvironment.KIND:
                    return Optional.of(kindId);
                case ExprEnvironment.RUN_ID:
                    return Optional.of(run);
                case ExprEnvironment.BASELINE:
                    return Optional.ofNullable(baselineValue);
                default:
                    return Optional.ofNullable(variable(name));
            }
        }

        @Override
        public Object variable(String name) {
            Object d = derived.get(name);
            return d != null ? d : fields.get(name);
        }

        @Override
        public Object record() {
            return fields;
        }

        @Override
        public Object params() {
            return paramMap;
        }

        @Override
        public Object window() {
            return windowMap;
        }

        @Override
        public Object alert() {
            return alertMap;
        }

        @Override
        public Object kind() {
            return kindId;
        }

        @Override
        public Object runId() {
            return run;
        }

        @Override
        public Object baseline() {
            return baselineValue;
        }

        @Override
        public String toString() {
            return "fields=" + fields + " derived=" + derived + " params=" + paramMap + " window=" + windowMap
                    + " alert=" + alertMap + " kind=" + kindId + " baseline=" + baselineValue;
        }
    }
}
