package dev.anneal.watcher.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.EngineHarness;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.Severity;
import dev.anneal.watcher.rules.model.SourcePosition;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The alert lifecycle inactive -> pending -> firing -> resolved, with {@code for} and
 * {@code keep_firing_for} counted in records or in event time. Each table row is a sequence of
 * condition values and the alert events each record produced ({@code -} for none): events are
 * emitted on transitions only.
 */
class LifecycleTest {

    static final long T0 = 1_700_000_000_000L;
    static final long MINUTE = 60_000L;

    static String pack(String forExtent, String keepFiringFor) {
        return "pack: life\n"
                + "rules:\n"
                + "  - id: kl_high\n"
                + "    select: {kinds: [ppo]}\n"
                + "    condition: kl_divergence > 0.5\n"
                + "    value: kl_divergence\n"
                + "    threshold: \"0.5\"\n"
                + (forExtent.isEmpty() ? "" : "    for: " + forExtent + "\n")
                + (keepFiringFor.isEmpty() ? "" : "    keep_firing_for: " + keepFiringFor + "\n")
                + "    action: HOLD\n";
    }

    /** T: condition true (kl 0.9); F: false (kl 0.1); optional {@code @M}: timestamp at minute M. */
    static void feed(EngineHarness h, String token) {
        String[] parts = token.split("@");
        double kl = switch (parts[0]) {
            case "T" -> 0.9;
            case "F" -> 0.1;
            default -> throw new IllegalArgumentException(token);
        };
        if (parts.length == 2) {
            h.feedAt(RecordKind.PPO, T0 + Long.parseLong(parts[1]) * MINUTE, "kl_divergence", kl);
        } else {
            h.feed(RecordKind.PPO, "kl_divergence", kl);
        }
    }

