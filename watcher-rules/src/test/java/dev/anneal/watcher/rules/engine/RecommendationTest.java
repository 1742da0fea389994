package dev.anneal.watcher.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.EngineHarness;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.Evidence;
import dev.anneal.watcher.rules.model.Recommendation;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.Severity;
import dev.anneal.watcher.rules.model.SourcePosition;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The run's recommendation: the highest action among firing alerts (ROLLBACK > FREEZE > HOLD);
 * FREEZE and ROLLBACK latch (they stay, marked latched, after their alert resolves); HOLD ends
 * when its alert resolves; a recommendation is emitted only when the action or the set of alerts
 * behind it changes.
 */
class RecommendationTest {

    static final String PACK = """
            pack: ladder
            rules:
              - id: hold_rule
                select: {kinds: [ppo]}
                condition: record.h > 0.0
                value: record.h
                threshold: "0.0"
                action: HOLD
              - id: freeze_rule
                select: {kinds: [ppo]}
                condition: record.f > 0.0
                value: record.f
                threshold: "0.0"
                severity: critical
                action: FREEZE
              - id: rollback_rule
                select: {kinds: [ppo]}
                condition: record.r > 0.0
                value: record.r
                threshold: "0.0"
                severity: critical
                action: ROLLBACK
            """;

    /** One record per token: the letters H, F, R say which rules' conditions hold; {@code -} none. */
    static void feed(EngineHarness h, String token) {
        h.feed(RecordKind.PPO,
                "h", token.contains("H") ? 1.0 : 0.0,
                "f", token.contains("F") ? 2.0 : 0.0,
                "r", token.contains("R") ? 3.0 : 0.0);
    }

