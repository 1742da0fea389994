package dev.anneal.watcher.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.anneal.watcher.rules.EngineHarness;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.RecordKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Baselines and bands. A band fires when {@code of} is more than {@code below} (a fraction) under
 * the baseline or more than {@code above} over it, both relative to {@code abs(baseline)}; a
 * missing side is not checked. A null, zero or non-finite baseline makes the rule not apply to
 * the record: its state is left exactly as it was.
 */
class BaselineBandTest {

    static String pack(String below, String above, String extra) {
        StringBuilder band = new StringBuilder("{of: loss_total");
        if (!below.isEmpty()) {
            band.append(", below: ").append(below);
        }
        if (!above.isEmpty()) {
            band.append(", above: ").append(above);
        }
        band.append('}');
        return "pack: band\n"
                + "rules:\n"
                + "  - id: loss_drift\n"
                + "    select: {kinds: [ppo]}\n"
                + "    baseline: anneal_loss_baseline\n"
                + "    band: " + band + "\n"
                + extra
                + "    action: HOLD\n";
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
            # row | name                                   | below | above | baseline | loss  | fires | threshold
            1     | two-sided, inside                      | 0.1   | 0.1   | 1.0      | 1.05  | false | 1.1
            2     | two-sided, over                        | 0.1   | 0.1   | 1.0      | 1.11  | true  | 1.1
            3     | two-sided, under                       | 0.1   | 0.1   | 1.0      | 0.89  | true  | 0.9
            4     | exactly on the upper edge does not fire | 0.1  | 0.1   | 1.0      | 1.1   | false | 1.1
            5     | exactly on the lower edge does not fire | 0.5  | 0.5   | 2.0      | 1.0   | false | 1.0
            6     | asymmetric band, over                  | 0.1   | 0.5   | 2.0      | 3.2   | true  | 3.0
            7     | asymmetric band, under                 | 0.1   | 0.5   | 2.0      | 1.7   | true  | 1.8
            8     | above only ignores a drop              | none  | 0.1   | 1.0      | 0.2   | false | 1.1
            9     | above only fires on a rise             | none  | 0.1   | 1.0      | 1.2   | true  | 1.1
            10    | below only (queue -15%), under         | 0.15  | none  | 32.0     | 27.0  | true  | 27.2
            11    | below only ignores a rise              | 0.15  | none  | 32.0     | 90.0  | false | 27.2
            12    | negative baseline, over                | 0.1   | 0.1   | -2.0     | -1.7  | true  | -1.8
            13    | negative baseline, under               | 0.1   | 0.1   | -2.0     | -2.3  | true  | -2.2
            14    | negative baseline, at the baseline     | 0.1   | 0.1   | -2.0     | -2.0  | false | -2.2
            15    | negative baseline, inside, near upper  | 0.1   | 0.1   | -2.0     | -1.85 | false | -1.8
            16    | zero fraction: any rise fires          | 0.0   | 0.0   | 5.0      | 5.001 | true  | 5.0
            """)
    void bands(int row, String name, Double below, Double above, double baseline, double loss, boolean fires,
               double threshold) throws Exception {
        EngineHarness h = EngineHarness.of(pack(below == null ? "" : below.toString(),
                above == null ? "" : above.toString(), ""));
        h.feed(RecordKind.PPO, "anneal_loss_baseline", baseline, "loss_total", loss);
        assertThat(h.errors()).isEmpty();
        if (fires) {
            assertThat(h.alerts()).as("row %d %s", row, name).hasSize(1);
            AlertEvent e = h.alerts().get(0);
            assertThat(e.value()).as("row %d value", row).isEqualTo(loss);
            assertThat(e.threshold()).as("row %d threshold: the bound crossed", row).isCloseTo(threshold, within(1e-12));
        } else {
            assertThat(h.alerts()).as("row %d %s", row, name).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # row | name                                    | input                  | expected
            1     | null baseline: not applicable            | n                      | -
            2     | zero baseline: not applicable            | 0                      | -
            3     | null baseline does not resolve a firing  | X n n O                | firing - - resolved
            4     | zero baseline does not resolve a firing  | X 0 0 O                | firing - - resolved
            5     | null baseline neither counts nor resets for | P n P               | pending - firing
            6     | zero baseline neither counts nor resets for | P 0 0 P             | pending - - firing
            7     | a real in-band record does reset for     | P O P                  | pending inactive pending
            """)
    void unusableBaselineLeavesStateUntouched(int row, String name, String input, String expected) throws Exception {
        EngineHarness h = EngineHarness.of(pack("0.1", "0.1", input.contains("P") ? "    for: 2\n" : ""));
        for (String t : input.split(" ")) {
            switch (t) {
                case "X", "P" -> h.feed(RecordKind.PPO, "anneal_loss_baseline", 1.0, "loss_total", 2.0);
                case "O" -> h.feed(RecordKind.PPO, "anneal_loss_baseline", 1.0, "loss_total", 1.0);
                // The loss would breach any band: only the baseline keeps the rule from applying.
                case "n" -> h.feed(RecordKind.PPO, "anneal_loss_baseline", null, "loss_total", 99.0);
                case "0" -> h.feed(RecordKind.PPO, "anneal_loss_baseline", 0.0, "loss_total", 99.0);
                default -> throw new IllegalArgumentException(t);
            }
        }
        assertThat(h.timeline()).as("row %d %s", row, name).isEqualTo(expected);
        assertThat(h.errors()).isEmpty();
    }

