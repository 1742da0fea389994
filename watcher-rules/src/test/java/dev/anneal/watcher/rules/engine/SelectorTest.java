package dev.anneal.watcher.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.EngineHarness;
import dev.anneal.watcher.rules.model.RecordKind;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Selectors ({@code select: kinds, present, where}). A record the selector does not match leaves
 * the rule's state untouched: it neither counts towards {@code for} nor resets it, and it cannot
 * resolve a firing alert.
 */
class SelectorTest {

    static final String PACK = """
            pack: sel
            rules:
              - id: grad_high
                select:
                  kinds: [ppo]
                  present: [grad_norm]
                  where: "data_mode == 'rollout'"
                condition: grad_norm > 1.0
                for: 3
                action: HOLD
            """;

    /**
     * One record per token.
     * T selected and true; F selected and false;
     * K wrong kind (health) with grad_norm 5; A grad_norm absent; N grad_norm JSON null;
     * W where is false (data_mode replay) with grad_norm 5.
     */
    static void feed(EngineHarness h, String token) {
        switch (token) {
            case "T" -> h.feed(RecordKind.PPO, "grad_norm", 5, "data_mode", "rollout");
            case "F" -> h.feed(RecordKind.PPO, "grad_norm", 0, "data_mode", "rollout");
            case "K" -> h.feed(RecordKind.HEALTH, "grad_norm", 5, "data_mode", "rollout");
            case "A" -> h.feed(RecordKind.PPO, "data_mode", "rollout");
            case "N" -> h.feed(RecordKind.PPO, "grad_norm", null, "data_mode", "rollout");
            case "W" -> h.feed(RecordKind.PPO, "grad_norm", 5, "data_mode", "replay");
            default -> throw new IllegalArgumentException(token);
        }
    }

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of(1, "three selected trues fire (for: 3)", "T T T", "pending - firing"),
                Arguments.of(2, "wrong kind neither counts nor resets", "T K T K T", "pending - - - firing"),
                Arguments.of(3, "absent present-key neither counts nor resets", "T A T A T", "pending - - - firing"),
                Arguments.of(4, "JSON null present-key neither counts nor resets", "T N T N T", "pending - - - firing"),
                Arguments.of(5, "where false neither counts nor resets", "T W T W T", "pending - - - firing"),
                Arguments.of(6, "all unselected kinds of record together", "T K A N W T T", "pending - - - - - firing"),
                Arguments.of(7, "a selected false resets the streak", "T F T T T", "pending inactive pending - firing"),
                Arguments.of(8, "nothing selected: no events", "K A N W", "- - - -"),
                Arguments.of(9, "unselected records cannot resolve a firing alert", "T T T K A N W F",
                        "pending - firing - - - - resolved"),
                Arguments.of(10, "unselected true-looking records cannot start an alert", "K K K W W W", "- - - - - -"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("table")
    void selectorTable(int row, String name, String input, String expected) throws Exception {
        EngineHarness h = EngineHarness.of(PACK);
        for (String token : input.split(" ")) {
            feed(h, token);
        }
        assertThat(h.timeline()).as("row %d %s: %s", row, name, input).isEqualTo(expected);
        assertThat(h.errors()).as("row %d: unselected records must not be evaluated", row).isEmpty();
    }

    @Test
    void aRuleMaySelectSeveralKinds() throws Exception {
        EngineHarness h = EngineHarness.of("""
                pack: sel
                rules:
                  - id: slow
                    select: {kinds: [ppo, health]}
                    condition: record.slow == true
                    action: HOLD
                """);
        h.feed(RecordKind.HEALTH, "slow", true);
        h.feed(RecordKind.PPO, "slow", true);
        h.feed(RecordKind.BC_STAGE, "slow", false);
        h.feed(RecordKind.PPO, "slow", false);
        assertThat(h.timeline()).isEqualTo("firing - - resolved");
    }

    @Test
    void presentGuardsAConditionThatWouldOtherwiseFail() throws Exception {
        // Without present, a record lacking grad_norm is an evaluation error for this rule.
        EngineHarness unguarded = EngineHarness.of("""
                pack: sel
                rules:
                  - id: grad_high
                    select: {kinds: [ppo]}
                    condition: grad_norm > 1.0
                    action: HOLD
                """);
        unguarded.feed(RecordKind.PPO, "kl_divergence", 0.1);
        assertThat(unguarded.errors()).extracting(RuleError::rule).containsExactly("grad_high");

        EngineHarness guarded = EngineHarness.of("""
                pack: sel
                rules:
                  - id: grad_high
                    select: {kinds: [ppo], present: [grad_norm]}
                    condition: grad_norm > 1.0
                    action: HOLD
                """);
        guarded.feed(RecordKind.PPO, "kl_divergence", 0.1);
        guarded.feed(RecordKind.PPO, "grad_norm", null);
        assertThat(guarded.errors()).isEmpty();
    }

    @Test
    void whereSeesDerivedValues() throws Exception {
        EngineHarness h = EngineHarness.of("""
                pack: sel
                derive:
                  is_rollout: "data_mode == 'rollout'"
                rules:
                  - id: grad_high
                    select: {kinds: [ppo], where: is_rollout}
                    condition: grad_norm > 1.0
                    action: HOLD
                """);
        h.feed(RecordKind.PPO, "grad_norm", 5, "data_mode", "replay");
        h.feed(RecordKind.PPO, "grad_norm", 5, "data_mode", "mixed");
        h.feed(RecordKind.PPO, "grad_norm", 5, "data_mode", "rollout");
        assertThat(h.timeline()).isEqualTo("- - firing");
    }
}
