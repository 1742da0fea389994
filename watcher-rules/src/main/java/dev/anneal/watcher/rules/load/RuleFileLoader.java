package dev.anneal.watcher.rules.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.Severity;
import dev.anneal.watcher.rules.spec.BandSpec;
import dev.anneal.watcher.rules.spec.DeriveSpec;
import dev.anneal.watcher.rules.spec.ExtentSpec;
import dev.anneal.watcher.rules.spec.Expr;
import dev.anneal.watcher.rules.spec.Loc;
import dev.anneal.watcher.rules.spec.PackSpec;
import dev.anneal.watcher.rules.spec.ParameterSpec;
import dev.anneal.watcher.rules.spec.PromotionSpec;
import dev.anneal.watcher.rules.spec.Requirement;
import dev.anneal.watcher.rules.spec.RuleSpec;
import dev.anneal.watcher.rules.spec.SelectorSpec;
import dev.anneal.watcher.rules.spec.WindowFn;
import dev.anneal.watcher.rules.spec.WindowSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads one rule file into a {@link PackSpec}, strictly: unknown keys, wrong types, missing
 * required keys and malformed durations are all reported with {@code file:line} and a message
 * that says what to write instead. Every problem in the file is collected before failing.
 * Expressions are not compiled here; {@link RuleSetCompiler} does that with the whole rule set
 * in view.
 */
public final class RuleFileLoader {

    static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    static final Pattern RULE_ID = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
    private static final Pattern PARAM_REF = Pattern.compile("params\\.([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private static final Set<String> TOP_KEYS = orderedSet("pack", "description", "parameters", "requires",
            "derive", "promotion", "rules");
    private static final Set<String> PARAM_KEYS = orderedSet("default", "description");
    private static final Set<String> REQUIRE_KEYS = orderedSet("numeric", "text");
    private static final Set<String> PROMOTION_KEYS = orderedSet("description", "select", "condition",
            "consecutive", "reason");
    private static final Set<String> SELECT_KEYS = orderedSet("kinds", "present", "where");
    private static final Set<String> WINDOW_KEYS = orderedSet("fn", "of", "last", "span");
    private static final Set<String> BAND_KEYS = orderedSet("of", "below", "above");
    /** Labels the watcher sets on every alert; a rule may not set them. */
    static final List<String> RESERVED_LABELS = List.of("alertname", "run_id", "severity", "action", "pack",
            "synthetic");
    private static final Set<String> RULE_KEYS = orderedSet("id", "description", "select", "windows", "baseline",
            "band", "condition", "value", "threshold", "for", "keep_firing_for", "absent", "severity", "action",
            "labels", "annotations", "reason");

    private final List<String> problems = new ArrayList<>();

    private RuleFileLoader() {
    }

