package dev.anneal.watcher.rules.load;

import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.spec.DeriveSpec;
import dev.anneal.watcher.rules.spec.ExtentSpec;
import dev.anneal.watcher.rules.spec.Expr;
import dev.anneal.watcher.rules.spec.PackSpec;
import dev.anneal.watcher.rules.spec.ParameterSpec;
import dev.anneal.watcher.rules.spec.PromotionSpec;
import dev.anneal.watcher.rules.spec.Requirement;
import dev.anneal.watcher.rules.spec.RuleSpec;
import dev.anneal.watcher.rules.spec.SelectorSpec;
import dev.anneal.watcher.rules.yaml.Problems;
import dev.anneal.watcher.rules.yaml.YamlNode;
import dev.anneal.watcher.rules.yaml.YamlReader;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one rule file into a {@link PackSpec}, strictly: unknown keys, wrong types, missing
 * required keys and malformed durations are all reported with {@code file:line} and a message
 * that says what to write instead. Every problem in the file is collected before failing.
 * Expressions are not compiled here; {@link RuleSetCompiler} does that with the whole rule set
 * in view. The pack's own keys are read here, each rule by {@link RuleReader}.
 */
public final class RuleFileLoader {

    private static final List<String> TOP_KEYS = List.of("pack", "description", "parameters", "requires",
            "derive", "promotion", "rules");
    private static final List<String> PARAM_KEYS = List.of("default", "description");
    private static final List<String> REQUIRE_KEYS = List.of("numeric", "text");
    private static final List<String> PROMOTION_KEYS = List.of("description", "select", "condition",
            "consecutive", "reason");

    private final YamlReader yaml = new YamlReader(new Problems());
    private final RuleFileValues values = new RuleFileValues(yaml);
    private final RuleReader rules = new RuleReader(values);

    private RuleFileLoader() {
    }

    /**
     * Parses {@code text} (the content of {@code source}).
     *
     * @throws RuleLoadException listing every problem found
     */
    public static PackSpec load(String source, String text) throws RuleLoadException {
        RuleFileLoader loader = new RuleFileLoader();
        YamlNode root = loader.yaml.parse(source, text);
        PackSpec pack = root == null ? null : loader.pack(root, source, text);
        if (!loader.yaml.problems().isEmpty()) {
            throw new RuleLoadException(loader.yaml.problems().inOrder());
        }
        return pack;
    }

    private PackSpec pack(YamlNode root, String source, String text) {
        if (!(root instanceof YamlNode.MapNode map)) {
            yaml.problem(root.loc(), "a rule file is a mapping with keys " + String.join(", ", TOP_KEYS)
                    + "; got " + root.typeName());
            return null;
        }
        yaml.unknownKeys(map, TOP_KEYS, "rule file");
        String name = yaml.string(yaml.required(map, "pack", "pack: missing"), "pack");
        if (name != null && !RuleFileValues.RULE_ID.matcher(name).matches()) {
            yaml.problem(map.entries().get("pack").loc(), "pack: name '" + name
                    + "' must start with a letter or _ and contain only letters, digits, _, . and -");
        }
        String description = yaml.optionalString(map, "description", "description").orElse("");
        List<ParameterSpec> params = parameters(map.entries().get("parameters"));
        Map<RecordKind, Requirement> requires = requires(map.entries().get("requires"));
        List<DeriveSpec> derive = derive(map.entries().get("derive"));
        Optional<PromotionSpec> promotion = Optional.ofNullable(map.entries().get("promotion"))
                .map(this::promotion);
        List<RuleSpec> ruleSpecs = rules(map);
        if (!yaml.problems().isEmpty()) {
            return null;
        }
        return new PackSpec(name, description, params, requires, derive, promotion, ruleSpecs, source, text);
    }

    private List<RuleSpec> rules(YamlNode.MapNode map) {
        List<RuleSpec> out = new ArrayList<>();
        YamlNode.Seq seq = yaml.list(yaml.required(map, "rules", "missing key 'rules': a pack needs a list of rules"),
                "rules", "a list of rules");
        if (seq == null) {
            return out;
        }
        if (seq.items().isEmpty()) {
            yaml.problem(seq.loc(), "rules: the list is empty; a pack needs at least one rule");
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < seq.items().size(); i++) {
            RuleSpec rule = rules.rule(seq.items().get(i), "rules[" + i + "]");
            if (rule != null && !ids.add(rule.id())) {
                yaml.problem(rule.loc(), "rules[" + i + "].id: duplicate rule id '" + rule.id() + "'");
            }
            if (rule != null) {
                out.add(rule);
            }
        }
        return out;
    }

