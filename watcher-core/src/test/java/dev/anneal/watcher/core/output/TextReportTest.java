package dev.anneal.watcher.core.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.core.replay.RecordCounts;
import dev.anneal.watcher.core.replay.ReplayResult;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextReportTest {

    @Test
    void showsTheFiringRecordAndValueWhenKnown() {
        FiredAlerts fired = new FiredAlerts();
        fired.alert(Fixtures.alert(AlertState.PENDING, 0.02, 2));
        fired.alert(Fixtures.alert(AlertState.FIRING, 0.026, 2));
        fired.alert(Fixtures.alert(AlertState.FIRING, 0.5, 3));
        assertThat(TextReport.render(Fixtures.result(2), fired)).isEqualTo("""
                run run-1: HOLD at a.jsonl:2
                  reason: kl_threshold: 0.026 vs 0.01
                  - kl_threshold at a.jsonl:2[0]: value 0.026 vs threshold 0.01 -> HOLD (resolved at a.jsonl:3)
                  final: PASS at a.jsonl:3
                run run-2: PROMOTE since b.json:1
                  reason: ready
                  ended: run ended: rehearsal at b.json:1
                rejected records: 2
                  a.jsonl:10: invalid JSON: unexpected end
                  a.jsonl:11: invalid JSON: unexpected end
                rule errors:
                  derive.ratio: 2 errors, first at a.jsonl:4: division by zero
                commands: 1
                  c-1 clear run-1 by alice: applied: ROLLBACK latch released; recommendation now PASS
                decision: HOLD (runs: 2, records: read 7, accepted 5, rejected 2)
                """);
    }

    @Test
    void fallsBackToTheAlertStartWithoutFiringInformation() {
        assertThat(TextReport.render(Fixtures.result(0)))
                .contains("  - kl_threshold at a.jsonl:2: value 0.004 vs threshold 0.01 -> HOLD (resolved at a.jsonl:3)\n")
                .doesNotContain("rejected records")
                .endsWith("decision: HOLD (runs: 2, records: read 5, accepted 5, rejected 0)\n");
    }

    @Test
    void listsTwentyRejectionsThenCountsTheRest() {
        String report = TextReport.render(Fixtures.result(25));
        assertThat(report).contains("rejected records: 25\n", "  a.jsonl:29: invalid JSON", "  ... and 5 more\n")
                .doesNotContain("a.jsonl:30:");
    }

    @Test
    void emptyReplay() {
        ReplayResult empty = new ReplayResult(Action.PASS, List.of(), List.of(), new RecordCounts(0, 0, 0), List.of(),
                List.of(), "sha256:0", List.of("anneal-gates"), Map.of());
        assertThat(TextReport.render(empty)).isEqualTo("""
                no runs: no record was accepted
                decision: PASS (runs: 0, records: read 0, accepted 0, rejected 0)
                """);
    }
}
