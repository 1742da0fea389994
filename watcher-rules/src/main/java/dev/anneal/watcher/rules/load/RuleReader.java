package dev.anneal.watcher.rules.load;

import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.Severity;
import dev.anneal.watcher.rules.spec.BandSpec;
import dev.anneal.watcher.rules.spec.ExtentSpec;
import dev.anneal.watcher.rules.spec.Expr;
import dev.anneal.watcher.rules.spec.Loc;
import dev.anneal.watcher.rules.spec.RuleSpec;
import dev.anneal.watcher.rules.spec.SelectorSpec;
import dev.anneal.watcher.rules.spec.WindowFn;
import dev.anneal.watcher.rules.spec.WindowSpec;
import dev.anneal.watcher.rules.yaml.YamlNode;
import dev.anneal.watcher.rules.yaml.YamlReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads one entry of a rule file's {@code rules:} list into a {@link RuleSpec}, and the selectors
 * that rules and the pack's promotion share. Problems are reported under the rule's id once it is
 * known ({@code rule kl_high.action: ...}), else under its position ({@code rules[2]: ...}).
 */
final class RuleReader {

    private static final List<String> SELECT_KEYS = List.of("kinds", "present", "where");
    private static final List<String> WINDOW_KEYS = List.of("fn", "of", "last", "span");
    private static final List<String> BAND_KEYS = List.of("of", "below", "above");
    /** Labels the watcher sets on every alert; a rule may not set them. */
    static final List<String> RESERVED_LABELS = List.of("alertname", "run_id", "severity", "action", "pack",
            "synthetic");
    private static final List<String> RULE_KEYS = List.of("id", "description", "select", "windows", "baseline",
            "band", "condition", "value", "threshold", "for", "keep_firing_for", "absent", "severity", "action",
            "labels", "annotations", "reason");
    /** Keys an absence rule cannot have: it fires when no record arrives, so there is nothing to test. */
    private static final List<String> NOT_WITH_ABSENT = List.of("condition", "band", "baseline", "windows", "for",
            "keep_firing_for");

    private final YamlReader yaml;
    private final RuleFileValues values;

    RuleReader(RuleFileValues values) {
        this.yaml = values.yaml;
        this.values = values;
    }

    /** The rule at {@code path} ({@code rules[i]}), or null when it has problems (all reported). */
    RuleSpec rule(YamlNode node, String path) {
        YamlNode.MapNode map = yaml.mapping(node, path, "a rule mapping");
        if (map == null) {
            return null;
        }
        int before = yaml.problems().count();
        yaml.unknownKeys(map, RULE_KEYS, path);
        String id = yaml.string(yaml.required(map, "id", path + ".id: missing"), path + ".id");
        if (id != null) {
            if (!RuleFileValues.RULE_ID.matcher(id).matches()) {
                yaml.problem(map.entries().get("id").loc(), path + ".id: '" + id
                        + "' must start with a letter or _ and contain only letters, digits, _, . and -");
            }
            path = "rule " + id;
        }
        final String rulePath = path;
        Map<String, YamlNode> e = map.entries();
        String description = yaml.optionalString(map, "description", path + ".description").orElse("");
        SelectorSpec select = selector(e.get("select"), path + ".select", map.loc());
        List<WindowSpec> windows = windows(e.get("windows"), path + ".windows");
        Optional<Expr> baseline = values.optionalExpr(map, "baseline", path);
        Optional<BandSpec> band = Optional.ofNullable(e.get("band")).map(n -> band(n, rulePath + ".band"));
        Optional<Expr> condition = values.optionalExpr(map, "condition", path);
        Optional<Expr> value = values.optionalExpr(map, "value", path);
        Optional<Expr> threshold = values.optionalExpr(map, "threshold", path);
        Optional<ExtentSpec> forExtent = Optional.ofNullable(e.get("for"))
                .map(n -> values.extent(n, rulePath + ".for", true, true));
        Optional<ExtentSpec> keep = Optional.ofNullable(e.get("keep_firing_for"))
                .map(n -> values.extent(n, rulePath + ".keep_firing_for", true, true));
        Optional<ExtentSpec> absent = Optional.ofNullable(e.get("absent"))
                .map(n -> values.extent(n, rulePath + ".absent", true, false));
        Severity severity = e.containsKey("severity")
                ? Optional.ofNullable(yaml.oneOf(e.get("severity"), path + ".severity", Severity::parse,
                        "info, warning, critical")).orElse(Severity.WARNING)
                : Severity.WARNING;
        Action action = action(map, path);
        Map<String, String> labels = labels(e.get("labels"), path + ".labels");
        Map<String, Expr> annotations = annotations(e.get("annotations"), path + ".annotations");
        Optional<Expr> reason = values.optionalExpr(map, "reason", path);

        if (e.containsKey("absent")) {
            for (String k : NOT_WITH_ABSENT) {
                if (e.containsKey(k)) {
                    yaml.problem(map.keyLocs().get(k), path + "." + k + ": an absence rule (absent: ...) fires when no "
                            + "record arrives; it cannot also have '" + k + "'");
                }
            }
        } else if (condition.isEmpty() && band.isEmpty()) {
            yaml.problem(map.loc(), path + ": a rule needs 'condition' (a CEL expression), 'band', or 'absent'");
        }
        if (band.isPresent() && baseline.isEmpty()) {
            yaml.problem(map.keyLocs().get("band"), path + ".band: a band is relative to a baseline; add 'baseline: "
                    + "EXPR'");
        }
        if (yaml.problems().count() > before || select == null || id == null || action == null) {
            return null;
        }
        return new RuleSpec(id, description, select, windows, baseline, band, condition, value, threshold,
                forExtent, keep, absent, severity, action, labels, annotations, reason,
                new Loc(map.loc().file(), map.loc().line()));
    }

