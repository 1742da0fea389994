package dev.anneal.watcher.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.EngineHarness;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.RecordKind;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The promotion condition: PROMOTE once the last {@code consecutive} selected records satisfied
 * it and no alert is firing. A selected record that fails it resets the streak; an unselected
 * record leaves the streak alone.
 */
class PromotionTest {

    static final String PACK = """
            pack: gate
            promotion:
              description: three passing rehearsals in a row
              select: {kinds: [rehearsal], present: [status_field]}
              condition: status_field == 'PASS'
              consecutive: 3
            rules:
              - id: bc_dip
                select: {kinds: [bc_stage]}
                condition: accuracy < 0.85
                action: HOLD
            """;

    /**
     * P passing rehearsal; X failing rehearsal; U rehearsal without status (unselected);
     * K a kind the promotion does not select; D a BC dip (HOLD fires); G a good BC stage (HOLD resolves).
     */
    static void feed(EngineHarness h, String token) {
        switch (token) {
            case "P" -> h.feed(RecordKind.REHEARSAL, "status_field", "PASS");
            case "X" -> h.feed(RecordKind.REHEARSAL, "status_field", "HOLD");
            case "U" -> h.feed(RecordKind.REHEARSAL, "status_field", null);
            case "K" -> h.feed(RecordKind.PPO, "status_field", "FAIL");
            case "D" -> h.feed(RecordKind.BC_STAGE, "accuracy", 0.5);
            case "G" -> h.feed(RecordKind.BC_STAGE, "accuracy", 0.95);
            default -> throw new IllegalArgumentException(token);
        }
    }

    static String recommendations(EngineHarness h) {
        return h.steps().stream()
                .map(s -> s.recommendation().map(r -> r.action().name() + (r.latched() ? "!" : "")).orElse("-"))
                .collect(Collectors.joining(" "));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # row | name                                              | input           | expected
            1     | three passes promote                              | P P P           | PASS - PROMOTE
            2     | two are not enough                                | P P             | PASS -
            3     | a failing selected record resets the streak       | P P X P P P     | PASS - - - - PROMOTE
            4     | a failure after PROMOTE goes back to PASS         | P P P X         | PASS - PROMOTE PASS
            5     | unselected records neither count nor reset        | P U P U P       | PASS - - - PROMOTE
            6     | other kinds neither count nor reset               | P K P K P       | PASS - - - PROMOTE
            7     | a firing alert blocks PROMOTE                     | P P D P         | PASS - HOLD -
            8     | PROMOTE once the alert resolves                   | P P D P G       | PASS - HOLD - PROMOTE
            9     | alerts do not reset the streak                    | D P P P G       | HOLD - - - PROMOTE
            10    | the streak keeps counting past the threshold      | P P P P P       | PASS - PROMOTE - -
            11    | PROMOTE again after a reset                       | P P P X P P P   | PASS - PROMOTE PASS - - PROMOTE
            """)
    void streak(int row, String name, String input, String expected) throws Exception {
        EngineHarness h = EngineHarness.of(PACK);
        for (String t : input.split(" ")) {
            feed(h, t);
        }
        assertThat(recommendations(h)).as("row %d %s: %s", row, name, input).isEqualTo(expected);
        assertThat(h.errors()).isEmpty();
    }

    @Test
    void theDefaultReasonSaysHowManyRecordsHeld() throws Exception {
        EngineHarness h = EngineHarness.of(PACK);
        for (String t : "P P P".split(" ")) {
            feed(h, t);
        }
        assertThat(h.lastRecommendation().action()).isEqualTo(Action.PROMOTE);
        assertThat(h.lastRecommendation().reasons())
                .containsExactly("gate: promotion condition held on 3 consecutive record(s) (needs 3)");
        assertThat(h.lastRecommendation().evidence()).isEmpty();
        assertThat(h.lastRecommendation().latched()).isFalse();
    }

    @Test
    void aReasonTemplateIsRendered() throws Exception {
        EngineHarness h = EngineHarness.of("""
                pack: gate
                promotion:
                  select: {kinds: [rehearsal]}
                  condition: status_field == 'PASS'
                  reason: "rehearsal {{ status_field }} with streak {{ pass_streak }}"
                rules:
                  - id: never
                    select: {kinds: [ppo]}
                    condition: "false"
                    action: HOLD
                """);
        h.feed(RecordKind.REHEARSAL, "status_field", "PASS", "pass_streak", 4);
        assertThat(h.lastRecommendation().action()).as("consecutive defaults to 1").isEqualTo(Action.PROMOTE);
        assertThat(h.lastRecommendation().reasons()).containsExactly("rehearsal PASS with streak 4");
    }

    @Test
    void aFreezeLatchBlocksPromotion() throws Exception {
        EngineHarness h = EngineHarness.of(PACK.replace("action: HOLD", "action: FREEZE"));
        for (String t : "D G P P P".split(" ")) {
            feed(h, t);
        }
        assertThat(recommendations(h)).isEqualTo("FREEZE FREEZE! - - -");
    }

    @Test
    void withoutAPromotionConditionTheBestIsPass() throws Exception {
        EngineHarness h = EngineHarness.of("""
                pack: nogate
                rules:
                  - id: bc_dip
                    select: {kinds: [bc_stage]}
                    condition: accuracy < 0.85
                    action: HOLD
                """);
        assertThat(h.ruleSet().canPromote()).isFalse();
        h.feed(RecordKind.BC_STAGE, "accuracy", 0.99);
        h.feed(RecordKind.BC_STAGE, "accuracy", 0.99);
        assertThat(recommendations(h)).isEqualTo("PASS -");
    }

    @Test
    void aPromotionConditionErrorIsReportedAndLeavesTheStreak() throws Exception {
        EngineHarness h = EngineHarness.of("""
                pack: gate
                promotion:
                  select: {kinds: [rehearsal]}
                  condition: pass_streak >= 1.0
                  consecutive: 2
                rules:
                  - id: never
                    select: {kinds: [ppo]}
                    condition: "false"
                    action: HOLD
                """);
        h.feed(RecordKind.REHEARSAL, "pass_streak", 1);
        h.feed(RecordKind.REHEARSAL, "status_field", "PASS");
        h.feed(RecordKind.REHEARSAL, "pass_streak", 2);
        assertThat(h.errors()).singleElement().satisfies(e -> {
            assertThat(e.rule()).isEqualTo("promotion.gate");
            assertThat(e.position()).hasToString("t.jsonl:2");
        });
        assertThat(recommendations(h)).isEqualTo("PASS - PROMOTE");
    }
}
