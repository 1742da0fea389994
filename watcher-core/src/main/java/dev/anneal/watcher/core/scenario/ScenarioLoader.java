package dev.anneal.watcher.core.scenario;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.watcher.core.decode.InputFormat;
import dev.anneal.watcher.core.replay.CommandSchedule;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.load.RuleFileLoader;
import dev.anneal.watcher.rules.spec.Loc;
import dev.anneal.watcher.rules.yaml.Problems;
import dev.anneal.watcher.rules.yaml.YamlNode;
import dev.anneal.watcher.rules.yaml.YamlReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 *     commands:                        # optional operator commands ({@link ScenarioCommands})
 *       - {after: 1, type: ack, rule: kl_threshold}
 *     expect:                          # at least one key; omitted keys are not checked
 *       alerts: [{at: 1, rule: kl_threshold, state: firing}]   # complete, ordered
 *       recommendations: [{at: 1, action: HOLD}]              # complete, ordered
 *       decision: HOLD
 *       runs: {run-a: HOLD}            # complete
 *       rejected: 0                    # or [{at: 3, reason: missing keys}]
 *       rule_errors: 0                 # or [{rule: r, count: 1, at: 2, message: text}]
 *       commands: [{type: ack, outcome: applied}]              # complete, ordered
 * </pre>
 */
public final class ScenarioLoader {

    private static final List<String> TOP_KEYS = List.of("rule_files", "params", "defaults", "tests");
    private static final List<String> TEST_KEYS = List.of("name", "run_id", "format", "params", "defaults",
            "input", "records", "commands", "expect");

    private final Path file;
    private final String name;
    /** Problems are reported in line order, a rule file's own problems under the entry that names it. */
    private final YamlReader yaml = new YamlReader(new Problems());
    private final ScenarioPaths paths;
    private final ScenarioRules rules;
    private final InlineRecords records;
    private final ExpectationsReader expectations;
    private final ScenarioCommands commands;

