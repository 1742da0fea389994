package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.Evidence;
import dev.anneal.watcher.rules.model.Recommendation;
import dev.anneal.watcher.rules.model.SourcePosition;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The "decide" stage of the data flow: a run's recommendation from its alerts. The action is the
 * highest rung of the {@link Action} ladder among the run's firing alerts (ROLLBACK > FREEZE >
 * HOLD); with none firing it is PROMOTE when every pack's promotion condition has held on enough
 * consecutive records (the streaks {@link Engine} keeps), else PASS. FREEZE and ROLLBACK latch: once
 * reached they stay, with the evidence that reached them, until an operator clears them, while
 * HOLD clears when its alerts resolve.
 *
 * <p>A firing alert that an operator's silence covers ({@link TaskSilences#covering}) does not
 * count: it neither sets the action nor latches, until the silence ends. An operator's
 * {@code clear} releases the latch ({@link OperatorCommands}), after which the recommendation is
 * recomputed from the alerts firing then.
 *
 * <p>A recommendation is emitted only when it changed: its key is the action, whether it is
 * latched, and the alert ids of its evidence, so a firing alert re-confirmed on every record does
 * not repeat it. The entry points are the events that can change it: a record, an absence rule's
 * silence, and a recomputation ({@link #recompute}: a rules switch, an operator command, the end
 * of a silence). Stateless apart from the run state it is given.
 */
public final class RecommendationLadder {

    private final RuleSet ruleSet;
    private final TaskSilences silences;

    RecommendationLadder(RuleSet ruleSet, TaskSilences silences) {
        this.ruleSet = ruleSet;
        this.silences = silences;
    }

    /** After a record was evaluated; {@code alertsChanged} when it caused an alert transition. */
    void afterRecord(RunState run, TelemetryRecord record, boolean alertsChanged, StepBuilder out) {
        // Every change of alert state emits an event, and the latch only moves when an alert
        // fires; so with no event, no change in promotion and no latch (whose evidence follows
        // the latest confirmation), the recommendation cannot change and need not be recomputed.
        // Unless the run had ended: its end resolved alerts without recomputing it.
        boolean promotion = promotionHolds(run);
        boolean afresh = run.decideAfresh;
        run.decideAfresh = false;
        if (alertsChanged || run.last == null || promotion != run.lastPromotionHolds || run.latched != null
                || afresh) {
            run.lastPromotionHolds = promotion;
            decide(run, record.position(), record.eventTime(), record.synthetic(), out);
        }
    }

    /** After an absence rule fired on silence: the recommendation takes the mark of the last record it saw. */
    void afterSilence(RunState run, RuleState silent, long now, StepBuilder out) {
        decide(run, silent.lastSource, now, silent.seenSynthetic, out);
    }

    /**
     * Recomputed from the run's alerts as they are now (after a rules switch settled its retired
     * alerts, an operator command, or the end of a silence), from the position of the run's last
     * recommendation (a run that never had one has nothing to redo).
     */
    void recompute(RunState run, long now, boolean synthetic, StepBuilder out) {
        if (run.last != null) {
            run.lastPromotionHolds = promotionHolds(run);
            decide(run, run.last.source(), now, synthetic, out);
        }
    }

    private void decide(RunState run, SourcePosition source, long t, boolean synthetic, StepBuilder out) {
        Action current = null;
        List<Evidence> evidence = new ArrayList<>();
        boolean silencing = silences.mayCover(run);
        for (CompiledRule rule : ruleSet.rules()) {
            RuleState st = run.rules[rule.index()];
            if (st.state == AlertState.FIRING && !(silencing && silenced(run, rule, t))) {
                evidence.add(evidence(rule, st));
                current = current == null ? rule.action() : Action.max(current, rule.action());
            }
        }
        evidence.sort(Comparator.comparing(Evidence::action).reversed());
        if (current != null && current.latches() && (run.latched == null || current.compareTo(run.latched) >= 0)) {
            run.latched = current;
            run.latchedEvidence = evidence.stream().filter(e -> e.action().latches()).toList();
        }
        Action action;
        List<Evidence> shown;
        boolean latched;
        List<String> reasons = new ArrayList<>();
        if (run.latched != null && (current == null || run.latched.compareTo(current) > 0)) {
            action = run.latched;
            latched = true;
            shown = new ArrayList<>(run.latchedEvidence);
            for (Evidence e : evidence) {
                if (shown.stream().noneMatch(s -> s.alertId().equals(e.alertId()))) {
                    shown.add(e);
                }
            }
        } else if (current != null) {
            action = current;
            latched = false;
            shown = evidence;
        } else {
            shown = List.of();
            latched = false;
            action = promotionHolds(run) ? Action.PROMOTE : Action.PASS;
            if (action == Action.PROMOTE) {
                for (List<String> r : run.promotionReasons) {
                    reasons.addAll(r);
                }
            }
        }
        for (Evidence e : shown) {
            reasons.addAll(e.reasons());
        }
        String k = key(action, latched, shown);
        if (k.equals(run.lastKey)) {
            return;
        }
        run.lastKey = k;
        run.last = new Recommendation(run.runId, action, reasons, shown, latched, source, t, synthetic,
                ruleSet.digest());
        out.recommendations.add(run.last);
    }

    /** Whether a silence covers the rule's alert in the run at {@code t}. */
    private boolean silenced(RunState run, CompiledRule rule, long t) {
        return silences.covering(run, rule.id(), AlertLifecycle.labels(rule, run), t) != null;
    }

    /** The firing alerts of a run that demand at least {@code action}, ignoring silenced ones, in rule order. */
    List<CompiledRule> demanding(RunState run, Action action, long t) {
        List<CompiledRule> out = new ArrayList<>();
        boolean silencing = silences.mayCover(run);
        for (CompiledRule rule : ruleSet.rules()) {
            RuleState st = run.rules[rule.index()];
            if (st.state == AlertState.FIRING && rule.action().compareTo(action) >= 0
                    && !(silencing && silenced(run, rule, t))) {
                out.add(rule);
            }
        }
        return out;
    }

    /** What makes two recommendations the same: the action, the latch and the alerts shown as evidence. */
    private static String key(Action action, boolean latched, List<Evidence> shown) {
        StringBuilder key = new StringBuilder(action.name()).append(latched ? "!" : "");
        for (Evidence e : shown) {
            key.append('|').append(e.alertId());
        }
        return key.toString();
    }

    /** Whether every pack's promotion condition held on enough consecutive records (false without any). */
    private boolean promotionHolds(RunState run) {
        boolean any = false;
        for (CompiledPack pack : ruleSet.packs()) {
            CompiledPromotion p = pack.promotion();
            if (p != null) {
                any = true;
                if (run.promotionStreak[p.index()] < p.consecutive()) {
                    return false;
                }
            }
        }
        return any;
    }

    private static Evidence evidence(CompiledRule rule, RuleState st) {
        return new Evidence(rule.id(), st.alertId, rule.action(), rule.severity(), st.lastValue, st.lastThreshold,
                st.startedAt, st.lastSource == null ? st.startedAt : st.lastSource, st.reasons);
    }
}