    private Action action(YamlNode.MapNode map, String path) {
        String text = yaml.string(yaml.required(map, "action", path + ".action: missing; give one of HOLD, FREEZE, "
                + "ROLLBACK"), path + ".action");
        if (text == null) {
            return null;
        }
        Action action = Action.parse(text).filter(Action::isAlertAction).orElse(null);
        if (action == null) {
            yaml.problem(map.entries().get("action").loc(), path + ".action: '" + text
                    + "' is not one of HOLD, FREEZE, ROLLBACK (PASS and PROMOTE are not alert actions)");
        }
        return action;
    }

    private Map<String, String> labels(YamlNode node, String path) {
        Map<String, String> labels = yaml.stringMap(node, path);
        if (node instanceof YamlNode.MapNode labelNode) {
            for (String reserved : RESERVED_LABELS) {
                if (labelNode.keyLocs().containsKey(reserved)) {
                    yaml.problem(labelNode.keyLocs().get(reserved), path + "." + reserved + ": '" + reserved
                            + "' is set by the watcher; choose another label name");
                }
            }
        }
        return labels;
    }

    private Map<String, Expr> annotations(YamlNode node, String path) {
        Map<String, Expr> annotations = new LinkedHashMap<>();
        YamlNode.MapNode map = yaml.mapping(node, path, "a mapping of NAME: template");
        if (map != null) {
            map.entries().forEach((k, v) -> values.expr(v, path + "." + k).ifPresent(x -> annotations.put(k, x)));
        }
        return annotations;
    }

    /** Which records a rule (or the promotion) applies to; {@code parent} is where a missing selector is reported. */
    SelectorSpec selector(YamlNode node, String path, Loc parent) {
        if (node == null) {
            yaml.problem(parent, path + ": missing; say which records this applies to, e.g. select: {kinds: [ppo]}");
            return null;
        }
        if (!(node instanceof YamlNode.MapNode map)) {
            yaml.problem(node.loc(), path + ": expected a mapping with keys kinds, present, where; got "
                    + node.typeName());
            return null;
        }
        yaml.unknownKeys(map, SELECT_KEYS, path);
        YamlNode kindsNode = map.entries().get("kinds");
        Set<RecordKind> kinds = new LinkedHashSet<>();
        if (kindsNode == null) {
            yaml.problem(map.loc(), path + ".kinds: missing; list the record kinds, from " + RuleFileValues.kindIds());
        } else {
            for (String k : yaml.stringList(kindsNode, path + ".kinds")) {
                Optional<RecordKind> kind = RecordKind.fromId(k);
                if (kind.isEmpty()) {
                    yaml.problem(kindsNode.loc(), path + ".kinds: unknown record kind '" + k + "'; expected one of "
                            + RuleFileValues.kindIds());
                } else {
                    kinds.add(kind.get());
                }
            }
            if (kindsNode instanceof YamlNode.Seq seq && seq.items().isEmpty()) {
                yaml.problem(kindsNode.loc(), path + ".kinds: the list is empty; name at least one kind from "
                        + RuleFileValues.kindIds());
            }
        }
        List<String> present = yaml.stringList(map.entries().get("present"), path + ".present");
        Optional<Expr> where = values.optionalExpr(map, "where", path);
        return new SelectorSpec(kinds, present, where);
    }

