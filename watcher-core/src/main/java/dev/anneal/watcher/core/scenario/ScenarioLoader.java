package dev.anneal.watcher.core.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.anneal.watcher.core.decode.InputFormat;
import dev.anneal.watcher.rules.engine.CompiledPack;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.load.RuleFileLoader;
import dev.anneal.watcher.rules.load.RuleLoadException;
import dev.anneal.watcher.rules.load.RuleSetCompiler;
import dev.anneal.watcher.rules.load.DidYouMean;
import dev.anneal.watcher.rules.load.YamlNode;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.Severity;
import dev.anneal.watcher.rules.spec.Loc;
import dev.anneal.watcher.rules.spec.PackSpec;
import dev.anneal.watcher.rules.spec.ParameterSpec;
import dev.anneal.watcher.rules.spec.RuleSpec;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads a scenario file strictly, in the manner of {@link RuleFileLoader}: unknown keys, wrong
 * types, unknown rule ids and parameters, missing inputs and bad rule files are all reported
 * with {@code file:line}, every problem in the file at once. Rule files and inputs are resolved
 * relative to the scenario file, and each test's rule set is compiled here, so a scenario that
 * loads is one that can run.
 *
 * <p>The format (promtool's {@code unittest.yml} is the model):
 * <pre>
 * rule_files: [townlet-watch]         # built-in pack names, or paths relative to this file
 * params: {kl_threshold: 0.2}          # optional overrides, as --param (a number or none)
 * defaults: {data_mode: rollout}       # optional fields filled into every inline record
 * tests:
 *   - name: kl breach holds            # unique in the file
 *     run_id: run-a                    # optional; default: the test name
 *     format: auto                     # optional: auto, ndjson, json, health
 *     params: {grad_threshold: 5}      # optional, merged over the file's params
 *     defaults: {kl_divergence: 0.01}  # optional, merged over the file's defaults
 *     input: ../data/file.jsonl        # a file relative to this file, OR
 *     records:                         # inline records: item i is line i of the input
 *       - {epoch: 1.0, loss_total: 1.2} # a record or envelope (a mapping, or a list of them);
 *                                       # its own fields win over the defaults
 *       - 'not json'                    # a string is fed verbatim (no defaults) as the line's text
 *     expect:                          # at least one key; omitted keys are not checked
 *       alerts: [{at: 1, rule: kl_threshold, state: firing}]   # complete, ordered
 *       recommendations: [{at: 1, action: HOLD}]              # complete, ordered
 *       decision: HOLD
 *       runs: {run-a: HOLD}            # complete
 *       rejected: 0                    # or [{at: 3, reason: missing keys}]
 *       rule_errors: 0                 # or [{rule: r, count: 1, at: 2, message: text}]
 * </pre>
 */
public final class ScenarioLoader {

    private static final Set<String> TOP_KEYS = orderedSet("rule_files", "params", "defaults", "tests");
    private static final Set<String> TEST_KEYS = orderedSet("name", "run_id", "format", "params", "defaults",
            "input", "records", "expect");
    /** Envelope keys, as the decoder's {@code Envelope} knows them. */
    private static final Set<String> ENVELOPE_KEYS = Set.of("data", "run_id", "kind", "ts", "synthetic");
    private static final Set<String> EXPECT_KEYS = orderedSet("alerts", "recommendations", "decision", "runs",
            "rejected", "rule_errors");
    private static final Set<String> ALERT_KEYS = orderedSet("at", "rule", "run_id", "state", "action",
            "severity", "value", "threshold", "started_at", "labels", "annotations");
    private static final Set<String> RECOMMENDATION_KEYS = orderedSet("at", "run_id", "action", "latched",
            "reasons", "rules");
    private static final Set<String> REJECTION_KEYS = orderedSet("at", "reason");
    private static final Set<String> RULE_ERROR_KEYS = orderedSet("rule", "count", "at", "message");

    /** Serialises inline records; NaN and infinities are written as bare tokens, as Python does. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .build();

    private final Path file;
    private final String name;
    /** Problems with the line they sort by; reported in line order, rule-file problems under their entry. */
    private final List<Problem> problems = new ArrayList<>();
    private final List<PackSpec> packs = new ArrayList<>();
    private boolean packsOk = true;
    private final Map<Map<String, String>, Optional<RuleSet>> compiled = new LinkedHashMap<>();
    private final Set<String> compileProblems = new LinkedHashSet<>();

    private ScenarioLoader(Path file, String name) {
        this.file = file;
        this.name = name;
    }

    /**
     * Loads and compiles a scenario file.
     *
     * @throws ScenarioLoadException listing every problem in the file and in the rule files it names
     */
    public static Scenario load(Path file) throws ScenarioLoadException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ScenarioLoadException(List.of(file + ": cannot read: " + describe(e)));
        }
        return load(file, text);
    }

    /** Loads {@code text} as the content of {@code file} (which resolves relative paths). */
    public static Scenario load(Path file, String text) throws ScenarioLoadException {
        ScenarioLoader loader = new ScenarioLoader(file, file.toString());
        YamlNode root;
        try {
            root = YamlNode.parse(loader.name, text);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
            throw new ScenarioLoadException(List.of(loader.name + ":" + line + ": invalid YAML: "
                    + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ScenarioLoadException(List.of(loader.name + ":1: cannot read: " + describe(e)));
        }
        Scenario scenario = loader.scenario(root);
        if (!loader.problems.isEmpty()) {
            List<Problem> sorted = new ArrayList<>(loader.problems);
            sorted.sort(Comparator.comparingInt(Problem::line));
            throw new ScenarioLoadException(sorted.stream().map(Problem::text).toList());
        }
        return scenario;
    }

    private Scenario scenario(YamlNode root) {
        if (!(root instanceof YamlNode.MapNode map)) {
            problem(root.loc(), "a scenario file is a mapping with keys " + String.join(", ", TOP_KEYS) + "; got "
                    + root.typeName());
            return null;
        }
        checkKeys(map, TOP_KEYS, "scenario file");
        List<String> ruleFiles = ruleFiles(map);
        Map<String, String> params = params(map.entries().get("params"), "params");
        ObjectNode defaults = defaults(map.entries().get("defaults"), "defaults", JsonNodeFactory.instance.objectNode());
        List<ScenarioTest> tests = new ArrayList<>();
        YamlNode testsNode = map.entries().get("tests");
        if (testsNode == null) {
            problem(map.loc(), "missing key 'tests': a scenario file needs a list of tests");
        } else if (testsNode instanceof YamlNode.Seq seq) {
            if (seq.items().isEmpty()) {
                problem(seq.loc(), "tests: the list is empty; a scenario file needs at least one test");
            }
            Map<String, Loc> names = new LinkedHashMap<>();
            for (int i = 0; i < seq.items().size(); i++) {
                ScenarioTest test = test(seq.items().get(i), "tests[" + i + "]", params, defaults, names);
                if (test != null) {
                    tests.add(test);
                }
            }
        } else {
            problem(testsNode.loc(), "tests: expected a list of tests, got " + testsNode.typeName());
        }
        compileProblems.forEach(p -> problems.add(new Problem(Integer.MAX_VALUE, p)));
        if (!problems.isEmpty()) {
            return null;
        }
        return new Scenario(file, name, ruleFiles, params, tests);
    }

    // ---------------------------------------------------------------- rule files and parameters

    private List<String> ruleFiles(YamlNode.MapNode map) {
        YamlNode node = map.entries().get("rule_files");
        List<String> out = new ArrayList<>();
        if (node == null) {
            problem(map.loc(), "missing key 'rule_files': name the rule packs under test, e.g. rule_files: ["
                    + BuiltinPacks.DEFAULT + "]");
            packsOk = false;
            return out;
        }
        if (!(node instanceof YamlNode.Seq seq)) {
            problem(node.loc(), "rule_files: expected a list of built-in pack names or paths, got "
                    + node.typeName());
            packsOk = false;
            return out;
        }
        if (seq.items().isEmpty()) {
            problem(seq.loc(), "rule_files: the list is empty; name at least one pack ("
                    + String.join(", ", BuiltinPacks.NAMES) + ") or rule file");
            packsOk = false;
        }
        for (int i = 0; i < seq.items().size(); i++) {
            YamlNode item = seq.items().get(i);
            String entry = string(item, "rule_files[" + i + "]");
            if (entry == null) {
                packsOk = false;
                continue;
            }
            out.add(entry);
            loadPack(entry, item.loc(), "rule_files[" + i + "]");
        }
        return out;
    }

    private void loadPack(String entry, Loc loc, String path) {
        try {
            Optional<String> builtin = BuiltinPacks.text(entry);
            if (builtin.isPresent()) {
                packs.add(RuleFileLoader.load("builtin:" + entry, builtin.get()));
                return;
            }
            Path resolved = resolve(entry);
            if (!Files.isRegularFile(resolved)) {
                problem(loc, path + ": '" + entry + "' is not a built-in pack (" + String.join(", ", BuiltinPacks.NAMES)
                        + ") and there is no file " + resolved);
                packsOk = false;
                return;
            }
            packs.add(RuleFileLoader.load(resolved.toString(), Files.readString(resolved, StandardCharsets.UTF_8)));
        } catch (RuleLoadException e) {
            e.problems().forEach(p -> problems.add(new Problem(loc.line(), p)));
            packsOk = false;
        } catch (IOException e) {
            problem(loc, path + ": cannot read rule file '" + entry + "': " + describe(e));
            packsOk = false;
        }
    }

    private Map<String, String> params(YamlNode node, String path) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null) {
            return out;
        }
        if (!(node instanceof YamlNode.MapNode map)) {
            problem(node.loc(), path + ": expected a mapping of NAME: number or none, got " + node.typeName());
            return out;
        }
        Set<String> declared = declaredParameters();
        map.entries().forEach((key, value) -> {
            Loc keyLoc = map.keyLocs().get(key);
            if (packsOk && !declared.contains(key)) {
                problem(keyLoc, path + "." + key + ": unknown parameter '" + key + "'" + DidYouMean.hint(key, declared)
                        + "; the rule files declare: " + (declared.isEmpty() ? "(none)" : String.join(", ", declared)));
                return;
            }
            String text = paramValue(value);
            if (text == null) {
                problem(value.loc(), path + "." + key + ": expected a finite number or none, got "
                        + shown(value));
                return;
            }
            out.put(key, text);
        });
        return out;
    }

    private static String paramValue(YamlNode node) {
        if (!(node instanceof YamlNode.Scalar s) || s.isNull()) {
            return null;
        }
        String text = s.text().trim();
        if (text.equals("none")) {
            return text;
        }
        if (s.isString()) {
            return null;
        }
        try {
            double d = Double.parseDouble(text);
            return Double.isFinite(d) ? text : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private Set<String> declaredParameters() {
        Set<String> out = new LinkedHashSet<>();
        for (PackSpec p : packs) {
            for (ParameterSpec ps : p.parameters()) {
                out.add(ps.name());
            }
        }
        return out;
    }

    private Set<String> ruleIds() {
        Set<String> out = new LinkedHashSet<>();
        for (PackSpec p : packs) {
            for (RuleSpec r : p.rules()) {
                out.add(r.id());
            }
        }
        return out;
    }

    /** Compiles the rule files with {@code params}, once per distinct parameter set. */
    private Optional<RuleSet> ruleSet(Map<String, String> params) {
        if (!packsOk) {
            return Optional.empty();
        }
        return compiled.computeIfAbsent(new TreeMap<>(params), p -> {
            try {
                return Optional.of(RuleSetCompiler.compile(packs, p));
            } catch (RuleLoadException e) {
                compileProblems.addAll(e.problems());
                return Optional.empty();
            }
        });
    }

    // ---------------------------------------------------------------- tests

    private ScenarioTest test(YamlNode node, String path, Map<String, String> fileParams, ObjectNode fileDefaults,
                              Map<String, Loc> names) {
        if (!(node instanceof YamlNode.MapNode map)) {
            problem(node.loc(), path + ": expected a test mapping with keys " + String.join(", ", TEST_KEYS) + ", got "
                    + node.typeName());
            return null;
        }
        int before = problems.size();
        checkKeys(map, TEST_KEYS, path);
        String testName = null;
        YamlNode nameNode = map.entries().get("name");
        if (nameNode == null) {
            problem(map.loc(), path + ": missing key 'name'");
        } else {
            testName = string(nameNode, path + ".name");
            if (testName != null && testName.isBlank()) {
                problem(nameNode.loc(), path + ".name: must not be blank");
                testName = null;
            } else if (testName != null) {
                Loc first = names.putIfAbsent(testName, nameNode.loc());
                if (first != null) {
                    problem(nameNode.loc(), path + ".name: duplicate test name '" + testName + "' (first at " + first
                            + ")");
                }
            }
        }
        String runId = testName;
        YamlNode runNode = map.entries().get("run_id");
        if (runNode != null) {
            runId = string(runNode, path + ".run_id");
            if (runId != null && runId.isBlank()) {
                problem(runNode.loc(), path + ".run_id: must not be blank");
                runId = null;
            }
        }
        InputFormat format = InputFormat.AUTO;
        YamlNode formatNode = map.entries().get("format");
        if (formatNode != null) {
            String f = string(formatNode, path + ".format");
            if (f != null) {
                try {
                    format = InputFormat.fromCliName(f);
                } catch (IllegalArgumentException e) {
                    problem(formatNode.loc(), path + ".format: " + e.getMessage());
                }
            }
        }
        Map<String, String> params = new LinkedHashMap<>(fileParams);
        params.putAll(params(map.entries().get("params"), path + ".params"));
        ObjectNode defaults = defaults(map.entries().get("defaults"), path + ".defaults", fileDefaults);
        ScenarioInput input = input(map, path, testName, defaults);
        Optional<RuleSet> rules = problems.size() == before ? ruleSet(params) : Optional.empty();
        Expectations expect = expectations(map, path, rules.orElse(null));
        if (problems.size() > before || rules.isEmpty() || testName == null || runId == null || input == null
                || expect == null) {
            return null;
        }
        return new ScenarioTest(testName, map.loc(), runId, format, input, params, rules.get(), expect);
    }

    /** {@code base} with the fields of a {@code defaults} mapping set over it. */
    private ObjectNode defaults(YamlNode node, String path, ObjectNode base) {
        ObjectNode out = base.deepCopy();
        if (node == null) {
            return out;
        }
        if (!(node instanceof YamlNode.MapNode)) {
            problem(node.loc(), path + ": expected a mapping of record fields, got " + node.typeName());
            return out;
        }
        JsonNode json = json(node, path);
        if (json != null) {
            out.setAll((ObjectNode) json);
        }
        return out;
    }

    /**
     * Fills in {@code defaults} under an inline record's own fields: in a plain record, in an
     * envelope's {@code data}, and in each object of an array.
     */
    private static JsonNode withDefaults(JsonNode record, ObjectNode defaults) {
        if (defaults.isEmpty()) {
            return record;
        }
        if (record instanceof ArrayNode array) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            array.forEach(element -> out.add(withDefaults(element, defaults)));
            return out;
        }
        if (!(record instanceof ObjectNode object)) {
            return record;
        }
        if (isEnvelope(object)) {
            ObjectNode out = object.deepCopy();
            out.set("data", withDefaults(object.get("data"), defaults));
            return out;
        }
        ObjectNode out = defaults.deepCopy();
        out.setAll(object);
        return out;
    }

    /** The decoder's envelope test ({@code Envelope.isEnvelope}), restated for inline records. */
    private static boolean isEnvelope(ObjectNode object) {
        if (!object.has("data")) {
            return false;
        }
        if (object.has("run_id") || object.has("kind")) {
            return true;
        }
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            if (!ENVELOPE_KEYS.contains(names.next())) {
                return false;
            }
        }
        return true;
    }

    private ScenarioInput input(YamlNode.MapNode map, String path, String testName, ObjectNode defaults) {
        YamlNode inputNode = map.entries().get("input");
        YamlNode recordsNode = map.entries().get("records");
        if ((inputNode == null) == (recordsNode == null)) {
            problem(inputNode == null ? map.loc() : map.keyLocs().get("records"), path
                    + ": give exactly one of 'input: FILE' (relative to this file) or 'records: [...]' (inline)");
            return null;
        }
        if (inputNode != null) {
            if (map.entries().containsKey("defaults")) {
                problem(map.keyLocs().get("defaults"), path + ".defaults: defaults fill in inline records; a test "
                        + "with 'input' has none");
            }
            String entry = string(inputNode, path + ".input");
            if (entry == null) {
                return null;
            }
            Path resolved = resolve(entry);
            if (!Files.isRegularFile(resolved)) {
                problem(inputNode.loc(), path + ".input: no such file " + resolved);
                return null;
            }
            return new ScenarioInput.File(resolved, entry);
        }
        if (!(recordsNode instanceof YamlNode.Seq seq)) {
            problem(recordsNode.loc(), path + ".records: expected a list of records, got " + recordsNode.typeName());
            return null;
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < seq.items().size(); i++) {
            YamlNode item = seq.items().get(i);
            String itemPath = path + ".records[" + i + "]";
            if (item instanceof YamlNode.Scalar s && s.isString()) {
                if (s.text().indexOf('\n') >= 0 || s.text().indexOf('\r') >= 0) {
                    problem(item.loc(), itemPath + ": a raw line must not contain a line break");
                }
                lines.add(s.text());
            } else if (item instanceof YamlNode.MapNode || item instanceof YamlNode.Seq) {
                JsonNode json = json(item, itemPath);
                if (json != null) {
                    try {
                        lines.add(JSON.writeValueAsString(withDefaults(json, defaults)));
                    } catch (JsonProcessingException e) {
                        problem(item.loc(), itemPath + ": cannot write as JSON: " + e.getOriginalMessage());
                    }
                }
            } else {
                problem(item.loc(), itemPath + ": expected a record mapping (or a string of raw line text), got "
                        + item.typeName());
            }
        }
        String fileName = file.getFileName() == null ? name : file.getFileName().toString();
        return new ScenarioInput.Inline(fileName + "#" + (testName == null ? path : testName), lines);
    }

    /** Converts a YAML tree to JSON; every scalar must be a string, number, boolean or null. */
    private JsonNode json(YamlNode node, String path) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (node instanceof YamlNode.MapNode map) {
            ObjectNode out = f.objectNode();
            boolean ok = true;
            for (Map.Entry<String, YamlNode> e : map.entries().entrySet()) {
                JsonNode v = json(e.getValue(), path + "." + e.getKey());
                ok &= v != null;
                if (v != null) {
                    out.set(e.getKey(), v);
                }
            }
            return ok ? out : null;
        }
        if (node instanceof YamlNode.Seq seq) {
            ArrayNode out = f.arrayNode();
            boolean ok = true;
            for (int i = 0; i < seq.items().size(); i++) {
                JsonNode v = json(seq.items().get(i), path + "[" + i + "]");
                ok &= v != null;
                if (v != null) {
                    out.add(v);
                }
            }
            return ok ? out : null;
        }
        YamlNode.Scalar s = (YamlNode.Scalar) node;
        if (s.isNull()) {
            return NullNode.instance;
        }
        if (s.isString()) {
            return TextNode.valueOf(s.text());
        }
        Optional<Boolean> b = bool(s.text());
        if (b.isPresent()) {
            return BooleanNode.valueOf(b.get());
        }
        Optional<Double> special = specialFloat(s.text());
        if (special.isPresent()) {
            return DoubleNode.valueOf(special.get());
        }
        Optional<BigDecimal> number = number(s.text());
        if (number.isPresent()) {
            return DecimalNode.valueOf(number.get());
        }
        problem(node.loc(), path + ": cannot turn '" + s.text() + "' into a JSON value; quote it to make it a string");
        return null;
    }

    // ---------------------------------------------------------------- expectations

    private Expectations expectations(YamlNode.MapNode test, String testPath, RuleSet rules) {
        YamlNode node = test.entries().get("expect");
        String path = testPath + ".expect";
        if (node == null) {
            problem(test.loc(), testPath + ": missing key 'expect'; say what the replay must produce ("
                    + String.join(", ", EXPECT_KEYS) + ")");
            return null;
        }
        if (!(node instanceof YamlNode.MapNode map)) {
            problem(node.loc(), path + ": expected a mapping with keys " + String.join(", ", EXPECT_KEYS) + ", got "
                    + node.typeName());
            return null;
        }
        checkKeys(map, EXPECT_KEYS, path);
        if (map.entries().isEmpty()) {
            problem(map.loc(), path + ": empty; give at least one of " + String.join(", ", EXPECT_KEYS));
        }
        Map<String, YamlNode> e = map.entries();
        Optional<List<AlertExpectation>> alerts = Optional.ofNullable(e.get("alerts"))
                .map(n -> items(n, path + ".alerts", (item, p) -> alert(item, p, rules)));
        Optional<List<RecommendationExpectation>> recommendations = Optional.ofNullable(e.get("recommendations"))
                .map(n -> items(n, path + ".recommendations", (item, p) -> recommendation(item, p, rules)));
        Optional<Action> decision = Optional.ofNullable(e.get("decision"))
                .flatMap(n -> action(n, path + ".decision", false));
        Optional<Map<String, Action>> runs = Optional.ofNullable(e.get("runs")).map(n -> runs(n, path + ".runs"));
        Optional<CountOrItems<RejectionExpectation>> rejected = Optional.ofNullable(e.get("rejected"))
                .map(n -> countOrItems(n, path + ".rejected", this::rejection));
        Optional<CountOrItems<RuleErrorExpectation>> ruleErrors = Optional.ofNullable(e.get("rule_errors"))
                .map(n -> countOrItems(n, path + ".rule_errors", this::ruleError));
        return new Expectations(alerts, recommendations, decision, runs, rejected, ruleErrors);
    }

    @FunctionalInterface
    private interface ItemParser<T> {
        T parse(YamlNode.MapNode item, String path);
    }

    private <T> List<T> items(YamlNode node, String path, ItemParser<T> parser) {
        List<T> out = new ArrayList<>();
        if (!(node instanceof YamlNode.Seq seq)) {
            problem(node.loc(), path + ": expected a list (the complete, ordered list; [] for none), got "
                    + node.typeName());
            return out;
        }
        for (int i = 0; i < seq.items().size(); i++) {
            YamlNode item = seq.items().get(i);
            String p = path + "[" + i + "]";
            if (!(item instanceof YamlNode.MapNode m)) {
                problem(item.loc(), p + ": expected a mapping, got " + item.typeName());
                continue;
            }
            if (m.entries().isEmpty()) {
                problem(m.loc(), p + ": empty; give at least one key to compare");
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

    private AlertExpectation alert(YamlNode.MapNode m, String path, RuleSet rules) {
        checkKeys(m, ALERT_KEYS, path);
        Map<String, YamlNode> e = m.entries();
        Optional<String> rule = optional(e, "rule", n -> string(n, path + ".rule"));
        rule.ifPresent(r -> checkRule(r, e.get("rule").loc(), path + ".rule", rules));
        return new AlertExpectation(m.loc(),
                optional(e, "at", n -> at(n, path + ".at")),
                rule,
                optional(e, "run_id", n -> string(n, path + ".run_id")),
                optional(e, "state", n -> state(n, path + ".state")),
                optional(e, "action", n -> action(n, path + ".action", true).orElse(null)),
                optional(e, "severity", n -> severity(n, path + ".severity")),
                optional(e, "value", n -> expectedNumber(n, path + ".value")),
                optional(e, "threshold", n -> expectedNumber(n, path + ".threshold")),
                optional(e, "started_at", n -> at(n, path + ".started_at")),
                stringMap(e.get("labels"), path + ".labels"),
                stringMap(e.get("annotations"), path + ".annotations"));
    }

    private RecommendationExpectation recommendation(YamlNode.MapNode m, String path, RuleSet rules) {
        checkKeys(m, RECOMMENDATION_KEYS, path);
        Map<String, YamlNode> e = m.entries();
        Optional<List<String>> ruleList = optional(e, "rules", n -> stringList(n, path + ".rules"));
        ruleList.ifPresent(list -> list.forEach(r -> checkRule(r, e.get("rules").loc(), path + ".rules", rules)));
        return new RecommendationExpectation(m.loc(),
                optional(e, "at", n -> at(n, path + ".at")),
                optional(e, "run_id", n -> string(n, path + ".run_id")),
                optional(e, "action", n -> action(n, path + ".action", false).orElse(null)),
                optional(e, "latched", n -> bool(n, path + ".latched")),
                optional(e, "reasons", n -> stringList(n, path + ".reasons")),
                ruleList);
    }

    private RejectionExpectation rejection(YamlNode.MapNode m, String path) {
        checkKeys(m, REJECTION_KEYS, path);
        Map<String, YamlNode> e = m.entries();
        return new RejectionExpectation(m.loc(),
                optional(e, "at", n -> at(n, path + ".at")),
                optional(e, "reason", n -> string(n, path + ".reason")));
    }

    private RuleErrorExpectation ruleError(YamlNode.MapNode m, String path) {
        checkKeys(m, RULE_ERROR_KEYS, path);
        Map<String, YamlNode> e = m.entries();
        return new RuleErrorExpectation(m.loc(),
                optional(e, "rule", n -> string(n, path + ".rule")),
                optional(e, "count", n -> count(n, path + ".count", "a count").orElse(null)),
                optional(e, "at", n -> at(n, path + ".at")),
                optional(e, "message", n -> string(n, path + ".message")));
    }

    private Map<String, Action> runs(YamlNode node, String path) {
        Map<String, Action> out = new LinkedHashMap<>();
        if (!(node instanceof YamlNode.MapNode map)) {
            problem(node.loc(), path + ": expected a mapping of RUN_ID: ACTION (every run), got " + node.typeName());
            return out;
        }
        map.entries().forEach((run, value) -> action(value, path + "." + run, false).ifPresent(a -> out.put(run, a)));
        return out;
    }

    /** An expected rule id must exist in the rule files and be enabled with this test's parameters. */
    private void checkRule(String rule, Loc loc, String path, RuleSet rules) {
        if (!packsOk) {
            return;
        }
        Set<String> ids = ruleIds();
        if (!ids.contains(rule)) {
            problem(loc, path + ": unknown rule '" + rule + "'" + DidYouMean.hint(rule, ids) + "; the rule files define: "
                    + String.join(", ", ids));
            return;
        }
        if (rules == null) {
            return;
        }
        for (CompiledPack pack : rules.packs()) {
            String why = pack.disabled().get(rule);
            if (why != null) {
                problem(loc, path + ": rule '" + rule + "' is disabled in this test (" + why
                        + "); set the parameter under params");
            }
        }
    }

    // ---------------------------------------------------------------- scalars

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
        problem(node.loc(), path + ": expected a record position: a line number such as 3, or \"3[1]\" for element 1"
                + " of the document on line 3; got " + shown(node));
        return null;
    }

    private Optional<Long> count(YamlNode node, String path, String what) {
        if (node instanceof YamlNode.Scalar s && !s.isNull() && !s.isString() && s.text().matches("\\d{1,18}")) {
            return Optional.of(Long.parseLong(s.text()));
        }
        problem(node.loc(), path + ": expected " + what + " (a whole number >= 0), got " + shown(node));
        return Optional.empty();
    }

    private ExpectedNumber expectedNumber(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s && !s.isString()) {
            if (s.isNull()) {
                return new ExpectedNumber(null);
            }
            Optional<Double> special = specialFloat(s.text());
            if (special.isPresent()) {
                return new ExpectedNumber(special.get());
            }
            Optional<BigDecimal> n = number(s.text());
            if (n.isPresent()) {
                return new ExpectedNumber(n.get().doubleValue());
            }
        }
        problem(node.loc(), path + ": expected a number, or null for none; got " + shown(node));
        return null;
    }

    private AlertState state(YamlNode node, String path) {
        String text = string(node, path);
        if (text == null) {
            return null;
        }
        for (AlertState s : AlertState.values()) {
            if (s.id().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        problem(node.loc(), path + ": '" + text + "' is not one of "
                + Arrays.stream(AlertState.values()).map(AlertState::id).collect(Collectors.joining(", ")));
        return null;
    }

    private Optional<Action> action(YamlNode node, String path, boolean alertOnly) {
        String text = string(node, path);
        if (text == null) {
            return Optional.empty();
        }
        Optional<Action> a = Action.parse(text).filter(x -> !alertOnly || x.isAlertAction());
        if (a.isEmpty()) {
            String valid = Arrays.stream(Action.values()).filter(x -> !alertOnly || x.isAlertAction())
                    .map(Action::name).collect(Collectors.joining(", "));
            problem(node.loc(), path + ": '" + text + "' is not one of " + valid);
        }
        return a;
    }

    private Severity severity(YamlNode node, String path) {
        String text = string(node, path);
        if (text == null) {
            return null;
        }
        Optional<Severity> s = Severity.parse(text);
        if (s.isEmpty()) {
            problem(node.loc(), path + ": '" + text + "' is not one of "
                    + Arrays.stream(Severity.values()).map(Severity::id).collect(Collectors.joining(", ")));
        }
        return s.orElse(null);
    }

    private Boolean bool(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s && !s.isNull() && !s.isString()) {
            Optional<Boolean> b = bool(s.text());
            if (b.isPresent()) {
                return b.get();
            }
        }
        problem(node.loc(), path + ": expected true or false, got " + shown(node));
        return null;
    }

    private String string(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s && !s.isNull()) {
            return s.text();
        }
        problem(node.loc(), path + ": expected a string, got " + node.typeName());
        return null;
    }

    private List<String> stringList(YamlNode node, String path) {
        if (!(node instanceof YamlNode.Seq seq)) {
            problem(node.loc(), path + ": expected a list of strings, got " + node.typeName());
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < seq.items().size(); i++) {
            String s = string(seq.items().get(i), path + "[" + i + "]");
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

    private static Optional<Boolean> bool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> Optional.of(true);
            case "false", "no", "off" -> Optional.of(false);
            default -> Optional.empty();
        };
    }

    private static Optional<Double> specialFloat(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case ".inf", "+.inf" -> Optional.of(Double.POSITIVE_INFINITY);
            case "-.inf" -> Optional.of(Double.NEGATIVE_INFINITY);
            case ".nan" -> Optional.of(Double.NaN);
            default -> Optional.empty();
        };
    }

    private static Optional<BigDecimal> number(String text) {
        String t = text.trim().replace("_", "");
        try {
            String digits = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
            if (digits.startsWith("0x") || digits.startsWith("0X")) {
                BigInteger v = new BigInteger(digits.substring(2), 16);
                return Optional.of(new BigDecimal(t.startsWith("-") ? v.negate() : v));
            }
            return Optional.of(new BigDecimal(t));
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Resolves a path written in the scenario file against the scenario file's directory. */
    private Path resolve(String entry) {
        Path p;
        try {
            p = Path.of(entry);
        } catch (InvalidPathException e) {
            return Path.of("").resolve("<invalid path: " + e.getReason() + ">");
        }
        Path base = file.getParent();
        return (p.isAbsolute() || base == null ? p : base.resolve(p)).normalize();
    }

    private void checkKeys(YamlNode.MapNode map, Set<String> allowed, String path) {
        for (Map.Entry<String, Loc> e : map.keyLocs().entrySet()) {
            if (!allowed.contains(e.getKey())) {
                problem(e.getValue(), path + ": unknown key '" + e.getKey() + "'" + DidYouMean.hint(e.getKey(), allowed)
                        + "; allowed keys: " + String.join(", ", allowed));
            }
        }
    }

    private static String shown(YamlNode node) {
        return node instanceof YamlNode.Scalar s && !s.isNull() ? "'" + s.text() + "'" : node.typeName();
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private void problem(Loc loc, String message) {
        problems.add(new Problem(loc.line(), loc + ": " + message));
    }

    private static Set<String> orderedSet(String... values) {
        return new LinkedHashSet<>(Arrays.asList(values));
    }

    private record Problem(int line, String text) {
    }
}