    @Test
    void unusableBaselineDoesNotFeedTheWindows() throws Exception {
        EngineHarness h = EngineHarness.of("""
                pack: band
                rules:
                  - id: loss_mean
                    select: {kinds: [ppo]}
                    baseline: anneal_loss_baseline
                    windows:
                      loss: {fn: max, of: loss_total, last: 3}
                    condition: window.loss > baseline * 1.5
                    value: window.loss
                    action: HOLD
                """);
        h.feed(RecordKind.PPO, "anneal_loss_baseline", null, "loss_total", 100.0);
        h.feed(RecordKind.PPO, "anneal_loss_baseline", 1.0, "loss_total", 1.0);
        assertThat(h.alerts()).as("the 100 came with no baseline and must not be in the window").isEmpty();
        h.feed(RecordKind.PPO, "anneal_loss_baseline", 1.0, "loss_total", 1.6);
        assertThat(h.alerts()).extracting(AlertEvent::value).containsExactly(1.6);
    }

    @Test
    void theBaselineIsAVariableOfTheCondition() throws Exception {
        EngineHarness h = EngineHarness.of("""
                pack: band
                rules:
                  - id: loss_up
                    select: {kinds: [ppo]}
                    baseline: anneal_loss_baseline
                    condition: loss_total > baseline * 1.15
                    value: loss_total
                    threshold: baseline * 1.15
                    action: ROLLBACK
                """);
        h.feed(RecordKind.PPO, "anneal_loss_baseline", 2.0, "loss_total", 2.2);
        h.feed(RecordKind.PPO, "anneal_loss_baseline", 2.0, "loss_total", 2.4);
        assertThat(h.timeline()).isEqualTo("- firing");
        assertThat(h.alerts().get(0).threshold()).isCloseTo(2.3, within(1e-12));
    }

    @Test
    void aBandAndAConditionMustBothHold() throws Exception {
        EngineHarness h = EngineHarness.of(pack("0.1", "0.1", "    condition: data_mode == 'rollout'\n"));
        h.feed(RecordKind.PPO, "anneal_loss_baseline", 1.0, "loss_total", 2.0, "data_mode", "replay");
        h.feed(RecordKind.PPO, "anneal_loss_baseline", 1.0, "loss_total", 1.0, "data_mode", "rollout");
        h.feed(RecordKind.PPO, "anneal_loss_baseline", 1.0, "loss_total", 2.0, "data_mode", "rollout");
        assertThat(h.timeline()).isEqualTo("- - firing");
    }

    @Test
    void aValueExpressionOverridesTheBandValue() throws Exception {
        EngineHarness h = EngineHarness.of(pack("0.1", "0.1",
                "    value: math.abs(loss_total - baseline) / math.abs(baseline)\n"));
        h.feed(RecordKind.PPO, "anneal_loss_baseline", -2.0, "loss_total", -2.5);
        assertThat(h.alerts()).singleElement().satisfies(e -> {
            assertThat(e.value()).isCloseTo(0.25, within(1e-12));
            assertThat(e.threshold()).isCloseTo(-2.2, within(1e-12));
        });
        assertThat(h.state("loss_drift")).isEqualTo(AlertState.FIRING);
    }

    @Test
    void aNullBandValueMakesTheRuleNotApply() throws Exception {
        EngineHarness h = EngineHarness.of(pack("0.1", "0.1", ""));
        h.feed(RecordKind.PPO, "anneal_loss_baseline", 1.0, "loss_total", 2.0);
        h.feed(RecordKind.PPO, "anneal_loss_baseline", 1.0, "loss_total", null);
        assertThat(h.timeline()).isEqualTo("firing -");
        assertThat(h.errors()).isEmpty();
    }
}
