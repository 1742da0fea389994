package dev.anneal.watcher.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.anneal.watcher.rules.EngineHarness;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.RecordKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every window function over {@code last: N} and over {@code span}, through the engine: the
 * window sees the values the rule's selected records give {@code of} (the current record
 * included), skips records whose {@code of} is null, and an empty window aggregates to NaN (0 for
 * sum and count), so comparisons against it are false.
 *
 * <p>Each row feeds records carrying {@code loss}; the last record also carries {@code probe}, and
 * the probe rule fires on it with {@code value: window.w}, which is what the row checks.
 */
class WindowFunctionTest {

    static final long T0 = 1_700_000_000_000L;
    static final long MINUTE = 60_000L;

    static String pack(String fn, String of, String extent) {
        return "pack: win\n"
                + "rules:\n"
                + "  - id: probe\n"
                + "    select: {kinds: [ppo]}\n"
                + "    windows:\n"
                + "      w: {fn: " + fn + ", of: \"" + of + "\", " + extent + "}\n"
                + "    condition: has(record.probe)\n"
                + "    value: window.w\n"
                + "    action: HOLD\n";
    }

    /**
     * Tokens are values of loss ({@code _} for JSON null), each optionally {@code @M} for a
     * timestamp at minute M.
     */
    static double probe(String pack, String input) throws Exception {
        EngineHarness h = EngineHarness.of(pack);
        String[] tokens = input.split(" ");
        for (int i = 0; i < tokens.length; i++) {
            String[] parts = tokens[i].split("@");
            Object x = parts[0].equals("_") ? null : Double.parseDouble(parts[0]);
            boolean last = i == tokens.length - 1;
            Object[] kv = last ? new Object[] {"loss", x, "probe", true} : new Object[] {"loss", x};
            if (parts.length == 2) {
                h.feedAt(RecordKind.PPO, T0 + Long.parseLong(parts[1]) * MINUTE, kv);
            } else {
                h.feed(RecordKind.PPO, kv);
            }
        }
        assertThat(h.errors()).isEmpty();
        assertThat(h.alerts()).hasSize(1);
        AlertEvent e = h.alerts().get(0);
        return e.value();
    }

    @ParameterizedTest(name = "{0}: {1} {2} of {3} over {4} = {5}")
    @CsvSource(delimiter = '|', textBlock = """
            # row | name                            | fn       | of       | extent  | input              | expected
            1     | mean of the last 3              | mean     | loss     | last: 3 | 1 2 3 4            | 3.0
            2     | min of the last 3               | min      | loss     | last: 3 | 1 2 3 4            | 2.0
            3     | max of the last 3               | max      | loss     | last: 3 | 4 1 2 3            | 3.0
            4     | sum of the last 3               | sum      | loss     | last: 3 | 1 2 3 4            | 9.0
            5     | population variance, last 4     | variance | loss     | last: 4 | 1 2 3 4            | 1.25
            6     | variance of equal values        | variance | loss     | last: 3 | 5 5 5              | 0.0
            7     | count of a boolean of           | count    | loss > 2.0 | last: 3 | 9 1 3 4            | 2.0
            8     | count when nothing matches      | count    | loss > 9.0 | last: 3 | 1 2 3              | 0.0
            9     | delta is newest minus oldest    | delta    | loss     | last: 3 | 10 1 4 7           | 6.0
            10    | delta can be negative           | delta    | loss     | last: 3 | 7 4 1              | -6.0
            11    | delta of one value is 0         | delta    | loss     | last: 3 | 7                  | 0.0
            12    | a partly filled window          | mean     | loss     | last: 5 | 2 4                | 3.0
            13    | a null of is skipped            | mean     | loss     | last: 3 | 1 _ 3              | 2.0
            14    | a null current record keeps the window | max | loss    | last: 3 | 8 2 _             | 8.0
            15    | of may be an expression         | sum      | loss * 2.0 | last: 2 | 1 2 3              | 10.0
            16    | negative values                 | min      | loss     | last: 3 | -1 -5 2            | -5.0
            17    | mean over a 10m span            | mean     | loss     | span: 10m | 1@0 5@5 2@6 3@8 4@12 | 3.5
            18    | min over a span                 | min      | loss     | span: 10m | 1@0 5@5 2@6 3@8 4@12 | 2.0
            19    | max over a span                 | max      | loss     | span: 10m | 9@0 5@5 2@6 3@8 4@12 | 5.0
            20    | sum over a span                 | sum      | loss     | span: 10m | 1@0 5@5 2@6 3@8 4@12 | 14.0
            21    | variance over a span            | variance | loss     | span: 10m | 1@0 1@5 3@12       | 1.0
            22    | count over a span               | count    | loss > 2.0 | span: 10m | 9@0 5@5 2@6 3@8 4@12 | 3.0
            23    | delta over a span               | delta    | loss     | span: 10m | 1@0 5@5 2@6 3@8 4@12 | -1.0
            24    | a value exactly span old is out | mean     | loss     | span: 10m | 7@0 1@10           | 1.0
            25    | a value just inside the span    | mean     | loss     | span: 11m | 7@0 1@10           | 4.0
            26    | a span keeps every recent value | count    | loss > 0.0 | span: 1h  | 1@0 1@1 1@2 1@3 1@4 1@5 1@6 1@7 1@8 1@9 | 10.0
            27    | span in seconds                 | sum      | loss     | span: 90s | 1@0 2@1 4@2        | 6.0
            """)
    void windowFunctions(int row, String name, String fn, String of, String extent, String input, double expected)
            throws Exception {
        assertThat(probe(pack(fn, of, extent), input)).as("row %d %s", row, name).isCloseTo(expected, within(1e-12));
    }