    private ScenarioLoader(Path file) {
        this.file = file;
        this.name = file.toString();
        this.paths = new ScenarioPaths(file);
        this.rules = new ScenarioRules(yaml, paths);
        this.records = new InlineRecords(yaml);
        this.expectations = new ExpectationsReader(yaml, rules);
        this.commands = new ScenarioCommands(yaml);
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
            throw new ScenarioLoadException(List.of(file + ": cannot read: " + ScenarioPaths.describe(e)));
        }
        return load(file, text);
    }

    /** Loads {@code text} as the content of {@code file} (which resolves relative paths). */
    public static Scenario load(Path file, String text) throws ScenarioLoadException {
        ScenarioLoader loader = new ScenarioLoader(file);
        YamlNode root = loader.yaml.parse(loader.name, text);
        Scenario scenario = root == null ? null : loader.scenario(root);
        if (!loader.yaml.problems().isEmpty()) {
            throw new ScenarioLoadException(loader.yaml.problems().byLine());
        }
        return scenario;
    }

    private Scenario scenario(YamlNode root) {
        if (!(root instanceof YamlNode.MapNode map)) {
            yaml.problem(root.loc(), "a scenario file is a mapping with keys " + String.join(", ", TOP_KEYS)
                    + "; got " + root.typeName());
            return null;
        }
        yaml.unknownKeys(map, TOP_KEYS, "scenario file");
        List<String> ruleFiles = rules.ruleFiles(map);
        Map<String, String> params = rules.params(map.entries().get("params"), "params");
        ObjectNode defaults = records.defaults(map.entries().get("defaults"), "defaults",
                JsonNodeFactory.instance.objectNode());
        List<ScenarioTest> tests = new ArrayList<>();
        YamlNode.Seq seq = yaml.list(yaml.required(map, "tests", "missing key 'tests': a scenario file needs a list "
                + "of tests"), "tests", "a list of tests");
        if (seq != null) {
            if (seq.items().isEmpty()) {
                yaml.problem(seq.loc(), "tests: the list is empty; a scenario file needs at least one test");
            }
            Map<String, Loc> names = new LinkedHashMap<>();
            for (int i = 0; i < seq.items().size(); i++) {
                ScenarioTest test = test(seq.items().get(i), "tests[" + i + "]", params, defaults, names);
                if (test != null) {
                    tests.add(test);
                }
            }
        }
        rules.reportCompileProblems();
        if (!yaml.problems().isEmpty()) {
            return null;
        }
        return new Scenario(file, name, ruleFiles, params, tests);
    }

    private ScenarioTest test(YamlNode node, String path, Map<String, String> fileParams, ObjectNode fileDefaults,
                              Map<String, Loc> names) {
        YamlNode.MapNode map = yaml.mapping(node, path, "a test mapping with keys " + String.join(", ", TEST_KEYS));
        if (map == null) {
            return null;
        }
        int before = yaml.problems().count();
        yaml.unknownKeys(map, TEST_KEYS, path);
        String testName = testName(map, path, names);
        String runId = testName;
        YamlNode runNode = map.entries().get("run_id");
        if (runNode != null) {
            runId = yaml.string(runNode, path + ".run_id");
            if (runId != null && runId.isBlank()) {
                yaml.problem(runNode.loc(), path + ".run_id: must not be blank");
                runId = null;
            }
        }
        InputFormat format = InputFormat.AUTO;
        YamlNode formatNode = map.entries().get("format");
        String f = yaml.string(formatNode, path + ".format");
        if (f != null) {
            try {
                format = InputFormat.fromCliName(f);
            } catch (IllegalArgumentException e) {
                yaml.problem(formatNode.loc(), path + ".format: " + e.getMessage());
            }
        }
        Map<String, String> params = new LinkedHashMap<>(fileParams);
        params.putAll(rules.params(map.entries().get("params"), path + ".params"));
        ObjectNode defaults = records.defaults(map.entries().get("defaults"), path + ".defaults", fileDefaults);
        ScenarioInput input = input(map, path, testName, defaults);
        List<CommandSchedule.Entry> scheduled = commands.read(map.entries().get("commands"), path + ".commands",
                runId == null ? "run" : runId);
        Optional<RuleSet> ruleSet = yaml.problems().count() == before ? rules.ruleSet(params) : Optional.empty();
        Expectations expect = expectations.expectations(map, path, ruleSet.orElse(null));
        if (yaml.problems().count() > before || ruleSet.isEmpty() || testName == null || runId == null
                || input == null || expect == null || scheduled == null) {
            return null;
        }
        return new ScenarioTest(testName, map.loc(), runId, format, input, params, ruleSet.get(), expect, scheduled);
    }

    /** The test's name: present, not blank, unique in the file. */
    private String testName(YamlNode.MapNode map, String path, Map<String, Loc> names) {
        YamlNode nameNode = yaml.required(map, "name", path + ": missing key 'name'");
        String testName = yaml.string(nameNode, path + ".name");
        if (testName != null && testName.isBlank()) {
            yaml.problem(nameNode.loc(), path + ".name: must not be blank");
            return null;
        }
        if (testName != null) {
            Loc first = names.putIfAbsent(testName, nameNode.loc());
            if (first != null) {
                yaml.problem(nameNode.loc(), path + ".name: duplicate test name '" + testName + "' (first at " + first
                        + ")");
            }
        }
        return testName;
    }

    private ScenarioInput input(YamlNode.MapNode map, String path, String testName, ObjectNode defaults) {
        YamlNode inputNode = map.entries().get("input");
        YamlNode recordsNode = map.entries().get("records");
        if ((inputNode == null) == (recordsNode == null)) {
            yaml.problem(inputNode == null ? map.loc() : map.keyLocs().get("records"), path
                    + ": give exactly one of 'input: FILE' (relative to this file) or 'records: [...]' (inline)");
            return null;
        }
        if (inputNode != null) {
            if (map.entries().containsKey("defaults")) {
                yaml.problem(map.keyLocs().get("defaults"), path + ".defaults: defaults fill in inline records; a "
                        + "test with 'input' has none");
            }
            String entry = yaml.string(inputNode, path + ".input");
            if (entry == null) {
                return null;
            }
            Path resolved = paths.resolve(entry);
            if (!Files.isRegularFile(resolved)) {
                yaml.problem(inputNode.loc(), path + ".input: no such file " + resolved);
                return null;
            }
            return new ScenarioInput.File(resolved, entry);
        }
        List<String> lines = records.lines(recordsNode, path + ".records", defaults);
        if (lines == null) {
            return null;
        }
        return new ScenarioInput.Inline(paths.fileName(name) + "#" + (testName == null ? path : testName), lines);
    }
}
