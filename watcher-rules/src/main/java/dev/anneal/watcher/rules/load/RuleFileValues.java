package dev.anneal.watcher.rules.load;

import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.spec.ExtentSpec;
import dev.anneal.watcher.rules.spec.Expr;
import dev.anneal.watcher.rules.yaml.Durations;
import dev.anneal.watcher.rules.yaml.YamlNode;
import dev.anneal.watcher.rules.yaml.YamlReader;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The values only rule files have, read strictly on top of {@link YamlReader}: CEL expressions
 * (kept as text with their location; {@link RuleSetCompiler} compiles them), extents (a record
 * count, a duration or {@code params.NAME}) and record kinds. Shared by the pack-level reading in
 * {@link RuleFileLoader} and the per-rule reading in {@link RuleReader}.
 */
final class RuleFileValues {

    /** A parameter, derived value or window name. */
    static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** A rule id or pack name. */
    static final Pattern RULE_ID = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
    private static final Pattern PARAM_REF = Pattern.compile("params\\.([A-Za-z_][A-Za-z0-9_]*)");

    final YamlReader yaml;

    RuleFileValues(YamlReader yaml) {
        this.yaml = yaml;
    }

    /**
     * Reads an extent: a positive record count (when {@code allowCount}), a duration (when
     * {@code allowTime}), or {@code params.NAME}.
     */
    ExtentSpec extent(YamlNode node, String path, boolean allowTime, boolean allowCount) {
        String expected = allowCount && allowTime ? "a record count such as 3, a duration such as 10m, or params.NAME"
                : allowCount ? "a record count such as 3, or params.NAME"
                : "a duration such as 10m or 90s, or params.NAME (seconds)";
        if (!(node instanceof YamlNode.Scalar s) || s.isNull()) {
            yaml.expected(node, path, expected);
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
            yaml.problem(node.loc(), path + ": a record count must be at least 1, got " + n);
            return null;
        }
        if (allowTime) {
            Optional<Duration> d = Durations.parse(text);
            if (d.isPresent()) {
                return new ExtentSpec.Time(d.get(), node.loc());
            }
        }
        yaml.problem(node.loc(), path + ": expected " + expected + ", got '" + text + "'");
        return null;
    }

    /** The expression under a required key; when it is absent, reports {@code path: missing (a CEL expression)}. */
    Optional<Expr> requiredExpr(YamlNode.MapNode map, String key, String path) {
        YamlNode node = yaml.required(map, key, path + ": missing (a CEL expression)");
        return node == null ? Optional.empty() : expr(node, path);
    }

    /** The expression under an optional key, reported as {@code path.key}. */
    Optional<Expr> optionalExpr(YamlNode.MapNode map, String key, String path) {
        YamlNode node = map.entries().get(key);
        return node == null ? Optional.empty() : expr(node, path + "." + key);
    }

    /** A CEL expression: a non-blank scalar. */
    Optional<Expr> expr(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s && !s.isNull() && !s.text().isBlank()) {
            return Optional.of(new Expr(s.text(), node.loc()));
        }
        yaml.expected(node, path, "a CEL expression (a string)");
        return Optional.empty();
    }

    /** The record kind ids, for "expected one of" messages. */
    static String kindIds() {
        return Arrays.stream(RecordKind.values()).map(RecordKind::id).collect(Collectors.joining(", "));
    }
}
