package dev.anneal.watcher.core.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Topic names are checked when configured, with a message that says what is wrong. */
class WatcherTopicsTest {

    @Test
    void defaults() {
        WatcherTopics t = WatcherTopics.defaults();
        assertThat(t.inputTopics()).containsExactly("anneal.telemetry");
        assertThat(t.pattern()).isEmpty();
        assertThat(List.of(t.alerts(), t.recommendations(), t.dlq()))
                .containsExactly("anneal.alerts", "anneal.recommendations", "anneal.telemetry.dlq");
    }

    @Test
    void inputsCanBeAListOrAPattern() {
        assertThat(WatcherTopics.defaults().withInputTopics(List.of("a", "b")).inputTopics()).containsExactly("a", "b");
        WatcherTopics p = WatcherTopics.defaults().withInputPattern(Pattern.compile("runs\\..*"));
        assertThat(p.inputTopics()).isEmpty();
        assertThat(p.pattern()).map(Pattern::pattern).contains("runs\\..*");
    }

    static Stream<Arguments> invalid() {
        WatcherTopics d = WatcherTopics.defaults();
        return Stream.of(
                row(() -> d.withInputTopics(List.of()), "give either input topics or an input pattern, not neither"),
                row(() -> new WatcherTopics(List.of("a"), Pattern.compile("b"), "x", "y", "z"),
                        "give either input topics or an input pattern, not both"),
                row(() -> d.withInputTopics(List.of("bad topic")),
                        "input topic 'bad topic' may only contain ASCII letters, digits, '.', '_' and '-'"),
                row(() -> d.withOutputs("", "r", "q"), "alerts topic must not be empty"),
                row(() -> d.withOutputs("a", "..", "q"), "recommendations topic cannot be '..'"),
                row(() -> d.withInputTopics(List.of("a", "a")), "input topics [a, a] list a topic twice"),
                row(() -> d.withOutputs("a", "a", "q"),
                        "the alerts, recommendations and dead-letter topics must differ, were a, a, q"),
                row(() -> d.withQuarantine("anneal.alerts", null),
                        "the alerts, recommendations, dead-letter and quarantine topics must differ, were "
                                + "anneal.alerts, anneal.recommendations, anneal.telemetry.dlq, anneal.alerts"),
                row(() -> d.withQuarantine(null, "bad name"),
                        "synthetic recommendations topic 'bad name' may only contain ASCII letters, digits, '.', '_' and '-'"),
                row(() -> d.withQuarantine("anneal.telemetry", "q"), "topic anneal.telemetry is both an input and an output"),
                row(() -> d.withInputTopics(List.of("anneal.alerts")),
                        "topic anneal.alerts is both an input and an output"),
                row(() -> d.withInputPattern(Pattern.compile("anneal\\..*")),
                        "input pattern anneal\\..* matches the output topic anneal.alerts; the daemon would read its"
                                + " own output"));
    }

    private static Arguments row(Supplier<WatcherTopics> build, String message) {
        return Arguments.of(build, message);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalid")
    void invalidNamesAreRefused(Supplier<WatcherTopics> build, String message) {
        assertThatThrownBy(build::get).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
}
