package dev.anneal.watcher.core.scenario;

import dev.anneal.watcher.rules.engine.CompiledPack;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.load.RuleFileLoader;
import dev.anneal.watcher.rules.load.RuleLoadException;
import dev.anneal.watcher.rules.load.RuleSetCompiler;
import dev.anneal.watcher.rules.spec.Loc;
import dev.anneal.watcher.rules.spec.PackSpec;
import dev.anneal.watcher.rules.spec.ParameterSpec;
import dev.anneal.watcher.rules.spec.RuleSpec;
import dev.anneal.watcher.rules.yaml.DidYouMean;
import dev.anneal.watcher.rules.yaml.YamlNode;
import dev.anneal.watcher.rules.yaml.YamlReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rule side of a scenario file: {@code rule_files} (built-in packs or files relative to the
 * scenario), {@code params} checked against the parameters those files declare, expected rule ids
 * checked against the rules they define, and each test's rule set, compiled once per distinct set
 * of parameters. A rule file's own problems are reported with its lines, sorted under the
 * {@code rule_files} entry that named it; compilation problems come last.
 */
final class ScenarioRules {

    private final YamlReader yaml;
    private final ScenarioPaths paths;
    private final List<PackSpec> packs = new ArrayList<>();
    /** False once a rule file is missing or invalid: names cannot be checked against it then. */
    private boolean packsOk = true;
    private final Map<Map<String, String>, Optional<RuleSet>> compiled = new LinkedHashMap<>();
    private final Set<String> compileProblems = new LinkedHashSet<>();

    ScenarioRules(YamlReader yaml, ScenarioPaths paths) {
        this.yaml = yaml;
        this.paths = paths;
    }

    /** Reads and loads {@code rule_files}; returns the entries as written. */
    List<String> ruleFiles(YamlNode.MapNode map) {
        List<String> out = new ArrayList<>();
        YamlNode node = yaml.required(map, "rule_files", "missing key 'rule_files': name the rule packs under test, "
                + "e.g. rule_files: [" + BuiltinPacks.DEFAULT + "]");
        YamlNode.Seq seq = yaml.list(node, "rule_files", "a list of built-in pack names or paths");
        if (seq == null) {
            packsOk = false;
            return out;
        }
        if (seq.items().isEmpty()) {
            yaml.problem(seq.loc(), "rule_files: the list is empty; name at least one pack ("
                    + String.join(", ", BuiltinPacks.NAMES) + ") or rule file");
            packsOk = false;
        }
        for (int i = 0; i < seq.items().size(); i++) {
            YamlNode item = seq.items().get(i);
            String entry = yaml.string(item, "rule_files[" + i + "]");
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
            Path resolved = paths.resolve(entry);
            if (!Files.isRegularFile(resolved)) {
                yaml.problem(loc, path + ": '" + entry + "' is not a built-in pack (" + String.join(", ",
                        BuiltinPacks.NAMES) + ") and there is no file " + resolved);
                packsOk = false;
                return;
            }
            packs.add(RuleFileLoader.load(resolved.toString(), Files.readString(resolved, StandardCharsets.UTF_8)));
        } catch (RuleLoadException e) {
            e.problems().forEach(p -> yaml.problems().add(loc.line(), p));
            packsOk = false;
        } catch (IOException e) {
            yaml.problem(loc, path + ": cannot read rule file '" + entry + "': " + ScenarioPaths.describe(e));
            packsOk = false;
        }
    }

    /** A {@code params} mapping: each a declared parameter, with a finite number or {@code none}. */
    Map<String, String> params(YamlNode node, String path) {
        Map<String, String> out = new LinkedHashMap<>();
        YamlNode.MapNode map = yaml.mapping(node, path, "a mapping of NAME: number or none");
        if (map == null) {
            return out;
        }
        Set<String> declared = declaredParameters();
        map.entries().forEach((key, value) -> {
            if (packsOk && !declared.contains(key)) {
                yaml.problem(map.keyLocs().get(key), path + "." + key + ": unknown parameter '" + key + "'"
                        + DidYouMean.hint(key, declared) + "; the rule files declare: "
                        + (declared.isEmpty() ? "(none)" : String.join(", ", declared)));
                return;
            }
            String text = paramValue(value);
            if (text == null) {
                yaml.problem(value.loc(), path + "." + key + ": expected a finite number or none, got "
                        + YamlReader.shown(value));
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

    /** The rule files compiled with {@code params}, once per distinct parameter set; empty when they do not compile. */
    Optional<RuleSet> ruleSet(Map<String, String> params) {
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

    /** Reports the compilation problems, once each, after every problem of the scenario file itself. */
    void reportCompileProblems() {
        compileProblems.forEach(p -> yaml.problems().add(Integer.MAX_VALUE, p));
    }

    /** An expected rule id must exist in the rule files and be enabled with this test's parameters. */
    void checkRule(String rule, Loc loc, String path, RuleSet rules) {
        if (!packsOk) {
            return;
        }
        Set<String> ids = ruleIds();
        if (!ids.contains(rule)) {
            yaml.problem(loc, path + ": unknown rule '" + rule + "'" + DidYouMean.hint(rule, ids)
                    + "; the rule files define: " + String.join(", ", ids));
            return;
        }
        if (rules == null) {
            return;
        }
        for (CompiledPack pack : rules.packs()) {
            String why = pack.disabled().get(rule);
            if (why != null) {
                yaml.problem(loc, path + ": rule '" + rule + "' is disabled in this test (" + why
                        + "); set the parameter under params");
            }
        }
    }
}