    private List<ParameterSpec> parameters(YamlNode node) {
        List<ParameterSpec> out = new ArrayList<>();
        YamlNode.MapNode map = yaml.mapping(node, "parameters",
                "a mapping of NAME: {default: ..., description: ...}");
        if (map == null) {
            return out;
        }
        map.entries().forEach((name, value) -> {
            String path = "parameters." + name;
            if (!RuleFileValues.IDENT.matcher(name).matches()) {
                yaml.problem(map.keyLocs().get(name), path + ": a parameter name must be an identifier (letters, "
                        + "digits, _)");
            }
            YamlNode.MapNode pm = yaml.mapping(value, path, "a mapping with 'default' and 'description'");
            if (pm == null) {
                return;
            }
            yaml.unknownKeys(pm, PARAM_KEYS, path);
            YamlNode def = yaml.required(pm, "default", path + ": missing key 'default' (a number, or none)");
            Double defaultValue = def == null ? null : parameterValue(def, path + ".default");
            String description = yaml.optionalString(pm, "description", path + ".description").orElse("");
            out.add(new ParameterSpec(name, defaultValue, description, map.keyLocs().get(name)));
        });
        return out;
    }

    private Double parameterValue(YamlNode node, String path) {
        if (!(node instanceof YamlNode.Scalar s)) {
            yaml.expected(node, path, "a finite number or none");
            return null;
        }
        if (s.isNull()) {
            yaml.problem(node.loc(), path + ": expected a finite number or none, got null; write none to disable the "
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
            yaml.problem(node.loc(), path + ": expected a finite number or none, got the string \"" + s.text()
                    + "\"; write the number without quotes");
            return null;
        }
        yaml.problem(node.loc(), path + ": expected a finite number or none, got '" + s.text() + "'");
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
        YamlNode.MapNode map = yaml.mapping(node, "requires", "a mapping of KIND: {numeric: [...], text: [...]}");
        if (map == null) {
            return out;
        }
        map.entries().forEach((kindId, value) -> {
            String path = "requires." + kindId;
            Optional<RecordKind> kind = RecordKind.fromId(kindId);
            if (kind.isEmpty()) {
                yaml.problem(map.keyLocs().get(kindId), path + ": unknown record kind '" + kindId
                        + "'; expected one of " + RuleFileValues.kindIds());
                return;
            }
            YamlNode.MapNode rm = yaml.mapping(value, path, "a mapping with 'numeric' and/or 'text' lists");
            if (rm == null) {
                return;
            }
            yaml.unknownKeys(rm, REQUIRE_KEYS, path);
            List<String> numeric = yaml.stringList(rm.entries().get("numeric"), path + ".numeric");
            List<String> text = yaml.stringList(rm.entries().get("text"), path + ".text");
            out.put(kind.get(), new Requirement(kind.get(), numeric, text, map.keyLocs().get(kindId)));
        });
        return out;
    }

    private List<DeriveSpec> derive(YamlNode node) {
        List<DeriveSpec> out = new ArrayList<>();
        YamlNode.MapNode map = yaml.mapping(node, "derive", "a mapping of NAME: CEL expression");
        if (map == null) {
            return out;
        }
        map.entries().forEach((name, value) -> {
            String path = "derive." + name;
            if (!RuleFileValues.IDENT.matcher(name).matches()) {
                yaml.problem(map.keyLocs().get(name), path + ": a derived name must be an identifier (letters, digits, "
                        + "_)");
            }
            values.expr(value, path).ifPresent(e -> out.add(new DeriveSpec(name, e)));
        });
        return out;
    }

    private PromotionSpec promotion(YamlNode node) {
        YamlNode.MapNode map = yaml.mapping(node, "promotion", "a mapping with keys "
                + String.join(", ", PROMOTION_KEYS));
        if (map == null) {
            return null;
        }
        yaml.unknownKeys(map, PROMOTION_KEYS, "promotion");
        String description = yaml.optionalString(map, "description", "promotion.description").orElse("");
        SelectorSpec select = rules.selector(map.entries().get("select"), "promotion.select", map.loc());
        Optional<Expr> condition = values.requiredExpr(map, "condition", "promotion.condition");
        YamlNode consecutiveNode = map.entries().get("consecutive");
        ExtentSpec consecutive = consecutiveNode == null
                ? new ExtentSpec.Records(1, map.loc())
                : values.extent(consecutiveNode, "promotion.consecutive", false, true);
        Optional<Expr> reason = Optional.ofNullable(map.entries().get("reason"))
                .flatMap(n -> values.expr(n, "promotion.reason"));
        if (select == null || condition.isEmpty() || consecutive == null) {
            return null;
        }
        return new PromotionSpec(description, select, condition.get(), consecutive, reason, map.loc());
    }
}
