package dev.anneal.watcher.core.scenario;

import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.CommandOutcome;
import dev.anneal.watcher.rules.model.CommandType;
import dev.anneal.watcher.rules.model.Severity;
import dev.anneal.watcher.rules.yaml.YamlNode;
import dev.anneal.watcher.rules.yaml.YamlReader;
import dev.anneal.watcher.rules.yaml.YamlScalars;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads a scenario test's {@code expect:} mapping into {@link Expectations}: the complete, ordered
 * lists of alert transitions and recommendation changes, the decision, every run's verdict, and
 * the rejections and rule errors as a count or a list. Expected rule ids are checked against the
 * rule files (and this test's parameters) by {@link ScenarioRules}.
 */
final class ExpectationsReader {

    private static final List<String> EXPECT_KEYS = List.of("alerts", "recommendations", "decision", "runs",
            "rejected", "rule_errors", "commands");
    private static final List<String> ALERT_KEYS = List.of("at", "rule", "run_id", "state", "action",
            "severity", "value", "threshold", "started_at", "labels", "annotations", "acked", "silenced");
    private static final List<String> COMMAND_KEYS = List.of("id", "type", "run_id", "outcome", "detail");
    private static final List<String> RECOMMENDATION_KEYS = List.of("at", "run_id", "action", "latched",
            "reasons", "rules");
    private static final List<String> REJECTION_KEYS = List.of("at", "reason");
    private static final List<String> RULE_ERROR_KEYS = List.of("rule", "count", "at", "message");
    private static final String SEVERITIES = Arrays.stream(Severity.values()).map(Severity::id)
            .collect(Collectors.joining(", "));

    private final YamlReader yaml;
    private final ScenarioRules rules;

    ExpectationsReader(YamlReader yaml, ScenarioRules rules) {
        this.yaml = yaml;
        this.rules = rules;
    }

    /**
     * The {@code expect} of the test mapping at {@code testPath}, checked against {@code ruleSet}
     * (null when the test's rules did not compile); null when it is missing or not a mapping.
     */
    Expectations expectations(YamlNode.MapNode test, String testPath, RuleSet ruleSet) {
        YamlNode node = yaml.required(test, "expect", testPath + ": missing key 'expect'; say what the replay must "
                + "produce (" + String.join(", ", EXPECT_KEYS) + ")");
        String path = testPath + ".expect";
        YamlNode.MapNode map = yaml.mapping(node, path, "a mapping with keys " + String.join(", ", EXPECT_KEYS));
        if (map == null) {
            return null;
        }
        yaml.unknownKeys(map, EXPECT_KEYS, path);
        if (map.entries().isEmpty()) {
            yaml.problem(map.loc(), path + ": empty; give at least one of " + String.join(", ", EXPECT_KEYS));
        }
        Map<String, YamlNode> e = map.entries();
        Optional<List<AlertExpectation>> alerts = Optional.ofNullable(e.get("alerts"))
                .map(n -> items(n, path + ".alerts", (item, p) -> alert(item, p, ruleSet)));
        Optional<List<RecommendationExpectation>> recommendations = Optional.ofNullable(e.get("recommendations"))
                .map(n -> items(n, path + ".recommendations", (item, p) -> recommendation(item, p, ruleSet)));
        Optional<Action> decision = Optional.ofNullable(e.get("decision"))
                .flatMap(n -> action(n, path + ".decision", false));
        Optional<Map<String, Action>> runs = Optional.ofNullable(e.get("runs")).map(n -> runs(n, path + ".runs"));
        Optional<CountOrItems<RejectionExpectation>> rejected = Optional.ofNullable(e.get("rejected"))
                .map(n -> countOrItems(n, path + ".rejected", this::rejection));
        Optional<CountOrItems<RuleErrorExpectation>> ruleErrors = Optional.ofNullable(e.get("rule_errors"))
                .map(n -> countOrItems(n, path + ".rule_errors", this::ruleError));
        Optional<List<CommandExpectation>> commands = Optional.ofNullable(e.get("commands"))
                .map(n -> items(n, path + ".commands", this::command));
        return new Expectations(alerts, recommendations, decision, runs, rejected, ruleErrors, commands);
    }

    @FunctionalInterface
    private interface ItemParser<T> {
        T parse(YamlNode.MapNode item, String path);
    }

    private <T> List<T> items(YamlNode node, String path, ItemParser<T> parser) {
        List<T> out = new ArrayList<>();
        YamlNode.Seq seq = yaml.list(node, path, "a list (the complete, ordered list; [] for none)");
        if (seq == null) {
            return out;
        }
        for (int i = 0; i < seq.items().size(); i++) {
            String p = path + "[" + i + "]";
            YamlNode.MapNode m = yaml.mapping(seq.items().get(i), p, "a mapping");
            if (m == null) {
                continue;
            }
            if (m.entries().isEmpty()) {
                yaml.problem(m.loc(), p + ": empty; give at least one key to compare");
            }
            T t = parser.parse(m, p);
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    private <T> CountOrItems<T> countOrItems(YamlNode node, String path, ItemParser<T> parser) {
        if (node instanceof YamlNode.Seq) {
            return new CountOrItems.Items<>(items(node, path, parser));
        }
        Optional<Long> n = count(node, path, "a count or a list");
        return n.<CountOrItems<T>>map(CountOrItems.Count::new).orElse(null);
    }

    private AlertExpectation alert(YamlNode.MapNode m, String path, RuleSet ruleSet) {
        yaml.unknownKeys(m, ALERT_KEYS, path);
        Map<String, YamlNode> e = m.entries();
        Optional<String> rule = optional(e, "rule", n -> yaml.string(n, path + ".rule"));
        rule.ifPresent(r -> rules.checkRule(r, e.get("rule").loc(), path + ".rule", ruleSet));
        return new AlertExpectation(m.loc(),
                optional(e, "at", n -> at(n, path + ".at")),
                rule,
                optional(e, "run_id", n -> yaml.string(n, path + ".run_id")),
                optional(e, "state", n -> state(n, path + ".state")),
                optional(e, "action", n -> action(n, path + ".action", true).orElse(null)),
                optional(e, "severity", n -> yaml.oneOf(n, path + ".severity", Severity::parse, SEVERITIES)),
                optional(e, "value", n -> expectedNumber(n, path + ".value")),
                optional(e, "threshold", n -> expectedNumber(n, path + ".threshold")),
                optional(e, "started_at", n -> at(n, path + ".started_at")),
                yaml.stringMap(e.get("labels"), path + ".labels"),
                yaml.stringMap(e.get("annotations"), path + ".annotations"),
                optional(e, "acked", n -> yaml.bool(n, path + ".acked")),
                optional(e, "silenced", n -> yaml.bool(n, path + ".silenced")));
    }

    private CommandExpectation command(YamlNode.MapNode m, String path) {
        yaml.unknownKeys(m, COMMAND_KEYS, path);
        Map<String, YamlNode> e = m.entries();
        return new CommandExpectation(m.loc(),
                optional(e, "id", n -> yaml.string(n, path + ".id")),
                optional(e, "type", n -> yaml.oneOf(n, path + ".type", CommandType::ofId, COMMAND_TYPES)),
                optional(e, "run_id", n -> yaml.string(n, path + ".run_id")),
                optional(e, "outcome", n -> yaml.oneOf(n, path + ".outcome", ExpectationsReader::outcome, OUTCOMES)),
                optional(e, "detail", n -> yaml.string(n, path + ".detail")));
    }

    private static final String COMMAND_TYPES = Arrays.stream(CommandType.values()).map(CommandType::id)
            .collect(Collectors.joining(", "));
    private static final String OUTCOMES = Arrays.stream(CommandOutcome.values()).map(CommandOutcome::id)
            .collect(Collectors.joining(", "));

    private static Optional<CommandOutcome> outcome(String id) {
        return Arrays.stream(CommandOutcome.values()).filter(o -> o.id().equals(id)).findFirst();
    }

    private RecommendationExpectation recommendation(YamlNode.MapNode m, String path, RuleSet ruleSet) {
        yaml.unknownKeys(m, RECOMMENDATION_KEYS, path);
        Map<String, YamlNode> e = m.entries();
        Optional<List<String>> ruleList = optional(e, "rules", n -> yaml.stringList(n, path + ".rules"));
        ruleList.ifPresent(list -> list.forEach(r -> rules.checkRule(r, e.get("rules").loc(), path + ".rules",
                ruleSet)));
        return new RecommendationExpectation(m.loc(),
                optional(e, "at", n -> at(n, path + ".at")),
                optional(e, "run_id", n -> yaml.string(n, path + ".run_id")),
                optional(e, "action", n -> action(n, path + ".action", false).orElse(null)),
                optional(e, "latched", n -> yaml.bool(n, path + ".latched")),
                optional(e, "reasons", n -> yaml.stringList(n, path + ".reasons")),
                ruleList);
    }

    private RejectionExpectation rejection(YamlNode.MapNode m, String path) {
        yaml.unknownKeys(m, REJECTION_KEYS, path);
        Map<String, YamlNode> e = m.entries();
        return new RejectionExpectation(m.loc(),
                optional(e, "at", n -> at(n, path + ".at")),
                optional(e, "reason", n -> yaml.string(n, path + ".reason")));
    }

    private RuleErrorExpectation ruleError(YamlNode.MapNode m, String path) {
        yaml.unknownKeys(m, RULE_ERROR_KEYS, path);
        Map<String, YamlNode> e = m.entries();
        return new RuleErrorExpectation(m.loc(),
                optional(e, "rule", n -> yaml.string(n, path + ".rule")),
                optional(e, "count", n -> count(n, path + ".count", "a count").orElse(null)),
                optional(e, "at", n -> at(n, path + ".at")),
                optional(e, "message", n -> yaml.string(n, path + ".message")));
    }

    private Map<String, Action> runs(YamlNode node, String path) {
        Map<String, Action> out = new LinkedHashMap<>();
        YamlNode.MapNode map = yaml.mapping(node, path, "a mapping of RUN_ID: ACTION (every run)");
        if (map != null) {
            map.entries().forEach((run, value) -> action(value, path + "." + run, false)
                    .ifPresent(a -> out.put(run, a)));
        }
        return out;
    }

    private static <T> Optional<T> optional(Map<String, YamlNode> entries, String key, Function<YamlNode, T> parse) {
        YamlNode node = entries.get(key);
        return node == null ? Optional.empty() : Optional.ofNullable(parse.apply(node));
    }

    private At at(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s && !s.isNull()) {
            Optional<At> at = At.parse(s.text());
            if (at.isPresent()) {
                return at.get();
            }
        }
        yaml.problem(node.loc(), path + ": expected a record position: a line number such as 3, or \"3[1]\" for "
                + "element 1 of the document on line 3; got " + YamlReader.shown(node));
        return null;
    }

    private Optional<Long> count(YamlNode node, String path, String what) {
        if (node instanceof YamlNode.Scalar s && !s.isNull() && !s.isString() && s.text().matches("\\d{1,18}")) {
            return Optional.of(Long.parseLong(s.text()));
        }
        yaml.problem(node.loc(), path + ": expected " + what + " (a whole number >= 0), got " + YamlReader.shown(node));
        return Optional.empty();
    }

    private ExpectedNumber expectedNumber(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s && !s.isString()) {
            if (s.isNull()) {
                return new ExpectedNumber(null);
            }
            Optional<Double> special = YamlScalars.specialFloat(s.text());
            if (special.isPresent()) {
                return new ExpectedNumber(special.get());
            }
            Optional<BigDecimal> n = YamlScalars.number(s.text());
            if (n.isPresent()) {
                return new ExpectedNumber(n.get().doubleValue());
            }
        }
        yaml.problem(node.loc(), path + ": expected a number, or null for none; got " + YamlReader.shown(node));
        return null;
    }

    private AlertState state(YamlNode node, String path) {
        return yaml.oneOf(node, path, text -> Arrays.stream(AlertState.values())
                .filter(s -> s.id().equals(text.trim().toLowerCase(Locale.ROOT))).findFirst(),
                Arrays.stream(AlertState.values()).map(AlertState::id).collect(Collectors.joining(", ")));
    }

    private Optional<Action> action(YamlNode node, String path, boolean alertOnly) {
        String valid = Arrays.stream(Action.values()).filter(x -> !alertOnly || x.isAlertAction())
                .map(Action::name).collect(Collectors.joining(", "));
        return Optional.ofNullable(yaml.oneOf(node, path,
                text -> Action.parse(text).filter(x -> !alertOnly || x.isAlertAction()), valid));
    }
}
