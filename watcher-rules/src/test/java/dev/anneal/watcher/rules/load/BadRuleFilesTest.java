package dev.anneal.watcher.rules.load;

import dev.anneal.watcher.rules.golden.GoldenFolder;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The golden bad rule files: every {@code bad-rules/NAME.yaml} fails to load with exactly the text
 * of {@code NAME.error} (see {@link GoldenFolder}; {@code -Dgolden.update=true} rewrites them).
 */
class BadRuleFilesTest {

    /** Loads and compiles one file the way {@code watcher rules check FILE} does. */
    private static final GoldenFolder FOLDER = GoldenFolder.of("bad-rules", (source, text) -> {
        try {
            RuleSetCompiler.compile(List.of(RuleFileLoader.load(source, text)), Map.of());
        } catch (RuleLoadException e) {
            return e.problems();
        }
        return List.of();
    });

    @TestFactory
    Stream<DynamicTest> reportsExactlyTheExpectedProblems() {
        return FOLDER.tests();
    }

    @Test
    void everyBadFileHasItsExpectedError() {
        FOLDER.checkComplete(20);
    }
}
