package dev.anneal.watcher.rules.load;

import dev.anneal.watcher.rules.cel.CompiledExpr;
import dev.anneal.watcher.rules.cel.ExprCompileException;
import dev.anneal.watcher.rules.cel.ExprEnvironment;
import dev.anneal.watcher.rules.cel.Template;
import dev.anneal.watcher.rules.engine.CompiledPack;
import dev.anneal.watcher.rules.engine.CompiledPromotion;
import dev.anneal.watcher.rules.engine.CompiledRule;
import dev.anneal.watcher.rules.engine.CompiledWindow;
import dev.anneal.watcher.rules.engine.Extent;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.spec.DeriveSpec;
import dev.anneal.watcher.rules.spec.ExtentSpec;
import dev.anneal.watcher.rules.spec.Expr;
import dev.anneal.watcher.rules.spec.PackSpec;
import dev.anneal.watcher.rules.spec.ParameterSpec;
import dev.anneal.watcher.rules.spec.PromotionSpec;
import dev.anneal.watcher.rules.spec.RuleSpec;
import dev.anneal.watcher.rules.spec.WindowFn;
import dev.anneal.watcher.rules.spec.WindowSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns loaded packs plus {@code --param} overrides into a {@link RuleSet}: resolves parameters,
 * compiles every CEL expression and template once, checks that every {@code params.NAME} and
 * {@code window.NAME} refers to something declared, disables the rules whose parameters are
 * {@code none}, and computes the rule-set digest. All problems are collected and reported
 * together, each with {@code file:line}.
 */
public final class RuleSetCompiler {

