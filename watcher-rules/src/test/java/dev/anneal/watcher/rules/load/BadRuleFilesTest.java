package dev.anneal.watcher.rules.load;

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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden bad rule files, in the manner of Alertmanager's {@code config/testdata}: every
 * {@code bad-rules/NAME.yaml} sits next to {@code NAME.error}, the exact text the loader must
 * report (every line of {@link RuleLoadException#problems()}, newline-separated). Files are loaded
 * under the source name {@code bad-rules/NAME.yaml} so the text does not depend on the machine.
 *
 * <p>A {@code NAME.pending} file marks a case whose {@code .error} holds a <em>proposed</em>
 * message that the loader does not produce yet (the current one was judged unclear); its one line
 * says why. Such a case is skipped while the loader still differs and fails once it matches, as a
 * reminder to delete the {@code .pending} file.
 */
class BadRuleFilesTest {

    static Path dir() throws URISyntaxException {
        return Path.of(BadRuleFilesTest.class.getResource("/bad-rules").toURI());
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

    /** Loads and compiles one file the way {@code watcher rules check FILE} does. */
    static String problems(String name, String text) {
        try {
            RuleSetCompiler.compile(List.of(RuleFileLoader.load("bad-rules/" + name + ".yaml", text)), Map.of());
        } catch (RuleLoadException e) {
            return String.join("\n", e.problems());
        }
        return fail("bad-rules/%s.yaml loaded without a problem", name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsExactlyTheExpectedProblems(String name) throws Exception {
        Path d = dir();
        String yaml = Files.readString(d.resolve(name + ".yaml"), StandardCharsets.UTF_8);
        String expected = stripOneNewline(Files.readString(d.resolve(name + ".error"), StandardCharsets.UTF_8));
        String actual = problems(name, yaml);
        Path pending = d.resolve(name + ".pending");
        if (Files.exists(pending)) {
            String why = Files.readString(pending, StandardCharsets.UTF_8).strip();
            if (actual.equals(expected)) {
                fail("bad-rules/%s: the loader now reports the proposed message; delete %s.pending", name, name);
            }
            Assumptions.abort("PROPOSED MESSAGE, not produced yet (" + why + "); the loader says:\n" + actual);
        }
        assertThat(actual).as("problems for bad-rules/%s.yaml", name).isEqualTo(expected);
    }

    @Test
    void everyBadFileHasItsExpectedError() throws Exception {
        List<String> names = cases().toList();
        assertThat(names).hasSizeGreaterThanOrEqualTo(20);
        for (String name : names) {
            assertThat(dir().resolve(name + ".error")).as(name + ".error").exists();
        }
        try (Stream<Path> files = Files.list(dir())) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".error") || n.endsWith(".pending"))
                    .forEach(n -> assertThat(names).as("the .yaml next to " + n)
                            .contains(n.substring(0, n.lastIndexOf('.'))));
        }
    }

    private static String stripOneNewline(String s) {
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }
}
