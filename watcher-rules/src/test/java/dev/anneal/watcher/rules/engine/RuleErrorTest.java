package dev.anneal.watcher.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.EngineHarness;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.RecordKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Rule evaluation errors (an expression reads a field the record lacks, a value has the wrong
 * type) are returned in the step as {@link RuleError}s, never thrown, and leave the rule's state
 * as it was: the record counts as neither true nor false.
 */
class RuleErrorTest {

    static final String PACK = """
            pack: errs
            rules:
              - id: kl_high
                select: {kinds: [ppo]}
                condition: kl_divergence > 0.5
                for: 2
                action: HOLD
            """;

    /** T true; F false; E kl_divergence absent (an error); S kl_divergence a string (an error). */
    static void feed(EngineHarness h, String token) {
        switch (token) {
            case "T" -> h.feed(RecordKind.PPO, "kl_divergence", 0.9);
            case "F" -> h.feed(RecordKind.PPO, "kl_divergence", 0.1);
            case "E" -> h.feed(RecordKind.PPO, "grad_norm", 1.0);
            case "S" -> h.feed(RecordKind.PPO, "kl_divergence", "high");
            default -> throw new IllegalArgumentException(token);
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # row | name                                     | input         | expected                 | errors
            1     | an error on its own changes nothing       | E             | -                        | 1
            2     | an error neither counts nor resets for    | T E T         | pending - firing         | 1
            3     | an error does not resolve a firing alert  | T T E E F     | pending firing - - resolved | 2
            4     | a wrong type is an error too              | T S T         | pending - firing         | 1
            5     | errors between falses                     | F E S F       | - - - -                  | 2
            """)
    void errorsLeaveStateUntouched(int row, String name, String input, String expected, int errors)
            throws Exception {
        EngineHarness h = EngineHarness.of(PACK);
        for (String t : input.split(" ")) {
            feed(h, t);
        }
        assertThat(h.timeline()).as("row %d %s: %s", row, name, input).isEqualTo(expected);
        assertThat(h.errors()).as("row %d", row).hasSize(errors).allSatisfy(e -> {
            assertThat(e.rule()).isEqualTo("kl_high");
            assertThat(e.message()).isNotBlank();
        });
    }

    @Test
    void anErrorIsReturnedWithRuleAndPosition() throws Exception {
        EngineHarness h = EngineHarness.of(PACK);
        feed(h, "T");
        Step step = h.feed(RecordKind.PPO, "grad_norm", 1.0);
        assertThat(step.alerts()).isEmpty();
        assertThat(step.recommendations()).isEmpty();
        assertThat(step.errors()).singleElement().satisfies(e -> {
            assertThat(e.rule()).isEqualTo("kl_high");
            assertThat(e.position()).hasToString("t.jsonl:2");
        });
        assertThat(h.state("kl_high")).isEqualTo(AlertState.PENDING);
    }

    @Test
    void whereErrorsAreReportedAsSelectWhere() throws Exception {
        EngineHarness h = EngineHarness.of("""
                pack: errs
                rules:
                  - id: kl_high
                    select: {kinds: [ppo], where: "data_mode.startsWith('roll')"}
                    condition: kl_divergence > 0.5
                    action: HOLD
                """);
        h.feed(RecordKind.PPO, "data_mode", 3.0, "kl_divergence", 0.9);
        assertThat(h.errors()).singleElement()
                .satisfies(e -> assertThat(e.message()).startsWith("select.where: "));
        assertThat(h.alerts()).isEmpty();
    }

    @Test
    void aValueErrorKeepsTheRuleFromChangingState() throws Exception {
        EngineHarness h = EngineHarness.of("""
                pack: errs
                rules:
                  - id: kl_high
                    select: {kinds: [ppo]}
                    condition: kl_divergence > 0.5
                    value: grad_norm
                    action: HOLD
                """);
        h.feed(RecordKind.PPO, "kl_divergence", 0.9);
        h.feed(RecordKind.PPO, "kl_divergence", 0.9, "grad_norm", 2.0);
        assertThat(h.timeline()).isEqualTo("- firing");
        assertThat(h.errors()).hasSize(1);
    }

    @Test
    void oneRulesErrorDoesNotStopTheOthers() throws Exception {
        EngineHarness h = EngineHarness.of("""
                pack: errs
                rules:
                  - id: broken
                    select: {kinds: [ppo]}
                    condition: kl_divergence > 0.5
                    action: ROLLBACK
                  - id: grad_high
                    select: {kinds: [ppo]}
                    condition: grad_norm > 2.0
                    action: HOLD
                """);
        h.feed(RecordKind.PPO, "grad_norm", 3.0);
        assertThat(h.errors()).extracting(RuleError::rule).containsExactly("broken");
        assertThat(h.alerts()).extracting(a -> a.rule()).containsExactly("grad_high");
    }

    /** An error must not leave half of the record in the rule's windows either. */
    @Test
    void anErrorDoesNotFeedTheWindows() throws Exception {
        EngineHarness h = EngineHarness.of("""
                pack: errs
                rules:
                  - id: grad_mean_high
                    select: {kinds: [ppo]}
                    windows:
                      g: {fn: mean, of: grad_norm, last: 2}
                    condition: window.g > 5.0 && kl_divergence > 0.1
                    action: HOLD
                """);
        h.feed(RecordKind.PPO, "grad_norm", 100.0);
        assertThat(h.errors()).hasSize(1);
        h.feed(RecordKind.PPO, "grad_norm", 2.0, "kl_divergence", 0.5);
        assertThat(h.alerts()).as("window should be [2.0] (mean 2), not [100, 2] (mean 51)").isEmpty();
    }

    /** The error should say which field was missing, so that an operator can fix the rule or the feed. */
    @Test
    void anAbsentFieldErrorNamesTheField() throws Exception {
        EngineHarness h = EngineHarness.of(PACK);
        h.feed(RecordKind.PPO, "grad_norm", 1.0);
        assertThat(h.errors()).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("kl_divergence").doesNotContain("CelUnknownSet"));
    }

    /** A derived value that cannot be computed is reported as derive.NAME (RuleError's contract). */
    @Test
    void aDeriveReadingAnAbsentFieldIsReportedAsDeriveError() throws Exception {
        EngineHarness h = EngineHarness.of("""
                pack: errs
                derive:
                  kl2: kl_divergence * 2.0
                rules:
                  - id: kl_high
                    select: {kinds: [ppo]}
                    condition: kl2 > 1.0
                    action: HOLD
                """);
        h.feed(RecordKind.PPO, "grad_norm", 1.0);
        assertThat(h.errors()).extracting(RuleError::rule).contains("derive.kl2");
    }
}