    static Stream<Arguments> records() {
        return Stream.of(
                Arguments.of(1, "no for: fires on the first true", "", "", "T T F", "firing - resolved"),
                Arguments.of(2, "for 1 is the same as no for", "1", "", "T F", "firing resolved"),
                Arguments.of(3, "for 2: pending then firing", "2", "", "T T T F", "pending firing - resolved"),
                Arguments.of(4, "for 2: a false while pending emits inactive and resets", "2", "", "T F T T",
                        "pending inactive pending firing"),
                Arguments.of(5, "for 3: the streak restarts from one after a reset", "3", "", "T T F T T T",
                        "pending - inactive pending - firing"),
                Arguments.of(6, "never true: no events", "2", "", "F F F", "- - -"),
                Arguments.of(7, "re-fires after resolving", "", "", "T F T", "firing resolved firing"),
                Arguments.of(8, "keep 2: resolves on the third false", "", "2", "T F F F", "firing - - resolved"),
                Arguments.of(9, "keep 2: a true resets the false count", "", "2", "T F F T F F F",
                        "firing - - - - - resolved"),
                Arguments.of(10, "keep 1", "", "1", "T F T F F", "firing - - - resolved"),
                Arguments.of(11, "for 2 with keep 1", "2", "1", "T T F F T", "pending firing - resolved pending"),
                Arguments.of(12, "keep does not apply while pending", "3", "5", "T T F", "pending - inactive"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("records")
    void forAndKeepFiringForInRecords(int row, String name, String forExtent, String keep, String input,
                                      String expected) throws Exception {
        assertRow(row, name, pack(forExtent, keep), input, expected);
    }

    static Stream<Arguments> durations() {
        return Stream.of(
                Arguments.of(1, "for 10m: fires once 10m of event time have passed", "10m", "", "T@0 T@5 T@10",
                        "pending - firing"),
                Arguments.of(2, "for 10m: 9m is not enough", "10m", "", "T@0 T@9 T@11", "pending - firing"),
                Arguments.of(3, "for 10m: a single late true fires", "10m", "", "T@0 T@20", "pending firing"),
                Arguments.of(4, "for 10m: a false while pending resets the clock", "10m", "",
                        "T@0 F@5 T@6 T@15 T@16", "pending inactive pending - firing"),
                Arguments.of(5, "for 1h30m", "1h30m", "", "T@0 T@60 T@89 T@90", "pending - - firing"),
                Arguments.of(6, "keep 10m: resolves 10m after the last true", "", "10m", "T@0 F@5 F@9 F@10",
                        "firing - - resolved"),
                Arguments.of(7, "keep 10m: measured from the last true record", "", "10m",
                        "T@0 F@5 T@8 F@15 F@18", "firing - - - resolved"),
                Arguments.of(8, "keep 10m: one false long after resolves at once", "", "10m", "T@0 F@60",
                        "firing resolved"),
                Arguments.of(9, "for 5m and keep 5m", "5m", "5m", "T@0 T@5 F@6 F@10", "pending firing - resolved"),
                Arguments.of(10, "for 90s", "90s", "", "T@0 T@1 T@2", "pending - firing"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("durations")
    void forAndKeepFiringForInEventTime(int row, String name, String forExtent, String keep, String input,
                                        String expected) throws Exception {
        assertRow(row, name, pack(forExtent, keep), input, expected);
    }

    private static void assertRow(int row, String name, String pack, String input, String expected)
            throws Exception {
        EngineHarness h = EngineHarness.of(pack);
        for (String token : input.split(" ")) {
            feed(h, token);
        }
        assertThat(h.timeline()).as("row %d %s: %s", row, name, input).isEqualTo(expected);
        assertThat(h.errors()).isEmpty();
    }

    @Test
    void oneIncidentKeepsOneIdFromPendingToResolved() throws Exception {
        EngineHarness h = EngineHarness.of(pack("2", ""));
        for (String t : "F T T T F T F".split(" ")) {
            feed(h, t);
        }
        List<AlertEvent> events = h.alerts();
        assertThat(events).extracting(AlertEvent::state).containsExactly(
                AlertState.PENDING, AlertState.FIRING, AlertState.RESOLVED, AlertState.PENDING, AlertState.INACTIVE);
        SourcePosition first = SourcePosition.line(EngineHarness.SOURCE, 2);
        assertThat(events.subList(0, 3)).allSatisfy(e -> {
            assertThat(e.id()).isEqualTo(events.get(0).id());
            assertThat(e.startedAt()).isEqualTo(first);
        });
        assertThat(events.get(3).id()).as("a new incident has a new id").isNotEqualTo(events.get(0).id());
        assertThat(events.get(3).startedAt()).isEqualTo(SourcePosition.line(EngineHarness.SOURCE, 6));
        assertThat(events).extracting(e -> e.source().line()).containsExactly(2L, 3L, 5L, 6L, 7L);
        assertThat(events).extracting(AlertEvent::value).containsExactly(0.9, 0.9, 0.1, 0.9, 0.1);
        assertThat(events).extracting(AlertEvent::threshold).containsOnly(0.5);
    }

    @Test
    void alertIdIsDeterministic() throws Exception {
        EngineHarness a = EngineHarness.of(pack("", ""));
        EngineHarness b = EngineHarness.of(pack("", ""));
        feed(a, "T");
        feed(b, "T");
        assertThat(a.alerts().get(0).id()).isEqualTo(b.alerts().get(0).id()).matches("[0-9a-f]{16}");

        EngineHarness later = EngineHarness.of(pack("", ""));
        feed(later, "F");
        feed(later, "T");
        assertThat(later.alerts().get(0).id()).as("different start position, different id")
                .isNotEqualTo(a.alerts().get(0).id());

        EngineHarness otherRun = EngineHarness.of(pack("", ""));
        otherRun.run("run-2");
        feed(otherRun, "T");
        assertThat(otherRun.alerts().get(0).id()).as("different run, different id")
                .isNotEqualTo(a.alerts().get(0).id());
    }

    @Test
    void alertIdDoesNotDependOnTheRuleSetOrEventTime() throws Exception {
        // Same rule id, run and start position: a reworded rule keeps its alert ids.
        EngineHarness a = EngineHarness.of(pack("", ""));
        EngineHarness b = EngineHarness.of(pack("", "3"));
        feed(a, "T@0");
        feed(b, "T@7");
        assertThat(a.ruleSet().digest()).isNotEqualTo(b.ruleSet().digest());
        assertThat(a.alerts().get(0).id()).isEqualTo(b.alerts().get(0).id());
    }

    @Test
    void eventCarriesLabelsAnnotationsAndProvenance() throws Exception {
        EngineHarness h = EngineHarness.of("""
                pack: life
                rules:
                  - id: kl_high
                    select: {kinds: [ppo]}
                    condition: kl_divergence > 0.5
                    value: kl_divergence
                    threshold: "0.5"
                    severity: critical
                    action: FREEZE
                    labels: {team: training}
                    annotations:
                      summary: "kl {{ alert.value }} over {{ alert.threshold }} in {{ run_id }}"
                """);
        h.feedAt(RecordKind.PPO, T0, "kl_divergence", 0.75);
        AlertEvent e = h.alerts().get(0);
        assertThat(e.rule()).isEqualTo("kl_high");
        assertThat(e.runId()).isEqualTo(EngineHarness.RUN);
        assertThat(e.state()).isEqualTo(AlertState.FIRING);
        assertThat(e.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(e.action()).isEqualTo(Action.FREEZE);
        assertThat(e.value()).isEqualTo(0.75);
        assertThat(e.threshold()).isEqualTo(0.5);
        assertThat(e.eventTime()).isEqualTo(T0);
        assertThat(e.startedAt()).isEqualTo(e.source()).hasToString("t.jsonl:1");
        assertThat(e.synthetic()).isFalse();
        assertThat(e.ruleSetDigest()).isEqualTo(h.ruleSet().digest());
        assertThat(e.labels()).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(
                "action", "FREEZE", "alertname", "kl_high", "pack", "life", "run_id", "run-1",
                "severity", "critical", "team", "training")));
        assertThat(e.annotations()).containsExactly(Map.entry("summary", "kl 0.75 over 0.5 in run-1"));
    }

    @Test
    void firingAlertIsNotReemittedWhileTheValueChanges() throws Exception {
        EngineHarness h = EngineHarness.of(pack("", ""));
        h.feed(RecordKind.PPO, "kl_divergence", 0.6);
        h.feed(RecordKind.PPO, "kl_divergence", 0.7);
        h.feed(RecordKind.PPO, "kl_divergence", 0.8);
        assertThat(h.timeline()).isEqualTo("firing - -");
        assertThat(h.state("kl_high")).isEqualTo(AlertState.FIRING);
    }

    @Test
    void syntheticRecordsMarkTheirEvents() throws Exception {
        EngineHarness h = EngineHarness.of(pack("", ""));
        h.process(new dev.anneal.watcher.rules.model.TelemetryRecord(EngineHarness.RUN, RecordKind.PPO,
                h.nextPosition(), 0, false, true, EngineHarness.fields("kl_divergence", 0.9)));
        assertThat(h.alerts().get(0).synthetic()).isTrue();
        assertThat(h.recommendations().get(0).synthetic()).isTrue();
    }
}
