package dev.anneal.watcher.core.scenario;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A loaded scenario file: rule files, parameters and tests, every test already compiled against
 * its rule set. Built by {@link ScenarioLoader}; run by {@link ScenarioRunner}.
 *
 * @param file      the scenario file
 * @param name      the file as it appears in messages (the path as given)
 * @param ruleFiles the {@code rule_files} entries as written
 * @param params    the file-level parameter overrides
 * @param tests     the tests, in file order
 */
public record Scenario(Path file, String name, List<String> ruleFiles, Map<String, String> params,
                       List<ScenarioTest> tests) {

    public Scenario {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(name, "name");
        ruleFiles = List.copyOf(ruleFiles);
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        tests = List.copyOf(tests);
    }
}
