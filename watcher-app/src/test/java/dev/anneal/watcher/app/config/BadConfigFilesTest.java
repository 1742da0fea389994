package dev.anneal.watcher.app.config;

import dev.anneal.watcher.rules.golden.GoldenFolder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The golden bad config files: every {@code bad-config/NAME.yaml} fails to load with exactly the
 * text of {@code NAME.error}, with no environment and no flags (see {@link GoldenFolder};
 * {@code -Dgolden.update=true} rewrites them).
 */
class BadConfigFilesTest {

    static final GoldenFolder FOLDER = GoldenFolder.of("bad-config", (source, text) -> {
        try {
            ConfigLoader.parse(source, text, Path.of("/etc/watcher"), Map.of(), Map.of());
        } catch (ConfigException e) {
            return e.problems();
        }
        return List.of();
    });

    @TestFactory
    Stream<DynamicTest> reportsExactlyTheExpectedProblems() {
        return FOLDER.tests();
    }

    @Test
    void everyBadFileHasItsExpectedErrorAndEveryErrorItsFile() {
        FOLDER.checkComplete(20);
    }
}
