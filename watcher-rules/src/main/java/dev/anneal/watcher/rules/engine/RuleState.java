package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.model.Ack;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.SourcePosition;
import java.util.List;

/**
 * Mutable lifecycle state of one (rule, run): where the alert is in inactive -> pending ->
 * firing, the counters {@code for} and {@code keep_firing_for} need, the rule's windows and, for
 * absence rules, when a matching record was last seen. Owned by one {@link RunState}; never
 * shared between threads.
 */
public final class RuleState {

    final String fingerprint;
    AlertState state = AlertState.INACTIVE;
    String alertId;
    SourcePosition startedAt;
    SourcePosition lastSource;
    int matchCount;
    long pendingSince;
    long lastTrueTime;
    int falseCount;
    Double lastValue;
    Double lastThreshold;
    List<String> reasons = List.of();
    final WindowBuffer[] windows;
    boolean seen;
    long lastSeen;
    /** Whether the record last seen (absence rules) was synthetic, so a drill's silence alert is marked too. */
    boolean seenSynthetic;
    /**
     * Absence rules: the silence since {@link #lastSeen} already fired. Set when the rule fires,
     * cleared by the next timestamped record. It only outlives the firing when a record without a
     * timestamp resolves the alert (that does not restart the silence, so it must not fire again).
     * Not stored: the daemon stamps every record, so there it is only ever set while firing.
     */
    boolean silenceFired;
    /** The operator's acknowledgement of the firing alert, or null; it ends with the alert. */
    Ack ack;
    /** Whether {@link DeadlineQueue} holds an entry for this rule (its bookkeeping; not stored). */
    boolean deadlineQueued;

    RuleState(CompiledRule rule) {
        this.fingerprint = rule.fingerprint();
        this.windows = new WindowBuffer[rule.windows().size()];
        for (int i = 0; i < windows.length; i++) {
            windows[i] = new WindowBuffer(rule.windows().get(i).extent());
        }
    }

    /**
     * A state to read a stored rule into and drop: the stored rule no longer exists or changed.
     * It has no windows, so stored window values are read past.
     */
    RuleState(String fingerprint) {
        this.fingerprint = fingerprint;
        this.windows = new WindowBuffer[0];
    }

    public AlertState state() {
        return state;
    }

    public String alertId() {
        return alertId;
    }

    public SourcePosition startedAt() {
        return startedAt;
    }

    /** The value the rule last compared (null when it defines none or has not matched yet). */
    public Double lastValue() {
        return lastValue;
    }

    /** The threshold of that comparison (null when the rule defines none). */
    public Double lastThreshold() {
        return lastThreshold;
    }

    /** The latest record that confirmed the alert, or null. */
    public SourcePosition lastSource() {
        return lastSource;
    }

    /** The rule's reason texts for its latest confirmation. */
    public List<String> reasons() {
        return reasons;
    }

    /** The operator's acknowledgement of the firing alert, or null. */
    public Ack ack() {
        return ack;
    }

    void clear() {
        state = AlertState.INACTIVE;
        alertId = null;
        ack = null;
        startedAt = null;
        matchCount = 0;
        falseCount = 0;
    }
}
