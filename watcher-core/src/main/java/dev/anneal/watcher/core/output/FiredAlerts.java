package dev.anneal.watcher.core.output;

import dev.anneal.watcher.core.replay.ReplayListener;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AlertState;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Remembers, per alert id, the transition that made the alert fire. The replay summary keeps only
 * an alert's last transition, whose value may be the one that resolved it; the text report wants
 * the record and the value that tripped the rule, so it reads them from here. One entry per alert
 * (not per record), so memory grows with the number of alerts, not with the input.
 */
public final class FiredAlerts implements ReplayListener {

    private final Map<String, AlertEvent> firing = new HashMap<>();

    @Override
    public void alert(AlertEvent alert) {
        if (alert.state() == AlertState.FIRING) {
            firing.putIfAbsent(alert.id(), alert);
        }
    }

    /** The transition on which the alert with this id first fired, if it fired. */
    public Optional<AlertEvent> firing(String alertId) {
        return Optional.ofNullable(firing.get(alertId));
    }
}