    /** Per step: the action emitted ({@code !} when latched), or {@code -} when nothing was emitted. */
    static String recommendations(EngineHarness h) {
        return h.steps().stream()
                .map(s -> s.recommendation().map(r -> r.action().name() + (r.latched() ? "!" : "")).orElse("-"))
                .collect(Collectors.joining(" "));
    }

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of(1, "nothing fires: PASS once, then silence", "- - -", "PASS - -"),
                Arguments.of(2, "HOLD clears when its alert resolves", "H H -", "HOLD - PASS"),
                Arguments.of(3, "FREEZE latches after its alert resolves", "F F -", "FREEZE - FREEZE!"),
                Arguments.of(4, "ROLLBACK latches", "R -", "ROLLBACK ROLLBACK!"),
                Arguments.of(5, "simultaneous: ROLLBACK wins", "HFR", "ROLLBACK"),
                Arguments.of(6, "simultaneous: FREEZE beats HOLD", "HF", "FREEZE"),
                Arguments.of(7, "escalation up the ladder", "H HF HFR", "HOLD FREEZE ROLLBACK"),
                Arguments.of(8, "a latched ROLLBACK outranks a later FREEZE", "R - F -",
                        "ROLLBACK ROLLBACK! ROLLBACK! ROLLBACK!"),
                Arguments.of(9, "a latch survives everything resolving", "F - - -", "FREEZE FREEZE! - -"),
                Arguments.of(10, "HOLD under a FREEZE latch shows both, still latched", "F - H -",
                        "FREEZE FREEZE! FREEZE! FREEZE!"),
                Arguments.of(11, "ROLLBACK over a FREEZE latch", "F - R -", "FREEZE FREEZE! ROLLBACK ROLLBACK!"),
                Arguments.of(12, "the same evidence again emits nothing", "H H H", "HOLD - -"),
                Arguments.of(13, "a HOLD joining a firing FREEZE changes the evidence", "F HF HF", "FREEZE FREEZE -"),
                Arguments.of(14, "a HOLD resolving under a firing FREEZE changes the evidence", "HF F", "FREEZE FREEZE"),
                Arguments.of(15, "FREEZE firing again after its latch", "F - F -", "FREEZE FREEZE! FREEZE FREEZE!"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("table")
    void ladder(int row, String name, String input, String expected) throws Exception {
        EngineHarness h = EngineHarness.of(PACK);
        for (String t : input.split(" ")) {
            feed(h, t);
        }
        assertThat(recommendations(h)).as("row %d %s: %s", row, name, input).isEqualTo(expected);
        assertThat(h.errors()).isEmpty();
    }

    @Test
    void evidenceIsOrderedByActionAndCarriesItsProvenance() throws Exception {
        EngineHarness h = EngineHarness.of(PACK);
        feed(h, "-");
        feed(h, "HFR");
        Recommendation rec = h.lastRecommendation();
        assertThat(rec.action()).isEqualTo(Action.ROLLBACK);
        assertThat(rec.latched()).isFalse();
        assertThat(rec.runId()).isEqualTo(EngineHarness.RUN);
        assertThat(rec.source()).isEqualTo(SourcePosition.line(EngineHarness.SOURCE, 2));
        assertThat(rec.eventTime()).isEqualTo(1);
        assertThat(rec.ruleSetDigest()).isEqualTo(h.ruleSet().digest()).startsWith("sha256:");
        assertThat(rec.evidence()).extracting(Evidence::rule)
                .containsExactly("rollback_rule", "freeze_rule", "hold_rule");
        assertThat(rec.evidence()).extracting(Evidence::action)
                .containsExactly(Action.ROLLBACK, Action.FREEZE, Action.HOLD);
        assertThat(rec.evidence()).extracting(Evidence::severity)
                .containsExactly(Severity.CRITICAL, Severity.CRITICAL, Severity.WARNING);
        assertThat(rec.evidence()).extracting(Evidence::value).containsExactly(3.0, 2.0, 1.0);
        assertThat(rec.evidence()).extracting(Evidence::threshold).containsOnly(0.0);
        assertThat(rec.evidence()).allSatisfy(e -> {
            assertThat(e.startedAt()).isEqualTo(SourcePosition.line(EngineHarness.SOURCE, 2));
            assertThat(e.source()).isEqualTo(SourcePosition.line(EngineHarness.SOURCE, 2));
        });
        assertThat(rec.evidence()).extracting(Evidence::alertId)
                .containsExactlyElementsOf(h.alerts().stream()
                        .sorted((a, b) -> b.action().compareTo(a.action())).map(AlertEvent::id).toList());
        assertThat(rec.reasons()).containsExactly("rollback_rule: 3 vs 0", "freeze_rule: 2 vs 0", "hold_rule: 1 vs 0");
    }

    @Test
    void latchedEvidenceKeepsWhereTheAlertStartedAndWasLastConfirmed() throws Exception {
        EngineHarness h = EngineHarness.of(PACK);
        h.feed(RecordKind.PPO, "h", 0.0, "f", 2.0, "r", 0.0);
        h.feed(RecordKind.PPO, "h", 0.0, "f", 5.0, "r", 0.0);
        h.feed(RecordKind.PPO, "h", 0.0, "f", 0.0, "r", 0.0);
        Recommendation rec = h.lastRecommendation();
        assertThat(rec.action()).isEqualTo(Action.FREEZE);
        assertThat(rec.latched()).isTrue();
        assertThat(rec.source()).as("the record that resolved it").hasToString("t.jsonl:3");
        assertThat(rec.evidence()).singleElement().satisfies(e -> {
            assertThat(e.rule()).isEqualTo("freeze_rule");
            assertThat(e.startedAt()).hasToString("t.jsonl:1");
            assertThat(e.source()).hasToString("t.jsonl:2");
            assertThat(e.value()).isEqualTo(5.0);
        });
        assertThat(h.runState().latched()).isEqualTo(Action.FREEZE);
        assertThat(h.runState().recommendation()).isEqualTo(rec);
    }

    @Test
    void holdAloneNeverLatches() throws Exception {
        EngineHarness h = EngineHarness.of(PACK);
        feed(h, "H");
        feed(h, "-");
        assertThat(h.runState().latched()).isNull();
        assertThat(h.lastRecommendation().action()).isEqualTo(Action.PASS);
        assertThat(h.lastRecommendation().evidence()).isEmpty();
        assertThat(h.lastRecommendation().reasons()).isEmpty();
    }

    @Test
    void runsHaveIndependentRecommendations() throws Exception {
        EngineHarness h = EngineHarness.of(PACK);
        h.run("a");
        feed(h, "F");
        h.run("b");
        feed(h, "H");
        h.run("a");
        feed(h, "-");
        h.run("b");
        feed(h, "-");
        assertThat(h.recommendations()).extracting(r -> r.runId() + ":" + r.action() + (r.latched() ? "!" : ""))
                .containsExactly("a:FREEZE", "b:HOLD", "a:FREEZE!", "b:PASS");
    }
}
