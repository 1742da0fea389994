package dev.anneal.watcher.core.output;

import dev.anneal.watcher.core.replay.ReplayListener;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AlertState;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Remembers, per run and rule, the transition on which the rule last fired. The replay summary
 * keeps only a rule's last transition, whose value may be the one that resolved it; the text
 * report wants the record and the value that tripped the rule, so it reads them from here. One
 * entry per (run, rule), so memory grows with runs and rules, never with the input.
 */
public final class FiredAlerts implements ReplayListener {

    private final Map<String, AlertEvent> firing = new HashMap<>();

    @Override
    public void alert(AlertEvent alert) {
        if (alert.state() == AlertState.FIRING) {
            // The latest episode wins; within one episode, the transition that first fired it.
            firing.merge(key(alert.runId(), alert.rule()), alert,
                    (kept, next) -> kept.id().equals(next.id()) ? kept : next);
        }
    }

    /** The transition on which the rule last fired for the run, if it ever fired. */
    public Optional<AlertEvent> firing(String runId, String rule) {
        return Optional.ofNullable(firing.get(key(runId, rule)));
    }

    private static String key(String runId, String rule) {
        return runId + '\u0000' + rule;
    }
}