    private static final Pattern PARAM_USE = Pattern.compile("\\bparams\\.([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern WINDOW_USE = Pattern.compile("\\bwindow\\.([A-Za-z_][A-Za-z0-9_]*)");

    private final List<String> problems = new ArrayList<>();
    private final Map<String, Double> params = new TreeMap<>();
    private final Set<String> declared = new LinkedHashSet<>();
    private int nextRuleIndex;
    private int nextPromotionIndex;

    private RuleSetCompiler() {
    }

    /**
     * Compiles packs with parameter overrides ({@code name -> "0.5"} or {@code "none"}).
     *
     * @throws RuleLoadException listing every problem (exit 78 in the CLI)
     */
    public static RuleSet compile(List<PackSpec> packs, Map<String, String> overrides) throws RuleLoadException {
        return new RuleSetCompiler().run(packs, overrides);
    }

    private RuleSet run(List<PackSpec> packs, Map<String, String> overrides) throws RuleLoadException {
        Map<String, String> packOfRule = new LinkedHashMap<>();
        Map<String, String> packNames = new LinkedHashMap<>();
        Map<String, ParameterSpec> paramDecl = new LinkedHashMap<>();
        for (PackSpec pack : packs) {
            if (packNames.put(pack.name(), pack.source()) != null) {
                problems.add(pack.source() + ":1: pack '" + pack.name() + "' is given twice (also "
                        + packNames.get(pack.name()) + ")");
            }
            for (RuleSpec rule : pack.rules()) {
                String other = packOfRule.putIfAbsent(rule.id(), pack.name());
                if (other != null && !other.equals(pack.name())) {
                    problems.add(rule.loc() + ": rule id '" + rule.id() + "' is also defined in pack '" + other
                            + "'; rule ids must be unique across the packs given together");
                }
            }
            for (ParameterSpec p : pack.parameters()) {
                ParameterSpec prev = paramDecl.putIfAbsent(p.name(), p);
                if (prev != null && !java.util.Objects.equals(prev.defaultValue(), p.defaultValue())) {
                    problems.add(p.loc() + ": parameter '" + p.name() + "' is also declared at " + prev.loc()
                            + " with a different default (" + show(prev.defaultValue()) + " vs "
                            + show(p.defaultValue()) + ")");
                }
            }
        }
        paramDecl.forEach((name, p) -> {
            declared.add(name);
            if (p.defaultValue() != null) {
                params.put(name, p.defaultValue());
            }
        });
        overrides.forEach((name, text) -> {
            if (!declared.contains(name)) {
                problems.add("--param " + name + "=" + text + ": unknown parameter '" + name + "'; the packs given declare: "
                        + (declared.isEmpty() ? "(none)" : String.join(", ", declared)));
                return;
            }
            String t = text.trim();
            if (t.equals("none")) {
                params.remove(name);
                return;
            }
            try {
                double v = Double.parseDouble(t);
                if (!Double.isFinite(v)) {
                    throw new NumberFormatException();
                }
                params.put(name, v);
            } catch (NumberFormatException e) {
                problems.add("--param " + name + "=" + text + ": expected a finite number or none");
            }
        });

        List<CompiledPack> compiled = new ArrayList<>();
        for (PackSpec pack : packs) {
            CompiledPack cp = pack(pack);
            if (cp != null) {
                compiled.add(cp);
            }
        }
        if (!problems.isEmpty()) {
            throw new RuleLoadException(problems);
        }
        return new RuleSet(compiled, params, digest(packs));
    }

    private CompiledPack pack(PackSpec pack) {
        List<String> derivedNames = new ArrayList<>();
        for (DeriveSpec d : pack.derive()) {
            derivedNames.add(d.name());
        }
        ExprEnvironment env = new ExprEnvironment(derivedNames, params);
        Map<String, CompiledExpr> derive = new LinkedHashMap<>();
        for (DeriveSpec d : pack.derive()) {
            if (!checkParams(d.expr(), "derive." + d.name()).isEmpty()) {
                problems.add(d.expr().loc() + ": derive." + d.name()
                        + ": a derived value cannot use a parameter that is none");
            }
            CompiledExpr e = compile(env, d.expr(), "derive." + d.name(), false);
            if (e != null) {
                derive.put(d.name(), e);
            }
        }
        List<CompiledRule> rules = new ArrayList<>();
        Map<String, String> disabled = new LinkedHashMap<>();
        for (RuleSpec spec : pack.rules()) {
            int before = problems.size();
            Set<String> none = new LinkedHashSet<>();
            exprsOf(spec).forEach(e -> none.addAll(checkParams(e, "rule " + spec.id())));
            extentsOf(spec).forEach(x -> none.addAll(checkExtentParam(x, "rule " + spec.id())));
            checkWindows(spec);
            CompiledRule rule = rule(env, pack, spec);
            if (problems.size() > before || rule == null) {
                continue;
            }
            if (!none.isEmpty()) {
                disabled.put(spec.id(), "parameter " + String.join(", ", none) + " is none");
                continue;
            }
            rules.add(withIndex(rule, nextRuleIndex++));
        }
        CompiledPromotion promotion = null;
        if (pack.promotion().isPresent()) {
            PromotionSpec ps = pack.promotion().get();
            Set<String> none = new LinkedHashSet<>();
            List<Expr> exprs = new ArrayList<>();
            exprs.add(ps.condition());
            ps.select().where().ifPresent(exprs::add);
            ps.reason().ifPresent(exprs::add);
            exprs.forEach(e -> none.addAll(checkParams(e, "promotion")));
            none.addAll(checkExtentParam(ps.consecutive(), "promotion"));
            CompiledExpr where = ps.select().where().map(w -> compile(env, w, "promotion.select.where", true))
                    .orElse(null);
            CompiledExpr cond = compile(env, ps.condition(), "promotion.condition", true);
            Template reason = ps.reason().map(r -> template(env, r, "promotion.reason")).orElse(null);
            Extent consecutive = none.isEmpty() ? resolve(ps.consecutive(), false, "promotion.consecutive") : null;
            if (none.isEmpty() && cond != null && consecutive != null) {
                promotion = new CompiledPromotion(pack.name(), nextPromotionIndex++, ps.select().kinds(),
                        ps.select().present(), where, cond, consecutive.records(), reason);
            } else if (!none.isEmpty()) {
                disabled.put("promotion", "parameter " + String.join(", ", none) + " is none");
            }
        }
        return new CompiledPack(pack, derive, rules, disabled, promotion);
    }

    private CompiledRule rule(ExprEnvironment env, PackSpec pack, RuleSpec spec) {
        String at = "rule " + spec.id();
        scope = Scope.rule(spec.baseline().isPresent());
        try {
            return ruleInScope(env, pack, spec, at);
        } finally {
            scope = Scope.PACK;
        }
    }

    private CompiledRule ruleInScope(ExprEnvironment env, PackSpec pack, RuleSpec spec, String at) {
        Scope ruleScope = scope;
        scope = new Scope(false, false, false, "a selector (evaluated before the rule's windows and baseline)");
        CompiledExpr where = spec.select().where().map(w -> compile(env, w, at + ".select.where", true)).orElse(null);
        scope = ruleScope;
        List<CompiledWindow> windows = new ArrayList<>();
        for (WindowSpec w : spec.windows()) {
            CompiledExpr of = compile(env, w.of(), at + ".windows." + w.name() + ".of", false);
            Extent extent = resolveIfNoNone(w.extent(), w.span(), at + ".windows." + w.name());
            if (of != null && extent != null) {
                windows.add(new CompiledWindow(w.name(), w.fn(), of, extent));
            }
        }
        scope = new Scope(false, false, false, "a baseline expression (computed before the windows)");
        CompiledExpr baseline = spec.baseline().map(b -> compile(env, b, at + ".baseline", false)).orElse(null);
        scope = ruleScope;
        CompiledExpr bandOf = spec.band().map(b -> compile(env, b.of(), at + ".band.of", false)).orElse(null);
        CompiledExpr condition = spec.condition().map(c -> compile(env, c, at + ".condition", true)).orElse(null);
        CompiledExpr value = spec.value().map(v -> compile(env, v, at + ".value", false)).orElse(null);
        CompiledExpr threshold = spec.threshold().map(v -> compile(env, v, at + ".threshold", false)).orElse(null);
        Extent forExtent = spec.forExtent().map(x -> resolveIfNoNone(x, false, at + ".for")).orElse(null);
        Extent keep = spec.keepFiringFor().map(x -> resolveIfNoNone(x, false, at + ".keep_firing_for")).orElse(null);
        Extent absent = spec.absent().map(x -> resolveIfNoNone(x, true, at + ".absent")).orElse(null);
        Map<String, Template> annotations = new LinkedHashMap<>();
        spec.annotations().forEach((k, v) -> {
            Template t = template(env, v, at + ".annotations." + k);
            if (t != null) {
                annotations.put(k, t);
            }
        });
        Template reason = spec.reason().map(r -> template(env, r, at + ".reason")).orElse(null);
        Map<String, String> labels = new TreeMap<>(spec.labels());
        return new CompiledRule(spec, pack.name(), -1, fingerprint(pack, spec), spec.select().kinds(),
                spec.select().present(), where, windows, baseline, bandOf,
                spec.band().map(b -> b.below()).orElse(null), spec.band().map(b -> b.above()).orElse(null),
                condition, value, threshold, forExtent, keep, absent, annotations, reason, labels);
    }

    private static CompiledRule withIndex(CompiledRule r, int index) {
        return new CompiledRule(r.spec(), r.pack(), index, r.fingerprint(), r.kinds(), r.present(), r.where(),
                r.windows(), r.baseline(), r.bandOf(), r.bandBelow(), r.bandAbove(), r.condition(), r.value(),
                r.threshold(), r.forExtent(), r.keepFiringFor(), r.absent(), r.annotations(), r.reason(), r.labels());
    }

    /**
     * Which rule-scoped variables an expression may read where it stands: {@code window.*} and
     * {@code baseline} belong to the rule that declares them, {@code alert.*} to its templates.
     * Outside their scope they would read whatever the last rule left behind, so using them there
     * is a load error.
     */
    private record Scope(boolean window, boolean baseline, boolean alert, String what) {
        static final Scope PACK = new Scope(false, false, false, "a pack-level expression (derive or promotion)");

        static Scope rule(boolean hasBaseline) {
            return new Scope(true, hasBaseline, false, "a rule expression");
        }

        static Scope template(boolean hasBaseline) {
            return new Scope(true, hasBaseline, true, "a template");
        }
    }

    private Scope scope = Scope.PACK;

    private void checkScope(java.util.Set<String> identifiers, Expr expr, String at) {
        for (String id : identifiers) {
            String problem = null;
            if (id.equals("window") || id.startsWith("window.")) {
                if (!scope.window()) {
                    problem = "'" + id + "' cannot be used in " + scope.what()
                            + ": windows belong to the rule that declares them";
                }
            } else if (id.equals("baseline")) {
                if (!scope.baseline()) {
                    problem = "'baseline' is only defined in a rule that declares 'baseline:'";
                }
            } else if (id.equals("alert") || id.startsWith("alert.")) {
                if (!scope.alert()) {
                    problem = "'" + id + "' exists only in a rule's annotations and reason";
                }
            }
            if (problem != null) {
                problems.add(expr.loc() + ": " + at + ": " + problem);
            }
        }
    }

    private CompiledExpr compile(ExprEnvironment env, Expr expr, String at, boolean bool) {
        try {
            CompiledExpr compiled = bool ? env.compileBool(expr) : env.compileAny(expr);
            checkScope(compiled.identifiers(), expr, at);
            return compiled;
        } catch (ExprCompileException e) {
            problems.add(expr.loc() + ": " + at + ": " + e.getMessage().replace("\n", "\n    "));
            return null;
        }
    }

    private Template template(ExprEnvironment env, Expr expr, String at) {
        Scope outer = scope;
        if (scope.window()) {
            scope = Scope.template(scope.baseline());
        }
        try {
            Template compiled = Template.compile(expr, env);
            checkScope(compiled.identifiers(), expr, at);
            return compiled;
        } catch (ExprCompileException e) {
            problems.add(expr.loc() + ": " + at + ": " + e.getMessage().replace("\n", "\n    "));
            return null;
        } finally {
            scope = outer;
        }
    }

    /** Reports undeclared parameters; returns the declared ones that are none. */
    private Set<String> checkParams(Expr expr, String at) {
        Set<String> none = new LinkedHashSet<>();
        Matcher m = PARAM_USE.matcher(expr.text());
        while (m.find()) {
            String name = m.group(1);
            if (!declared.contains(name)) {
                problems.add(expr.loc() + ": " + at + ": unknown parameter 'params." + name + "'; declare it under "
                        + "'parameters:' (declared: " + (declared.isEmpty() ? "none" : String.join(", ", declared)) + ")");
            } else if (!params.containsKey(name)) {
                none.add(name);
            }
        }
        return none;
    }

    private Set<String> checkExtentParam(ExtentSpec x, String at) {
        if (x instanceof ExtentSpec.Param p) {
            if (!declared.contains(p.name())) {
                problems.add(p.loc() + ": " + at + ": unknown parameter 'params." + p.name() + "'; declare it under "
                        + "'parameters:'");
            } else if (!params.containsKey(p.name())) {
                return Set.of(p.name());
            }
        }
        return Set.of();
    }

    private void checkWindows(RuleSpec spec) {
        Set<String> names = new LinkedHashSet<>();
        spec.windows().forEach(w -> names.add(w.name()));
        for (Expr e : exprsOf(spec)) {
            Matcher m = WINDOW_USE.matcher(e.text());
            while (m.find()) {
                if (!names.contains(m.group(1))) {
                    problems.add(e.loc() + ": rule " + spec.id() + ": unknown window 'window." + m.group(1)
                            + "'; declare it under 'windows:' (declared: "
                            + (names.isEmpty() ? "none" : String.join(", ", names)) + ")");
                }
            }
        }
        for (WindowSpec w : spec.windows()) {
            if (w.fn() == WindowFn.COUNT && w.of().text().isBlank()) {
                problems.add(w.loc() + ": rule " + spec.id() + ".windows." + w.name() + ": count needs a boolean 'of'");
            }
        }
    }

    private Extent resolveIfNoNone(ExtentSpec x, boolean time, String at) {
        if (x instanceof ExtentSpec.Param p && !params.containsKey(p.name())) {
            return null;
        }
        return resolve(x, time, at);
    }

    /** Resolves an extent; a parameter means seconds when {@code time}, else a record count. */
    private Extent resolve(ExtentSpec x, boolean time, String at) {
        if (x instanceof ExtentSpec.Records r) {
            return Extent.records(r.count());
        }
        if (x instanceof ExtentSpec.Time t) {
            return Extent.millis(t.duration().toMillis());
        }
        ExtentSpec.Param p = (ExtentSpec.Param) x;
        Double v = params.get(p.name());
        if (v == null) {
            return null;
        }
        if (time) {
            if (v <= 0) {
                problems.add(p.loc() + ": " + at + ": parameter " + p.name() + " = " + show(v)
                        + " is used as seconds and must be > 0");
                return null;
            }
            return Extent.millis(Math.round(v * 1000));
        }
        if (v < 1 || v != Math.rint(v)) {
            problems.add(p.loc() + ": " + at + ": parameter " + p.name() + " = " + show(v)
                    + " is used as a record count and must be a whole number >= 1");
            return null;
        }
        return Extent.records(v.intValue());
    }

    private static List<Expr> exprsOf(RuleSpec spec) {
        List<Expr> out = new ArrayList<>();
        spec.select().where().ifPresent(out::add);
        spec.windows().forEach(w -> out.add(w.of()));
        spec.baseline().ifPresent(out::add);
        spec.band().ifPresent(b -> out.add(b.of()));
        spec.condition().ifPresent(out::add);
        spec.value().ifPresent(out::add);
        spec.threshold().ifPresent(out::add);
        out.addAll(spec.annotations().values());
        spec.reason().ifPresent(out::add);
        return out;
    }

    private static List<ExtentSpec> extentsOf(RuleSpec spec) {
        List<ExtentSpec> out = new ArrayList<>();
        spec.windows().forEach(w -> out.add(w.extent()));
        spec.forExtent().ifPresent(out::add);
        spec.keepFiringFor().ifPresent(out::add);
        spec.absent().ifPresent(out::add);
        return out;
    }

    private String fingerprint(PackSpec pack, RuleSpec spec) {
        StringBuilder sb = new StringBuilder(pack.name()).append('\n').append(stripLocs(spec.toString()));
        Matcher m = PARAM_USE.matcher(spec.toString());
        Set<String> used = new java.util.TreeSet<>();
        while (m.find()) {
            used.add(m.group(1));
        }
        extentsOf(spec).forEach(x -> {
            if (x instanceof ExtentSpec.Param p) {
                used.add(p.name());
            }
        });
        used.forEach(u -> sb.append('\n').append(u).append('=').append(exact(params.get(u))));
        return sha256(sb.toString());
    }

    private static String stripLocs(String s) {
        return s.replaceAll("Loc\\[file=[^,]*, line=\\d+]", "");
    }

    private String digest(List<PackSpec> packs) {
        StringBuilder sb = new StringBuilder();
        for (PackSpec p : packs) {
            sb.append("pack ").append(p.name()).append('\n').append(p.sourceText()).append('\n');
        }
        params.forEach((k, v) -> sb.append("param ").append(k).append('=').append(exact(v)).append('\n'));
        declared.stream().filter(d -> !params.containsKey(d)).sorted()
                .forEach(d -> sb.append("param ").append(d).append("=none\n"));
        return "sha256:" + sha256(sb.toString());
    }

    static String sha256(String s) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    /** Exact text of a parameter value, for digests and fingerprints (never rounded). */
    private static String exact(Double v) {
        return v == null ? "none" : Double.toString(v);
    }

    private static String show(Double v) {
        return v == null ? "none" : Template.formatNumber(v);
    }
}