    @ParameterizedTest(name = "{0}: empty {1} window = {2}")
    @CsvSource(delimiter = '|', textBlock = """
            1 | mean     | NaN
            2 | min      | NaN
            3 | max      | NaN
            4 | variance | NaN
            5 | delta    | NaN
            6 | sum      | 0.0
            7 | count    | 0.0
            """)
    void emptyWindow(int row, String fn, double expected) throws Exception {
        // A null of is skipped; for count too (a boolean of that is false adds a 0, so it is not empty).
        String of = "loss";
        for (String extent : new String[] {"last: 3", "span: 10m"}) {
            double v = probe(pack(fn, of, extent), "_@0 _@1 _@2");
            if (Double.isNaN(expected)) {
                assertThat(v).as("row %d %s %s", row, fn, extent).isNaN();
            } else {
                assertThat(v).as("row %d %s %s", row, fn, extent).isEqualTo(expected);
            }
        }
    }

    @Test
    void comparisonsAgainstAnEmptyWindowAreFalse() throws Exception {
        EngineHarness h = EngineHarness.of("""
                pack: win
                rules:
                  - id: grad_mean
                    select: {kinds: [ppo]}
                    windows:
                      g: {fn: mean, of: grad_norm, last: 3}
                    condition: window.g > 1.0 || window.g <= 1.0
                    action: HOLD
                """);
        h.feed(RecordKind.PPO, "grad_norm", null);
        h.feed(RecordKind.PPO, "grad_norm", null);
        h.feed(RecordKind.PPO, "grad_norm", 0.5);
        assertThat(h.timeline()).isEqualTo("- - firing");
        assertThat(h.errors()).isEmpty();
    }

    @Test
    void windowsAreKeptPerRun() throws Exception {
        EngineHarness h = EngineHarness.of(pack("sum", "loss", "last: 3").replace("has(record.probe)", "window.w > 5.0"));
        h.run("a").feed(RecordKind.PPO, "loss", 3);
        h.run("b").feed(RecordKind.PPO, "loss", 3);
        h.run("a").feed(RecordKind.PPO, "loss", 1);
        h.run("b").feed(RecordKind.PPO, "loss", 3);
        assertThat(h.alerts()).extracting(AlertEvent::runId).containsExactly("b");
    }

    @Test
    void unselectedRecordsDoNotEnterTheWindow() throws Exception {
        EngineHarness h = EngineHarness.of("""
                pack: win
                rules:
                  - id: probe
                    select: {kinds: [ppo], where: "data_mode == 'rollout'"}
                    windows:
                      w: {fn: sum, of: loss, last: 5}
                    condition: has(record.probe)
                    value: window.w
                    action: HOLD
                """);
        h.feed(RecordKind.PPO, "loss", 1, "data_mode", "rollout");
        h.feed(RecordKind.PPO, "loss", 100, "data_mode", "replay");
        h.feed(RecordKind.HEALTH, "loss", 1000, "data_mode", "rollout");
        h.feed(RecordKind.PPO, "loss", 2, "data_mode", "rollout", "probe", true);
        assertThat(h.alerts().get(0).value()).isEqualTo(3.0);
    }

    /**
     * A span window covers the span before the record being evaluated. When that record's
     * {@code of} is null nothing is added, and nothing is evicted either, so the window still holds
     * values far older than the span.
     */
    @Test
    void aSpanWindowForgetsOldValuesEvenWhenTheCurrentOfIsNull() throws Exception {
        double v = probe(pack("sum", "loss", "span: 10m"), "1@0 1@1 _@30");
        assertThat(v).as("nothing in (20m, 30m]: an empty sum").isEqualTo(0.0);
    }
}