    /**
     * Parses {@code text} (the content of {@code source}).
     *
     * @throws RuleLoadException listing every problem found
     */
    public static PackSpec load(String source, String text) throws RuleLoadException {
        RuleFileLoader loader = new RuleFileLoader();
        YamlNode root;
        try {
            root = YamlNode.parse(source, text);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
            throw new RuleLoadException(List.of(source + ":" + line + ": invalid YAML: " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new RuleLoadException(List.of(source + ":1: cannot read: " + e.getMessage()));
        }
        PackSpec pack = loader.pack(root, source, text);
        if (!loader.problems.isEmpty()) {
            throw new RuleLoadException(loader.problems);
        }
        return pack;
    }

    private PackSpec pack(YamlNode root, String source, String text) {
        if (!(root instanceof YamlNode.MapNode map)) {
            problem(root.loc(), "a rule file is a mapping with keys " + String.join(", ", TOP_KEYS)
                    + "; got " + root.typeName());
            return null;
        }
        checkKeys(map, TOP_KEYS, "rule file");
        String name = requiredString(map, "pack", "pack");
        if (name != null && !RULE_ID.matcher(name).matches()) {
            problem(map.entries().get("pack").loc(), "pack: name '" + name
                    + "' must start with a letter or _ and contain only letters, digits, _, . and -");
        }
        String description = optionalString(map, "description", "description").orElse("");
        List<ParameterSpec> params = parameters(map.entries().get("parameters"));
        Map<RecordKind, Requirement> requires = requires(map.entries().get("requires"));
        List<DeriveSpec> derive = derive(map.entries().get("derive"));
        Optional<PromotionSpec> promotion = Optional.ofNullable(map.entries().get("promotion"))
                .map(this::promotion);
        List<RuleSpec> rules = new ArrayList<>();
        YamlNode rulesNode = map.entries().get("rules");
        if (rulesNode == null) {
            problem(map.loc(), "missing key 'rules': a pack needs a list of rules");
        } else if (rulesNode instanceof YamlNode.Seq seq) {
            if (seq.items().isEmpty()) {
                problem(seq.loc(), "rules: the list is empty; a pack needs at least one rule");
            }
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < seq.items().size(); i++) {
                RuleSpec rule = rule(seq.items().get(i), "rules[" + i + "]");
                if (rule != null && !ids.add(rule.id())) {
                    problem(rule.loc(), "rules[" + i + "].id: duplicate rule id '" + rule.id() + "'");
                }
                if (rule != null) {
                    rules.add(rule);
                }
            }
        } else {
            problem(rulesNode.loc(), "rules: expected a list of rules, got " + rulesNode.typeName());
        }
        if (!problems.isEmpty()) {
            return null;
        }
        return new PackSpec(name, description, params, requires, derive, promotion, rules, source, text);
    }

    private List<ParameterSpec> parameters(YamlNode node) {
        List<ParameterSpec> out = new ArrayList<>();
        if (node == null) {
            return out;
        }
        if (!(node instanceof YamlNode.MapNode map)) {
            problem(node.loc(), "parameters: expected a mapping of NAME: {default: ..., description: ...}, got "
                    + node.typeName());
            return out;
        }
        map.entries().forEach((name, value) -> {
            String path = "parameters." + name;
            if (!IDENT.matcher(name).matches()) {
                problem(map.keyLocs().get(name), path + ": a parameter name must be an identifier (letters, digits, _)");
            }
            if (!(value instanceof YamlNode.MapNode pm)) {
                problem(value.loc(), path + ": expected a mapping with 'default' and 'description', got "
                        + value.typeName());
                return;
            }
            checkKeys(pm, PARAM_KEYS, path);
            YamlNode def = pm.entries().get("default");
            Double defaultValue = null;
            if (def == null) {
                problem(pm.loc(), path + ": missing key 'default' (a number, or none)");
            } else {
                defaultValue = parameterValue(def, path + ".default");
            }
            String description = optionalString(pm, "description", path + ".description").orElse("");
            out.add(new ParameterSpec(name, defaultValue, description, map.keyLocs().get(name)));
        });
        return out;
    }

    private Double parameterValue(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s) {
            if (s.isNull()) {
                problem(node.loc(), path + ": expected a finite number or none, got null; write none to disable the "
                        + "rules that use it");
                return null;
            }
            if (s.text().equals("none")) {
                return null;
            }
            Double d = finite(s.text());
            if (d != null && !s.isString()) {
                return d;
            }
            if (d != null) {
                problem(node.loc(), path + ": expected a finite number or none, got the string \"" + s.text()
                        + "\"; write the number without quotes");
                return null;
            }
            problem(node.loc(), path + ": expected a finite number or none, got '" + s.text() + "'");
            return null;
        }
        problem(node.loc(), path + ": expected a finite number or none, got " + node.typeName());
        return null;
    }

