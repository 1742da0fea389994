package dev.anneal.watcher.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden bad config files, in the manner of Alertmanager's {@code config/testdata}: every
 * {@code bad-config/NAME.yaml} sits next to {@code NAME.error}, the exact text the loader must report
 * (every line of {@link ConfigException#problems()}, newline-separated). Files are loaded under the
 * source name {@code bad-config/NAME.yaml}, with no environment and no flags.
 */
class BadConfigFilesTest {

    static Path dir() throws URISyntaxException {
        return Path.of(BadConfigFilesTest.class.getResource("/bad-config").toURI());
    }

    static Stream<String> cases() throws IOException, URISyntaxException {
        try (Stream<Path> files = Files.list(dir())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - ".yaml".length()))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    static String problems(String name, String text) {
        try {
            ConfigLoader.parse("bad-config/" + name + ".yaml", text, Path.of("/etc/watcher"), Map.of(), Map.of());
        } catch (ConfigException e) {
            return String.join("\n", e.problems());
        }
        return fail("bad-config/%s.yaml loaded without a problem", name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsExactlyTheExpectedProblems(String name) throws Exception {
        String yaml = Files.readString(dir().resolve(name + ".yaml"), StandardCharsets.UTF_8);
        String expected = Files.readString(dir().resolve(name + ".error"), StandardCharsets.UTF_8);
        expected = expected.endsWith("\n") ? expected.substring(0, expected.length() - 1) : expected;
        assertThat(problems(name, yaml)).as("problems for bad-config/%s.yaml", name).isEqualTo(expected);
    }

    @Test
    void everyBadFileHasItsExpectedErrorAndEveryErrorItsFile() throws Exception {
        List<String> names = cases().toList();
        assertThat(names).hasSizeGreaterThanOrEqualTo(20);
        for (String name : names) {
            assertThat(dir().resolve(name + ".error")).as(name + ".error").exists();
        }
        try (Stream<Path> files = Files.list(dir())) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".error"))
                    .forEach(n -> assertThat(names).as("the .yaml next to " + n)
                            .contains(n.substring(0, n.lastIndexOf('.'))));
        }
    }
}
