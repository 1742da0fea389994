package dev.anneal.watcher.core.scenario;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the project's own scenario files ({@code <projectRoot>/scenarios/**&#47;*.yaml}) under JUnit,
 * one dynamic test per scenario test, so that {@code mvn test} and {@code watcher test scenarios}
 * check the same thing. A file that does not load is one failing test listing its problems.
 */
class ScenarioFilesTest {

    @TestFactory
    Stream<DynamicNode> projectScenarioFiles() throws IOException {
        Path root = projectRoot();
        Path dir = root.resolve("scenarios");
        if (!Files.isDirectory(dir)) {
            return Stream.of(DynamicTest.dynamicTest("scenarios directory",
                    () -> fail("no scenarios directory at " + dir)));
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(".yaml"))
                    .sorted().toList();
        }
        if (files.isEmpty()) {
            return Stream.of(DynamicTest.dynamicTest("scenario files", () -> fail("no *.yaml files under " + dir)));
        }
        ScenarioRunner runner = new ScenarioRunner();
        List<DynamicNode> nodes = new ArrayList<>();
        for (Path file : files) {
            Path shown = root.relativize(file);
            nodes.add(DynamicContainer.dynamicContainer(shown.toString(), file.toUri(), tests(file, runner)));
        }
        return nodes.stream();
    }

    private static Stream<DynamicNode> tests(Path file, ScenarioRunner runner) {
        Scenario scenario;
        try {
            scenario = ScenarioLoader.load(file);
        } catch (ScenarioLoadException e) {
            String problems = String.join("\n", e.problems());
            return Stream.of(DynamicTest.dynamicTest("load " + file.getFileName(),
                    () -> fail("invalid scenario file:\n" + problems)));
        }
        return scenario.tests().stream().map(test -> DynamicTest.dynamicTest(test.name(), () -> {
            TestOutcome outcome = runner.run(test);
            if (!outcome.passed()) {
                fail(String.join("\n", outcome.diff()));
            }
        }));
    }

    /** The directory holding {@code .mvn}, found by walking up from the working directory. */
    static Path projectRoot() {
        Path start = Path.of("").toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve(".mvn"))) {
                return p;
            }
        }
        throw new IllegalStateException("no directory containing .mvn above " + start);
    }
}
