package dev.anneal.watcher.core.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.core.notify.DeliveryGate.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What each receiver is sent of an alert with an operator's marks: a table of cases. */
class DeliveryGateTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final String FIRING = Alerts.firing("a1", "run-1", 1_000);
    private static final String RESOLVED = Alerts.resolved("a1", "run-1", 2_000);

    private static AlertMessage parse(String json) {
        return AlertMessage.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private record Case(String what, String alert, boolean includeSynthetic, Verdict expected) {
    }

    @Test
    void verdicts() {
        List<Case> cases = List.of(
                new Case("plain firing", FIRING, false, Verdict.DELIVER),
                new Case("plain resolved", RESOLVED, false, Verdict.DELIVER),
                new Case("acked firing", Alerts.acked(FIRING, "alice", "on it"), false, Verdict.DELIVER),
                new Case("drill, not opted in", Alerts.synthetic(FIRING), false, Verdict.SKIP_SYNTHETIC),
                new Case("drill resolution, not opted in", Alerts.synthetic(RESOLVED), false, Verdict.SKIP_SYNTHETIC),
                new Case("drill, opted in", Alerts.synthetic(FIRING), true, Verdict.DELIVER),
                new Case("silenced firing", Alerts.silenced(FIRING, "c-s", NOW.plusSeconds(60)), false,
                        Verdict.HOLD_SILENCED),
                new Case("silence over", Alerts.silenced(FIRING, "c-s", NOW), false, Verdict.DELIVER),
                new Case("silenced resolution", Alerts.silenced(RESOLVED, "c-s", NOW.plusSeconds(60)), false,
                        Verdict.DELIVER),
                new Case("until in epoch ms", Alerts.with(FIRING, "silenced", "{\"silence_id\": \"c-s\", \"until\": "
                        + NOW.plusSeconds(60).toEpochMilli() + "}"), false, Verdict.HOLD_SILENCED),
                new Case("unreadable until: delivered", Alerts.with(FIRING, "silenced",
                        "{\"silence_id\": \"c-s\", \"until\": \"soon\"}"), false, Verdict.DELIVER),
                new Case("null marks", Alerts.with(Alerts.with(FIRING, "acked", "null"), "silenced", "null"), false,
                        Verdict.DELIVER));
        for (Case c : cases) {
            assertThat(new DeliveryGate(c.includeSynthetic()).verdict(parse(c.alert()), NOW)).as(c.what())
                    .isEqualTo(c.expected());
        }
    }

    @Test
    void anAckIsReadAndGivesTheFiringTransitionADeliveryIdOfItsOwn() {
        AlertMessage acked = parse(Alerts.acked(FIRING, "alice", "on it"));
        assertThat(acked.acked()).contains(new AlertMessage.Ack("alice", "on it", "2026-12-04T11:02:04Z", "c-ack"));
        assertThat(acked.deliveryId()).isEqualTo("a1:firing:acked");
        assertThat(parse(FIRING).deliveryId()).isEqualTo("a1:firing");
        assertThat(parse(FIRING).acked()).isEmpty();
        assertThat(parse(Alerts.acked(RESOLVED, "alice", "on it")).deliveryId()).isEqualTo("a1:resolved");
        assertThat(parse(Alerts.silenced(FIRING, "c-s", NOW)).silenced())
                .contains(new AlertMessage.Silenced("c-s", NOW));
    }

    @Test
    void alertmanagerShowsTheAck() {
        Notification n = new Notification(parse(Alerts.acked(FIRING, "alice", "on it")), Optional.empty());
        Map<String, String> annotations = AlertmanagerReceiver.annotations(n);
        assertThat(annotations).containsEntry("acked_by", "alice").containsEntry("ack_reason", "on it")
                .containsEntry("acked_at", "2026-12-04T11:02:04Z");
        assertThat(AlertmanagerReceiver.annotations(new Notification(parse(FIRING), Optional.empty())))
                .doesNotContainKey("acked_by");
    }
}
