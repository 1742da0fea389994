package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.cel.Template;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.FieldValues;
import dev.anneal.watcher.rules.model.SourcePosition;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The alert state machine, the "alert state" stage of the data flow: given what {@link Engine}
 * found a rule's condition to be on a record (or, for an absence rule, that its silence lasted
 * long enough), it moves the alert of that (rule, run) and emits an {@link AlertEvent} for every
 * transition. Every transition goes through one place ({@code enter}), which checks it against
 * the table of legal transitions below; anything else is a bug and throws
 * {@link IllegalStateException}.
 *
 * <table>
 *   <caption>Legal transitions (RESOLVED is only ever emitted: the stored state returns to INACTIVE)</caption>
 *   <tr><th>rule</th><th>from</th><th>to</th><th>when</th></tr>
 *   <tr><td>threshold</td><td>INACTIVE</td><td>PENDING</td><td>the condition holds, {@code for} is not yet met</td></tr>
 *   <tr><td>threshold</td><td>INACTIVE</td><td>FIRING</td><td>the condition holds and {@code for} is met at once</td></tr>
 *   <tr><td>threshold</td><td>PENDING</td><td>FIRING</td><td>{@code for} is met</td></tr>
 *   <tr><td>threshold</td><td>PENDING</td><td>INACTIVE</td><td>the condition stops holding first, or a reload retires the rule</td></tr>
 *   <tr><td>threshold</td><td>FIRING</td><td>RESOLVED</td><td>false past {@code keep_firing_for}, or a reload retires the rule</td></tr>
 *   <tr><td>absence</td><td>INACTIVE</td><td>FIRING</td><td>no matching record for {@code absent}</td></tr>
 *   <tr><td>absence</td><td>FIRING</td><td>RESOLVED</td><td>a matching record arrives, or a reload retires the rule</td></tr>
 * </table>
 *
 * <p>Alert ids are deterministic (rule, run, start position), and an alert's reasons, annotations
 * and labels are rendered here, with the record's variables bound when a record caused the
 * transition. Every event carries the operator's marks: the rule's acknowledgement and the
 * silence covering the alert at the event's time ({@link TaskSilences#covering}).
 *
 * <p>Two things happen to alerts outside the table's record-driven rows: a run that ends resolves
 * every open alert ({@link #resolveAll}: FIRING -> RESOLVED with a {@code resolved_by}
 * annotation, PENDING -> INACTIVE, both legal transitions), and an operator's ack or silence
 * re-publishes a firing alert with its new marks ({@link #remark}: no transition, the alert stays
 * FIRING). One per {@link Engine}, sharing its evaluation context; single-threaded.
 */
public final class AlertLifecycle {

    private static final Map<AlertState, Set<AlertState>> THRESHOLD_RULE = new EnumMap<>(Map.of(
            AlertState.INACTIVE, EnumSet.of(AlertState.PENDING, AlertState.FIRING),
            AlertState.PENDING, EnumSet.of(AlertState.FIRING, AlertState.INACTIVE),
            AlertState.FIRING, EnumSet.of(AlertState.RESOLVED)));
    private static final Map<AlertState, Set<AlertState>> ABSENCE_RULE = new EnumMap<>(Map.of(
            AlertState.INACTIVE, EnumSet.of(AlertState.FIRING),
            AlertState.FIRING, EnumSet.of(AlertState.RESOLVED)));

    /** {@link #silenceDeadline} of an absence rule that cannot fire. */
    static final long NEVER = Long.MAX_VALUE;

    private final RuleSet ruleSet;
    private final EvalContext ctx;
    private final TaskSilences silences;

    AlertLifecycle(RuleSet ruleSet, EvalContext ctx, TaskSilences silences) {
        this.ruleSet = ruleSet;
        this.ctx = ctx;
        this.silences = silences;
    }

    /** Whether the table allows an alert of an absence or a threshold rule to go from {@code from} to {@code to}. */
    public static boolean isLegal(boolean absenceRule, AlertState from, AlertState to) {
        Set<AlertState> allowed = (absenceRule ? ABSENCE_RULE : THRESHOLD_RULE).get(from);
        return allowed != null && allowed.contains(to);
    }

    /** Throws unless {@code rule}'s alert may go from {@code from} to {@code to}: an illegal transition is a bug. */
    static void checkTransition(CompiledRule rule, AlertState from, AlertState to) {
        if (!isLegal(rule.isAbsence(), from, to)) {
            throw new IllegalStateException("illegal alert transition " + from.name() + " -> " + to.name() + " of "
                    + (rule.isAbsence() ? "absence" : "threshold") + " rule " + rule.id());
        }
    }

    /**
     * A threshold rule's outcome on one record: whether its condition held, with the value and
     * threshold it compared. Applies {@code for} and {@code keep_firing_for}.
     */
    void observe(RunState run, CompiledRule rule, RuleState st, boolean cond, Double value, Double threshold,
                 TelemetryRecord record, StepBuilder out) {
        long t = record.eventTime();
        SourcePosition pos = record.position();
        boolean synthetic = record.synthetic();
        switch (st.state) {
            case INACTIVE:
                if (!cond) {
                    return;
                }
                st.alertId = alertId(rule, run.runId, pos);
                st.startedAt = pos;
                st.matchCount = 1;
                st.pendingSince = t;
                observeTrue(rule, st, value, threshold, pos, t);
                enter(rule, run, st, forSatisfied(rule, st, t) ? AlertState.FIRING : AlertState.PENDING, pos, t,
                        synthetic, out);
                return;
            case PENDING:
                if (cond) {
                    st.matchCount++;
                    observeTrue(rule, st, value, threshold, pos, t);
                    if (forSatisfied(rule, st, t)) {
                        enter(rule, run, st, AlertState.FIRING, pos, t, synthetic, out);
                    }
                } else {
                    st.lastValue = value;
                    st.lastThreshold = threshold;
                    enter(rule, run, st, AlertState.INACTIVE, pos, t, synthetic, out);
                }
                return;
            case FIRING:
                if (cond) {
                    observeTrue(rule, st, value, threshold, pos, t);
                    return;
                }
                st.falseCount++;
                Extent keep = rule.keepFiringFor();
                boolean expired = keep == null
                        || (keep.isRecords() ? st.falseCount > keep.records() : t - st.lastTrueTime >= keep.millis());
                if (expired) {
                    st.lastValue = value;
                    st.lastThreshold = threshold;
                    enter(rule, run, st, AlertState.RESOLVED, pos, t, synthetic, out);
                }
                return;
            default:
                throw new IllegalStateException("rule state " + st.state + " is never stored");
        }
    }

    private void observeTrue(CompiledRule rule, RuleState st, Double value, Double threshold, SourcePosition pos,
                             long t) {
        st.lastTrueTime = t;
        st.falseCount = 0;
        st.lastValue = value;
        st.lastThreshold = threshold;
        st.lastSource = pos;
        st.reasons = reasons(rule, st);
    }

    private static boolean forSatisfied(CompiledRule rule, RuleState st, long t) {
        Extent f = rule.forExtent();
        if (f == null) {
            return true;
        }
        return f.isRecords() ? st.matchCount >= f.records() : t - st.pendingSince >= f.millis();
    }

    /**
     * An absence rule saw a matching record: a firing alert resolves (the silence is over), and a
     * timestamped record restarts the silence the rule measures.
     */
    void observeAbsence(RunState run, CompiledRule rule, RuleState st, TelemetryRecord record, StepBuilder out) {
        if (st.state == AlertState.FIRING) {
            st.lastValue = (record.eventTime() - st.lastSeen) / 1000.0;
            enter(rule, run, st, AlertState.RESOLVED, record.position(), record.eventTime(), record.synthetic(), out);
        }
        st.lastSource = record.position();
        if (record.hasTimestamp()) {
            st.seen = true;
            st.lastSeen = record.eventTime();
            st.seenSynthetic = record.synthetic();
            st.silenceFired = false;
        }
    }

    /**
     * When an absence rule's current silence will have lasted long enough to fire, or
     * {@link #NEVER} when it cannot fire: it is firing, has never seen a timestamped record, or
     * already fired for this silence (a record without a timestamp resolved it, which does not
     * restart the silence). Saturates rather than overflowing: a record stamped at the end of time
     * is never followed by a silence.
     */
    static long silenceDeadline(CompiledRule rule, RuleState st) {
        if (st.state != AlertState.INACTIVE || !st.seen || st.silenceFired) {
            return NEVER;
        }
        long absent = rule.absent().millis();
        return st.lastSeen > NEVER - absent ? NEVER : st.lastSeen + absent;
    }

    /** An absence rule's silence has lasted long enough ({@link #silenceDeadline} has passed): it fires. */
    void fireAbsence(RunState run, CompiledRule rule, RuleState st, long now, StepBuilder out) {
        ctx.bindNone(run.runId);
        st.alertId = alertId(rule, run.runId, st.lastSource);
        st.startedAt = st.lastSource;
        st.lastValue = (now - st.lastSeen) / 1000.0;
        st.lastThreshold = rule.absent().millis() / 1000.0;
        st.reasons = reasons(rule, st);
        st.silenceFired = true;
        // Silence has no record of its own: the alert is as synthetic as the last record seen.
        enter(rule, run, st, AlertState.FIRING, st.lastSource, now, st.seenSynthetic, out);
    }

    /**
     * The one place an alert changes state: checks the transition, emits its event (rendered from
     * the state as it was confirmed), then stores the new state; INACTIVE and RESOLVED end the
     * episode and clear it.
     */
    private void enter(CompiledRule rule, RunState run, RuleState st, AlertState to, SourcePosition source, long t,
                       boolean synthetic, StepBuilder out) {
        checkTransition(rule, st.state, to);
        out.alerts.add(event(rule, run, st, to, source, t, synthetic, true, null));
        leave(st, to);
    }

    /** Stores the state a transition entered; INACTIVE and RESOLVED end the episode and clear it. */
    private static void leave(RuleState st, AlertState to) {
        if (to == AlertState.PENDING || to == AlertState.FIRING) {
            st.state = to;
        } else {
            st.clear();
        }
    }

    /**
     * The run ended: each firing alert RESOLVES and each pending one goes INACTIVE, with the
     * {@code resolved_by} annotation saying why. No record is bound: annotations that read the
     * record are left out, as for a rules reload.
     *
     * @param source the record that ended the run, or null (the alert's latest record is used)
     * @param synthetic the mark of what ended the run, or null for the alert's own mark
     */
    void resolveAll(RunState run, String resolvedBy, SourcePosition source, long now, Boolean synthetic,
                    StepBuilder out) {
        ctx.bindNone(run.runId);
        for (CompiledRule rule : ruleSet.rules()) {
            RuleState st = run.rules[rule.index()];
            if (st.state != AlertState.PENDING && st.state != AlertState.FIRING) {
                continue;
            }
            AlertState to = st.state == AlertState.FIRING ? AlertState.RESOLVED : AlertState.INACTIVE;
            checkTransition(rule, st.state, to);
            out.alerts.add(event(rule, run, st, to, source != null ? source : latest(st), now,
                    synthetic != null ? synthetic : markOf(rule, run, st), false, resolvedBy));
            leave(st, to);
        }
    }

    /**
     * Re-publishes a firing alert with its current acknowledgement and silence (no transition):
     * receivers learn of an ack or a silence from the alert itself.
     */
    void remark(RunState run, CompiledRule rule, long now, StepBuilder out) {
        RuleState st = run.rules[rule.index()];
        if (st.state != AlertState.FIRING) {
            throw new IllegalStateException("only a firing alert is re-published, not a " + st.state.id() + " one");
        }
        ctx.bindNone(run.runId);
        out.alerts.add(event(rule, run, st, AlertState.FIRING, latest(st), now, markOf(rule, run, st), false, null));
    }

    /** The alert's latest record (absence rules: the last record seen). */
    private static SourcePosition latest(RuleState st) {
        return st.lastSource == null ? st.startedAt : st.lastSource;
    }

    /**
     * Whether an alert was synthetic, when no record is at hand: an absence rule's is the mark of
     * the last record it saw, any other the mark of the run's latest record (a drill's runs are
     * synthetic throughout).
     */
    static boolean markOf(CompiledRule rule, RunState run, RuleState st) {
        return rule.isAbsence() ? st.seenSynthetic : run.lastSynthetic;
    }

    private List<String> reasons(CompiledRule rule, RuleState st) {
        alertVars(st);
        if (rule.reason() == null) {
            return List.of(defaultReason(rule, st));
        }
        return rule.reason().renderList(ctx);
    }

    private static String defaultReason(CompiledRule rule, RuleState st) {
        StringBuilder sb = new StringBuilder(rule.id());
        if (st.lastValue != null) {
            sb.append(": ").append(Template.formatNumber(st.lastValue));
            if (st.lastThreshold != null) {
                sb.append(" vs ").append(Template.formatNumber(st.lastThreshold));
            }
        }
        return sb.toString();
    }

    private void alertVars(RuleState st) {
        ctx.alert.clear();
        ctx.alert.put("value", st.lastValue == null ? FieldValues.NULL : st.lastValue);
        ctx.alert.put("threshold", st.lastThreshold == null ? FieldValues.NULL : st.lastThreshold);
    }

    /**
     * @param recordBound whether a record is bound (else annotations that read it are left out)
     * @param resolvedBy  the {@code resolved_by} annotation, or null
     */
    private AlertEvent event(CompiledRule rule, RunState run, RuleState st, AlertState state, SourcePosition source,
                             long t, boolean synthetic, boolean recordBound, String resolvedBy) {
        alertVars(st);
        Map<String, String> annotations = new LinkedHashMap<>();
        if (recordBound) {
            rule.annotations().forEach((k, tpl) -> annotations.put(k, tpl.render(ctx)));
        } else {
            rule.annotations().forEach((k, tpl) -> tpl.renderComplete(ctx).ifPresent(text -> annotations.put(k, text)));
        }
        if (resolvedBy != null) {
            annotations.put(AlertEvent.RESOLVED_BY, resolvedBy);
        }
        Map<String, String> labels = labels(rule, run);
        return new AlertEvent(st.alertId, rule.id(), run.runId, state, rule.severity(), rule.action(), st.lastValue,
                st.lastThreshold, st.startedAt, source, t, labels, annotations, synthetic, ruleSet.digest(), st.ack,
                silences.mayCover(run) ? silences.covering(run, rule.id(), labels, t) : null);
    }

    /** An alert's labels: the rule's own plus those identifying it (Alertmanager matches alerts by these). */
    static Map<String, String> labels(CompiledRule rule, RunState run) {
        return rule.alertLabels(run.runId);
    }

    /** The deterministic alert id: a digest of rule id, run id and the start position. */
    static String alertId(CompiledRule rule, String runId, SourcePosition startedAt) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(rule.id().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(runId.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(startedAt.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