    private List<WindowSpec> windows(YamlNode node, String path) {
        List<WindowSpec> out = new ArrayList<>();
        YamlNode.MapNode map = yaml.mapping(node, path, "a mapping of NAME: {fn, of, last|span}");
        if (map == null) {
            return out;
        }
        map.entries().forEach((name, value) -> {
            String wpath = path + "." + name;
            if (!RuleFileValues.IDENT.matcher(name).matches()) {
                yaml.problem(map.keyLocs().get(name), wpath + ": a window name must be an identifier (letters, digits, "
                        + "_)");
            }
            YamlNode.MapNode wm = yaml.mapping(value, wpath, "a mapping with fn, of and last or span");
            if (wm != null) {
                window(name, wm, wpath, map.keyLocs().get(name)).ifPresent(out::add);
            }
        });
        return out;
    }

    private Optional<WindowSpec> window(String name, YamlNode.MapNode wm, String wpath, Loc loc) {
        yaml.unknownKeys(wm, WINDOW_KEYS, wpath);
        String fnText = yaml.string(yaml.required(wm, "fn", wpath + ".fn: missing"), wpath + ".fn");
        WindowFn fn = null;
        if (fnText != null) {
            fn = WindowFn.parse(fnText).orElse(null);
            if (fn == null) {
                yaml.problem(wm.entries().get("fn").loc(), wpath + ".fn: '" + fnText + "' is not one of "
                        + Arrays.stream(WindowFn.values()).map(WindowFn::id).collect(Collectors.joining(", ")));
            }
        }
        Optional<Expr> of = values.requiredExpr(wm, "of", wpath + ".of");
        YamlNode last = wm.entries().get("last");
        YamlNode span = wm.entries().get("span");
        ExtentSpec extent = null;
        if ((last == null) == (span == null)) {
            yaml.problem(wm.loc(), wpath + ": give exactly one of 'last: N' (records) or 'span: DURATION' (event "
                    + "time)");
        } else if (last != null) {
            extent = values.extent(last, wpath + ".last", false, true);
        } else {
            extent = values.extent(span, wpath + ".span", true, false);
        }
        if (fn != null && of.isPresent() && extent != null) {
            return Optional.of(new WindowSpec(name, fn, of.get(), extent, span != null, loc));
        }
        return Optional.empty();
    }

    private BandSpec band(YamlNode node, String path) {
        if (!(node instanceof YamlNode.MapNode map)) {
            yaml.problem(node.loc(), path + ": expected a mapping with of, below, above; got " + node.typeName());
            return null;
        }
        yaml.unknownKeys(map, BAND_KEYS, path);
        Optional<Expr> of = values.requiredExpr(map, "of", path + ".of");
        Double below = fraction(map.entries().get("below"), path + ".below");
        Double above = fraction(map.entries().get("above"), path + ".above");
        if (below == null && above == null) {
            yaml.problem(map.loc(), path + ": give 'below' and/or 'above' as fractions of the baseline (0.15 = 15%)");
        }
        return of.map(e -> new BandSpec(e, below, above, map.loc())).orElse(null);
    }

    private Double fraction(YamlNode node, String path) {
        if (node == null) {
            return null;
        }
        if (node instanceof YamlNode.Scalar s && !s.isString() && !s.isNull()) {
            try {
                double d = Double.parseDouble(s.text());
                if (d >= 0 && Double.isFinite(d)) {
                    return d;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        yaml.problem(node.loc(), path + ": expected a non-negative fraction such as 0.15, got "
                + (node instanceof YamlNode.Scalar s ? "'" + s.text() + "'" : node.typeName()));
        return null;
    }
}