    private static Double finite(String text) {
        try {
            double d = Double.parseDouble(text);
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private Map<RecordKind, Requirement> requires(YamlNode node) {
        Map<RecordKind, Requirement> out = new EnumMap<>(RecordKind.class);
        if (node == null) {
            return out;
        }
        if (!(node instanceof YamlNode.MapNode map)) {
            problem(node.loc(), "requires: expected a mapping of KIND: {numeric: [...], text: [...]}, got "
                    + node.typeName());
            return out;
        }
        map.entries().forEach((kindId, value) -> {
            String path = "requires." + kindId;
            Optional<RecordKind> kind = RecordKind.fromId(kindId);
            if (kind.isEmpty()) {
                problem(map.keyLocs().get(kindId), path + ": unknown record kind '" + kindId + "'; expected one of "
                        + kindIds());
                return;
            }
            if (!(value instanceof YamlNode.MapNode rm)) {
                problem(value.loc(), path + ": expected a mapping with 'numeric' and/or 'text' lists, got "
                        + value.typeName());
                return;
            }
            checkKeys(rm, REQUIRE_KEYS, path);
            List<String> numeric = stringList(rm.entries().get("numeric"), path + ".numeric");
            List<String> text = stringList(rm.entries().get("text"), path + ".text");
            out.put(kind.get(), new Requirement(kind.get(), numeric, text, map.keyLocs().get(kindId)));
        });
        return out;
    }

    private List<DeriveSpec> derive(YamlNode node) {
        List<DeriveSpec> out = new ArrayList<>();
        if (node == null) {
            return out;
        }
        if (!(node instanceof YamlNode.MapNode map)) {
            problem(node.loc(), "derive: expected a mapping of NAME: CEL expression, got " + node.typeName());
            return out;
        }
        map.entries().forEach((name, value) -> {
            String path = "derive." + name;
            if (!IDENT.matcher(name).matches()) {
                problem(map.keyLocs().get(name), path + ": a derived name must be an identifier (letters, digits, _)");
            }
            expr(value, path).ifPresent(e -> out.add(new DeriveSpec(name, e)));
        });
        return out;
    }

    private PromotionSpec promotion(YamlNode node) {
        if (!(node instanceof YamlNode.MapNode map)) {
            problem(node.loc(), "promotion: expected a mapping with keys " + String.join(", ", PROMOTION_KEYS)
                    + ", got " + node.typeName());
            return null;
        }
        checkKeys(map, PROMOTION_KEYS, "promotion");
        String description = optionalString(map, "description", "promotion.description").orElse("");
        SelectorSpec select = selector(map.entries().get("select"), "promotion.select", map.loc());
        Optional<Expr> condition = requiredExpr(map, "condition", "promotion.condition");
        YamlNode consecutiveNode = map.entries().get("consecutive");
        ExtentSpec consecutive = consecutiveNode == null
                ? new ExtentSpec.Records(1, map.loc())
                : extent(consecutiveNode, "promotion.consecutive", false, true);
        Optional<Expr> reason = Optional.ofNullable(map.entries().get("reason")).flatMap(n -> expr(n, "promotion.reason"));
        if (select == null || condition.isEmpty() || consecutive == null) {
            return null;
        }
        return new PromotionSpec(description, select, condition.get(), consecutive, reason, map.loc());
    }

    private RuleSpec rule(YamlNode node, String path) {
        if (!(node instanceof YamlNode.MapNode map)) {
            problem(node.loc(), path + ": expected a rule mapping, got " + node.typeName());
            return null;
        }
        int before = problems.size();
        checkKeys(map, RULE_KEYS, path);
        String id = requiredString(map, "id", path + ".id");
        if (id != null) {
            if (!RULE_ID.matcher(id).matches()) {
                problem(map.entries().get("id").loc(), path + ".id: '" + id
                        + "' must start with a letter or _ and contain only letters, digits, _, . and -");
            }
            path = "rule " + id;
        }
        String description = optionalString(map, "description", path + ".description").orElse("");
        SelectorSpec select = selector(map.entries().get("select"), path + ".select", map.loc());
        List<WindowSpec> windows = windows(map.entries().get("windows"), path + ".windows");
        Optional<Expr> baseline = optionalExpr(map, "baseline", path);
        final String rulePath = path;
        Optional<BandSpec> band = Optional.ofNullable(map.entries().get("band")).map(n -> band(n, rulePath + ".band"));
        Optional<Expr> condition = optionalExpr(map, "condition", path);
        Optional<Expr> value = optionalExpr(map, "value", path);
        Optional<Expr> threshold = optionalExpr(map, "threshold", path);
        Optional<ExtentSpec> forExtent = Optional.ofNullable(map.entries().get("for"))
                .map(n -> extent(n, rulePath + ".for", true, true));
        Optional<ExtentSpec> keep = Optional.ofNullable(map.entries().get("keep_firing_for"))
                .map(n -> extent(n, rulePath + ".keep_firing_for", true, true));
        Optional<ExtentSpec> absent = Optional.ofNullable(map.entries().get("absent"))
                .map(n -> extent(n, rulePath + ".absent", true, false));
        Severity severity = optionalString(map, "severity", path + ".severity").map(s -> {
            Optional<Severity> parsed = Severity.parse(s);
            if (parsed.isEmpty()) {
                problem(map.entries().get("severity").loc(), rulePath + ".severity: '" + s
                        + "' is not one of info, warning, critical");
            }
            return parsed.orElse(Severity.WARNING);
        }).orElse(Severity.WARNING);
        Action action = null;
        String actionText = null;
        if (!map.entries().containsKey("action")) {
            problem(map.loc(), path + ".action: missing; give one of HOLD, FREEZE, ROLLBACK");
        } else {
            actionText = string(map.entries().get("action"), path + ".action");
        }
        if (actionText != null) {
            action = Action.parse(actionText).filter(Action::isAlertAction).orElse(null);
            if (action == null) {
                problem(map.entries().get("action").loc(), path + ".action: '" + actionText
                        + "' is not one of HOLD, FREEZE, ROLLBACK (PASS and PROMOTE are not alert actions)");
            }
        }
        Map<String, String> labels = stringMap(map.entries().get("labels"), path + ".labels");
        if (map.entries().get("labels") instanceof YamlNode.MapNode labelNode) {
            for (String reserved : RESERVED_LABELS) {
                if (labelNode.keyLocs().containsKey(reserved)) {
                    problem(labelNode.keyLocs().get(reserved), path + ".labels." + reserved + ": '" + reserved
                            + "' is set by the watcher; choose another label name");
                }
            }
        }
        Map<String, Expr> annotations = new LinkedHashMap<>();
        YamlNode annNode = map.entries().get("annotations");
        if (annNode != null) {
            if (annNode instanceof YamlNode.MapNode am) {
                am.entries().forEach((k, v) -> expr(v, rulePath + ".annotations." + k).ifPresent(e -> annotations.put(k, e)));
            } else {
                problem(annNode.loc(), path + ".annotations: expected a mapping of NAME: template, got "
                        + annNode.typeName());
            }
        }
        Optional<Expr> reason = optionalExpr(map, "reason", path);

        if (map.entries().containsKey("absent")) {
            for (String k : List.of("condition", "band", "baseline", "windows", "for", "keep_firing_for")) {
                if (map.entries().containsKey(k)) {
                    problem(map.keyLocs().get(k), path + "." + k + ": an absence rule (absent: ...) fires when no "
                            + "record arrives; it cannot also have '" + k + "'");
                }
            }
        } else if (condition.isEmpty() && band.isEmpty()) {
            problem(map.loc(), path + ": a rule needs 'condition' (a CEL expression), 'band', or 'absent'");
        }
        if (band.isPresent() && baseline.isEmpty()) {
            problem(map.keyLocs().get("band"), path + ".band: a band is relative to a baseline; add 'baseline: EXPR'");
        }
        if (problems.size() > before || select == null || id == null || action == null) {
            return null;
        }
        return new RuleSpec(id, description, select, windows, baseline, band, condition, value, threshold,
                forExtent, keep, absent, severity, action, labels, annotations, reason,
                new Loc(map.loc().file(), map.loc().line()));
    }

    private SelectorSpec selector(YamlNode node, String path, Loc parent) {
        if (node == null) {
            problem(parent, path + ": missing; say which records this applies to, e.g. select: {kinds: [ppo]}");
            return null;
        }
        if (!(node instanceof YamlNode.MapNode map)) {
            problem(node.loc(), path + ": expected a mapping with keys kinds, present, where; got " + node.typeName());
            return null;
        }
        checkKeys(map, SELECT_KEYS, path);
        YamlNode kindsNode = map.entries().get("kinds");
        Set<RecordKind> kinds = new LinkedHashSet<>();
        if (kindsNode == null) {
            problem(map.loc(), path + ".kinds: missing; list the record kinds, from " + kindIds());
        } else {
            for (String k : stringList(kindsNode, path + ".kinds")) {
                Optional<RecordKind> kind = RecordKind.fromId(k);
                if (kind.isEmpty()) {
                    problem(kindsNode.loc(), path + ".kinds: unknown record kind '" + k + "'; expected one of "
                            + kindIds());
                } else {
                    kinds.add(kind.get());
                }
            }
            if (kindsNode instanceof YamlNode.Seq seq && seq.items().isEmpty()) {
                problem(kindsNode.loc(), path + ".kinds: the list is empty; name at least one kind from " + kindIds());
            }
        }
        List<String> present = stringList(map.entries().get("present"), path + ".present");
        Optional<Expr> where = optionalExpr(map, "where", path);
        return new SelectorSpec(kinds, present, where);
    }

    private List<WindowSpec> windows(YamlNode node, String path) {
        List<WindowSpec> out = new ArrayList<>();
        if (node == null) {
            return out;
        }
        if (!(node instanceof YamlNode.MapNode map)) {
            problem(node.loc(), path + ": expected a mapping of NAME: {fn, of, last|span}, got " + node.typeName());
            return out;
        }
        map.entries().forEach((name, value) -> {
            String wpath = path + "." + name;
            if (!IDENT.matcher(name).matches()) {
                problem(map.keyLocs().get(name), wpath + ": a window name must be an identifier (letters, digits, _)");
            }
            if (!(value instanceof YamlNode.MapNode wm)) {
                problem(value.loc(), wpath + ": expected a mapping with fn, of and last or span, got "
                        + value.typeName());
                return;
            }
            checkKeys(wm, WINDOW_KEYS, wpath);
            String fnText = requiredString(wm, "fn", wpath + ".fn");
            WindowFn fn = null;
            if (fnText != null) {
                fn = WindowFn.parse(fnText).orElse(null);
                if (fn == null) {
                    problem(wm.entries().get("fn").loc(), wpath + ".fn: '" + fnText + "' is not one of "
                            + Arrays.stream(WindowFn.values()).map(WindowFn::id).collect(Collectors.joining(", ")));
                }
            }
            Optional<Expr> of = requiredExpr(wm, "of", wpath + ".of");
            YamlNode last = wm.entries().get("last");
            YamlNode span = wm.entries().get("span");
            ExtentSpec extent = null;
            if ((last == null) == (span == null)) {
                problem(wm.loc(), wpath + ": give exactly one of 'last: N' (records) or 'span: DURATION' (event time)");
            } else if (last != null) {
                extent = extent(last, wpath + ".last", false, true);
            } else {
                extent = extent(span, wpath + ".span", true, false);
            }
            if (fn != null && of.isPresent() && extent != null) {
                out.add(new WindowSpec(name, fn, of.get(), extent, span != null, map.keyLocs().get(name)));
            }
        });
        return out;
    }

    private BandSpec band(YamlNode node, String path) {
        if (!(node instanceof YamlNode.MapNode map)) {
            problem(node.loc(), path + ": expected a mapping with of, below, above; got " + node.typeName());
            return null;
        }
        checkKeys(map, BAND_KEYS, path);
        Optional<Expr> of = requiredExpr(map, "of", path + ".of");
        Double below = fraction(map.entries().get("below"), path + ".below");
        Double above = fraction(map.entries().get("above"), path + ".above");
        if (below == null && above == null) {
            problem(map.loc(), path + ": give 'below' and/or 'above' as fractions of the baseline (0.15 = 15%)");
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
        problem(node.loc(), path + ": expected a non-negative fraction such as 0.15, got "
                + (node instanceof YamlNode.Scalar s ? "'" + s.text() + "'" : node.typeName()));
        return null;
    }

    /**
     * Parses an extent: a positive record count (when {@code allowCount}), a duration (when
     * {@code allowTime}), or {@code params.NAME}.
     */
    private ExtentSpec extent(YamlNode node, String path, boolean allowTime, boolean allowCount) {
        String expected = allowCount && allowTime ? "a record count such as 3, a duration such as 10m, or params.NAME"
                : allowCount ? "a record count such as 3, or params.NAME"
                : "a duration such as 10m or 90s, or params.NAME (seconds)";
        if (!(node instanceof YamlNode.Scalar s) || s.isNull()) {
            problem(node.loc(), path + ": expected " + expected + ", got " + node.typeName());
            return null;
        }
        String text = s.text().trim();
        Matcher pm = PARAM_REF.matcher(text);
        if (pm.matches()) {
            return new ExtentSpec.Param(pm.group(1), node.loc());
        }
        if (allowCount && text.matches("\\d+")) {
            int n = Integer.parseInt(text);
            if (n >= 1) {
                return new ExtentSpec.Records(n, node.loc());
            }
            problem(node.loc(), path + ": a record count must be at least 1, got " + n);
            return null;
        }
        if (allowTime) {
            Optional<Duration> d = parseDuration(text);
            if (d.isPresent()) {
                return new ExtentSpec.Time(d.get(), node.loc());
            }
        }
        problem(node.loc(), path + ": expected " + expected + ", got '" + text + "'");
        return null;
    }

    /** Parses {@code 500ms}, {@code 90s}, {@code 10m}, {@code 1h30m}, {@code 2d}; positive only. */
    public static Optional<Duration> parseDuration(String text) {
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = DURATION_PART.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return Optional.empty();
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            end = m.end();
        }
        if (end != text.length() || total.isZero()) {
            return Optional.empty();
        }
        return Optional.of(total);
    }

    private Optional<Expr> requiredExpr(YamlNode.MapNode map, String key, String path) {
        YamlNode node = map.entries().get(key);
        if (node == null) {
            problem(map.loc(), path + ": missing (a CEL expression)");
            return Optional.empty();
        }
        return expr(node, path);
    }

    private Optional<Expr> optionalExpr(YamlNode.MapNode map, String key, String path) {
        YamlNode node = map.entries().get(key);
        return node == null ? Optional.empty() : expr(node, path + "." + key);
    }

    private Optional<Expr> expr(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s && !s.isNull() && !s.text().isBlank()) {
            return Optional.of(new Expr(s.text(), node.loc()));
        }
        problem(node.loc(), path + ": expected a CEL expression (a string), got " + node.typeName());
        return Optional.empty();
    }

    private String requiredString(YamlNode.MapNode map, String key, String path) {
        YamlNode node = map.entries().get(key);
        if (node == null) {
            problem(map.loc(), path + ": missing");
            return null;
        }
        return string(node, path);
    }

    private Optional<String> optionalString(YamlNode.MapNode map, String key, String path) {
        YamlNode node = map.entries().get(key);
        return node == null ? Optional.empty() : Optional.ofNullable(string(node, path));
    }

    private String string(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s && !s.isNull()) {
            return s.text();
        }
        problem(node.loc(), path + ": expected a string, got " + node.typeName());
        return null;
    }

