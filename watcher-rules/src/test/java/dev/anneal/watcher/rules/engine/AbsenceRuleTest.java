package dev.anneal.watcher.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.EngineHarness;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.RecordKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Absence rules ({@code absent: DURATION}): they fire from {@link Engine#advanceTime} once no
 * matching timestamped record has arrived for the duration, and resolve when a matching record
 * arrives. Records without a timestamp never arm them.
 */
class AbsenceRuleTest {

    static final long T0 = 1_700_000_000_000L;
    static final long MINUTE = 60_000L;

    static final String PACK = """
            pack: quiet
            rules:
              - id: ppo_silent
                select: {kinds: [ppo], where: "data_mode == 'rollout'"}
                absent: 10m
                severity: critical
                action: FREEZE
                annotations:
                  summary: "no PPO record for {{ alert.value }}s (limit {{ alert.threshold }}s)"
            """;

    /**
     * r@M matching record at minute M; u an untimed matching record; h@M a health record;
     * w@M a ppo record the where rejects; a@M advance the clock to minute M.
     */
    static void step(EngineHarness h, String token) {
        String[] p = token.split("@");
        long at = p.length == 2 ? T0 + Long.parseLong(p[1]) * MINUTE : 0;
        switch (p[0]) {
            case "r" -> h.feedAt(RecordKind.PPO, at, "data_mode", "rollout");
            case "u" -> h.feed(RecordKind.PPO, "data_mode", "rollout");
            case "h" -> h.feedAt(RecordKind.HEALTH, at, "data_mode", "rollout");
            case "w" -> h.feedAt(RecordKind.PPO, at, "data_mode", "replay");
            case "a" -> h.advanceTime(at);
            default -> throw new IllegalArgumentException(token);
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # row | name                                        | input                      | expected
            1     | fires when the silence reaches 10m           | r@0 a@9 a@10               | - - firing
            2     | a matching record re-arms the deadline       | r@0 a@9 r@9 a@18 a@19      | - - - - firing
            3     | resolves when a matching record arrives      | r@0 a@10 r@12              | - firing resolved
            4     | fires once, not on every advance             | r@0 a@30 a@40              | - firing -
            5     | untimed records never arm it                 | u u a@1000                 | - - -
            6     | fires again after resolving and a new silence | r@0 a@10 r@12 a@21 a@22   | - firing resolved - firing
            7     | no record at all: nothing to miss            | a@1000                     | -
            8     | other kinds do not count as arrivals         | r@0 h@5 a@10               | - - firing
            9     | unselected records do not count as arrivals  | r@0 w@5 a@10               | - - firing
            10    | a jump far past the deadline fires once      | r@0 a@100000               | - firing
            11    | advancing backwards does nothing             | r@0 a@5 a@3 a@10           | - - - firing
            12    | an untimed record resolves, silence unchanged | r@0 a@10 u a@30           | - firing resolved -
            13    | the next timed record starts a new silence   | r@0 a@10 u r@31 a@40 a@41  | - firing resolved - - firing
            """)
    void absence(int row, String name, String input, String expected) throws Exception {
        EngineHarness h = EngineHarness.of(PACK);
        for (String t : input.split(" ")) {
            step(h, t);
        }
        assertThat(h.timeline()).as("row %d %s: %s", row, name, input).isEqualTo(expected);
        assertThat(h.errors()).isEmpty();
    }

    @Test
    void firingEventSaysHowLongTheSilenceWas() throws Exception {
        EngineHarness h = EngineHarness.of(PACK);
        step(h, "r@0");
        step(h, "a@12");
        AlertEvent e = h.alerts().get(0);
        assertThat(e.state()).isEqualTo(AlertState.FIRING);
        assertThat(e.value()).isEqualTo(720.0);
        assertThat(e.threshold()).isEqualTo(600.0);
        assertThat(e.eventTime()).isEqualTo(T0 + 12 * MINUTE);
        assertThat(e.source()).as("the last record seen").hasToString("t.jsonl:1");
        assertThat(e.startedAt()).hasToString("t.jsonl:1");
        assertThat(e.annotations()).containsEntry("summary", "no PPO record for 720s (limit 600s)");
        assertThat(h.lastRecommendation().action()).isEqualTo(Action.FREEZE);
        assertThat(h.lastRecommendation().eventTime()).isEqualTo(T0 + 12 * MINUTE);

        step(h, "r@15");
        AlertEvent resolved = h.alerts().get(1);
        assertThat(resolved.state()).isEqualTo(AlertState.RESOLVED);
        assertThat(resolved.id()).isEqualTo(e.id());
        assertThat(resolved.source()).hasToString("t.jsonl:2");
        assertThat(h.lastRecommendation().action()).isEqualTo(Action.FREEZE);
        assertThat(h.lastRecommendation().latched()).isTrue();
    }

    @Test
    void eachRunHasItsOwnDeadline() throws Exception {
        EngineHarness h = EngineHarness.of(PACK);
        h.run("a");
        step(h, "r@0");
        h.run("b");
        step(h, "r@5");
        step(h, "a@10");
        step(h, "a@14");
        step(h, "a@15");
        assertThat(h.alerts()).extracting(a -> a.runId() + "@" + (a.eventTime() - T0) / MINUTE)
                .containsExactly("a@10", "b@15");
    }

    @Test
    void oneAdvanceFiresEveryDueRunInDeadlineOrder() throws Exception {
        EngineHarness h = EngineHarness.of(PACK);
        h.run("late");
        step(h, "r@3");
        h.run("early");
        step(h, "r@1");
        step(h, "a@60");
        assertThat(h.steps().get(2).alerts()).extracting(AlertEvent::runId).containsExactly("early", "late");
        assertThat(h.steps().get(2).recommendations()).extracting(r -> r.runId())
                .containsExactly("early", "late");
    }

    /**
     * Firings at one clock advance follow the deadlines as first queued ({@link DeadlineQueue}), then
     * run id, then rule order: a run whose silence a later record restarted keeps its place in the
     * queue (run a, restarted at minute 5, still fires before b and c). That is replay's order.
     */
    @Test
    void oneAdvanceFiresInQueuedDeadlineThenRunThenRuleOrder() throws Exception {
        EngineHarness h = EngineHarness.of("""
                pack: quiet
                rules:
                  - id: first
                    select: {kinds: [ppo]}
                    absent: 10m
                    action: HOLD
                  - id: second
                    select: {kinds: [ppo]}
                    absent: 10m
                    action: HOLD
                """);
        h.run("b");
        step(h, "r@0");
        h.run("a");
        step(h, "r@0");
        h.run("c");
        step(h, "r@2");
        h.run("a");
        step(h, "r@5");
        step(h, "a@30");
        assertThat(h.steps().get(4).alerts()).extracting(a -> a.runId() + "/" + a.rule()).containsExactly(
                "a/first", "a/second", "b/first", "b/second", "c/first", "c/second");
    }

    @Test
    void anAbsenceDurationMayBeAParameterInSeconds() throws Exception {
        EngineHarness h = EngineHarness.of("""
                pack: quiet
                parameters:
                  silence: {default: 90, description: seconds}
                rules:
                  - id: ppo_silent
                    select: {kinds: [ppo]}
                    absent: params.silence
                    action: HOLD
                """);
        h.feedAt(RecordKind.PPO, T0);
        h.advanceTime(T0 + 89_999);
        h.advanceTime(T0 + 90_000);
        assertThat(h.timeline()).isEqualTo("- - firing");
    }
}
