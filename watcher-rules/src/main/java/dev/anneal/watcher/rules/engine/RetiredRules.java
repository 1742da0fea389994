package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.FieldValues;
import dev.anneal.watcher.rules.model.SourcePosition;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Settles the alerts that rules a reload removed or changed left in a run's stored state (see
 * {@link RunState#hasRetiredAlerts}), so that such an alert ends with a RESOLVED transition
 * instead of staying firing downstream forever. The daemon settles every stored run when it
 * switches to a reloaded rule set ({@code RecordPipeline.switchRules}).
 *
 * <p>A firing alert gets a RESOLVED event with the same alert id, the retired rule's severity,
 * action, labels and annotations (rendered with its own rule set's parameters; one that reads the
 * record, which a reload does not have, is left out; plus a {@value #RESOLVED_BY} annotation
 * saying why), the last known value and threshold, and event time {@code now}. A pending alert was
 * never published as firing; it gets an INACTIVE event, as a pending alert whose condition stops
 * holding does. Both are transitions of {@link AlertLifecycle}'s table. A firing alert whose rule
 * the caller does not know (the process that ran the old rules is gone) cannot be described, so it
 * is returned as a {@link RuleError} to count and report rather than dropped silently. The
 * recommendation is then recomputed by the {@link RecommendationLadder}: a HOLD that only the
 * retired alert caused clears, a FREEZE/ROLLBACK latch stays; it is returned only if it changed.
 *
 * <p>Whether a firing alert was synthetic is not stored; its RESOLVED takes the mark of the run's
 * last recommendation (an absence rule's, that of the last record it saw), which is exact for QA
 * drills, whose runs are synthetic throughout.
 */
public final class RetiredRules {

    /** Annotation of a transition that a rules reload caused, naming the rule set that retired the rule. */
    public static final String RESOLVED_BY = AlertEvent.RESOLVED_BY;

    private final RuleSet ruleSet;
    private final RecommendationLadder ladder;

    /** Settles runs under {@code current}, the rule set a reload switched to, with no silences but the runs' own. */
    public RetiredRules(RuleSet current) {
        this(new Engine(current));
    }

    /** Settles runs under the rule set of {@code current}, honouring its silences. */
    public RetiredRules(Engine current) {
        this.ruleSet = current.ruleSet();
        this.ladder = current.ladder();
    }

    /**
     * Closes the run's retired alerts and recomputes its recommendation. Idempotent: afterwards
     * the run has no retired alerts.
     *
     * @param retiredRules the retired rule for a stored rule fingerprint, or null when unknown
     * @param now          the clock's time (event time of the transitions)
     */
    public Step settle(RunState run, Function<String, RetiredRule> retiredRules, long now) {
        StepBuilder out = new StepBuilder();
        boolean synthetic = run.last != null && run.last.synthetic();
        for (RunState.Retired r : run.retired) {
            RuleState st = r.state();
            RetiredRule retired = retiredRules.apply(st.fingerprint);
            if (st.alertId == null || st.startedAt == null) {
                continue; // never the case for a pending or firing state the engine wrote
            }
            SourcePosition source = st.lastSource == null ? st.startedAt : st.lastSource;
            if (retired == null) {
                if (st.state == AlertState.FIRING) {
                    out.errors.add(new RuleError(r.ruleId(), source, "firing alert " + st.alertId
                            + " of a rule no longer in rule set " + ruleSet.digest() + " cannot be resolved: this"
                            + " process never ran the rule set that had it (restarted after a rules change), so"
                            + " its labels are unknown; resolve it by hand downstream"));
                }
                continue;
            }
            AlertState to = st.state == AlertState.FIRING ? AlertState.RESOLVED : AlertState.INACTIVE;
            AlertLifecycle.checkTransition(retired.rule(), st.state, to);
            out.alerts.add(retiredEvent(retired, run, st, to, source, now,
                    retired.rule().isAbsence() ? st.seenSynthetic : synthetic));
        }
        run.retired.clear();
        ladder.recompute(run, now, synthetic, out);
        return out.build();
    }

    private AlertEvent retiredEvent(RetiredRule retired, RunState run, RuleState st, AlertState state,
                                    SourcePosition source, long t, boolean synthetic) {
        CompiledRule rule = retired.rule();
        // The rule's templates are rendered with the parameters of the rule set they were compiled in.
        EvalContext old = new EvalContext(retired.ruleSet().params());
        old.bindNone(run.runId);
        old.alert.put("value", st.lastValue == null ? FieldValues.NULL : st.lastValue);
        old.alert.put("threshold", st.lastThreshold == null ? FieldValues.NULL : st.lastThreshold);
        Map<String, String> annotations = new LinkedHashMap<>();
        // No record is bound: an annotation that reads the record is left out rather than published
        // as "<error: ...>" (the firing transition carried it).
        rule.annotations().forEach((k, tpl) -> tpl.renderComplete(old).ifPresent(text -> annotations.put(k, text)));
        annotations.put(RESOLVED_BY, "rules reload: rule " + rule.id() + " of rule set "
                + retired.ruleSet().digest() + " is not in rule set " + ruleSet.digest());
        return new AlertEvent(st.alertId, rule.id(), run.runId, state, rule.severity(), rule.action(), st.lastValue,
                st.lastThreshold, st.startedAt, source, t, AlertLifecycle.labels(rule, run), annotations, synthetic,
                ruleSet.digest());
    }
}
