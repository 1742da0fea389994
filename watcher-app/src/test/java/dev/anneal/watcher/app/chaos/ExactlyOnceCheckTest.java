package dev.anneal.watcher.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.watcher.app.daemon.CrashOutputs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chaos suite's check on hand-made outputs: each kind of difference is found and counted. */
class ExactlyOnceCheckTest {

    private static final CrashOutputs.Side EXPECTED = new CrashOutputs.Side(
            Map.of("r1", List.of("a1 firing", "a1 resolved"), "r2", List.of("a2 firing")),
            Map.of("r1", List.of("PASS", "HOLD", "PASS"), "r2", List.of("PASS", "ROLLBACK")), 0);

    private static ExactlyOnceCheck.Verdict check(Map<String, List<String>> alerts, Map<String, List<String>> recs) {
        return ExactlyOnceCheck.outputs("t", EXPECTED, new CrashOutputs.Side(alerts, recs, 0));
    }

    @Test
    void theSameOutputsAreExact() {
        ExactlyOnceCheck.Verdict v = check(EXPECTED.alerts(), EXPECTED.recommendations()).requireExact();
        assertThat(List.of(v.expected(), v.actual(), v.duplicates(), v.lost())).containsExactly(8L, 8L, 0L, 0L);
        assertThatThrownBy(v::requireDifference).hasMessageContaining("the control found no difference");
    }

    @Test
    void aRepeatedAlertIsADuplicate() {
        ExactlyOnceCheck.Verdict v = check(Map.of("r1", List.of("a1 firing", "a1 firing", "a1 resolved"),
                "r2", List.of("a2 firing")), EXPECTED.recommendations());
        assertThat(List.of(v.duplicates(), v.lost(), v.wrongFinal())).containsExactly(1L, 0L, 0L);
        assertThatThrownBy(v::requireExact).hasMessageContaining("duplicates 1, lost 0")
                .hasMessageContaining("alerts of run r1: expected 2, got 3");
    }

    @Test
    void aMissingRecommendationIsLostAndChangesTheFinalOne() {
        ExactlyOnceCheck.Verdict v = check(EXPECTED.alerts(), Map.of("r1", List.of("PASS", "HOLD", "PASS"),
                "r2", List.of("PASS")));
        assertThat(List.of(v.duplicates(), v.lost(), v.wrongFinal())).containsExactly(0L, 1L, 1L);
        assertThat(v.report()).contains("final recommendation differs for 1 runs, such as [r2]");
    }

    @Test
    void outputsInAnotherOrderAreReordered() {
        ExactlyOnceCheck.Verdict v = check(Map.of("r1", List.of("a1 resolved", "a1 firing"),
                "r2", List.of("a2 firing")), EXPECTED.recommendations());
        assertThat(List.of(v.duplicates(), v.lost(), v.reordered())).containsExactly(0L, 0L, 1L);
        assertThat(v.exact()).isFalse();
    }

    @Test
    void deliveriesAreComparedOnceDeduplicatedByDeliveryId() {
        List<String> topic = List.of("a1:firing", "a2:firing", "a1:resolved");
        ExactlyOnceCheck.Verdict repeated = ExactlyOnceCheck.deliveries("hook", topic,
                List.of("a1:firing", "a1:firing", "a2:firing", "a1:resolved")).requireExact();
        assertThat(repeated.what()).isEqualTo("hook (1 repeated deliveries, deduplicated by delivery id)");
        ExactlyOnceCheck.Verdict dropped = ExactlyOnceCheck.deliveries("hook", topic,
                List.of("a1:firing", "a1:resolved")).requireDifference();
        assertThat(List.of(dropped.lost(), dropped.duplicates())).containsExactly(1L, 0L);
        assertThat(dropped.report()).contains("1 transitions never delivered [a2:firing]");
    }
}