    private List<String> stringList(YamlNode node, String path) {
        List<String> out = new ArrayList<>();
        if (node == null) {
            return out;
        }
        if (!(node instanceof YamlNode.Seq seq)) {
            problem(node.loc(), path + ": expected a list of strings, got " + node.typeName());
            return out;
        }
        for (YamlNode item : seq.items()) {
            String s = string(item, path);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    private Map<String, String> stringMap(YamlNode node, String path) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null) {
            return out;
        }
        if (!(node instanceof YamlNode.MapNode map)) {
            problem(node.loc(), path + ": expected a mapping of NAME: string, got " + node.typeName());
            return out;
        }
        map.entries().forEach((k, v) -> {
            String s = string(v, path + "." + k);
            if (s != null) {
                out.put(k, s);
            }
        });
        return out;
    }

    private void checkKeys(YamlNode.MapNode map, Set<String> allowed, String path) {
        for (Map.Entry<String, Loc> e : map.keyLocs().entrySet()) {
            if (!allowed.contains(e.getKey())) {
                problem(e.getValue(), path + ": unknown key '" + e.getKey() + "'"
                        + DidYouMean.hint(e.getKey(), allowed) + "; allowed keys: " + String.join(", ", allowed));
            }
        }
    }

    private static String kindIds() {
        return Arrays.stream(RecordKind.values()).map(RecordKind::id).collect(Collectors.joining(", "));
    }

    private void problem(Loc loc, String message) {
        problems.add(loc + ": " + message);
    }

    private static Set<String> orderedSet(String... values) {
        return new LinkedHashSet<>(Arrays.asList(values));
    }
}
