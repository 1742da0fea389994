package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.cel.CompiledExpr;
import dev.anneal.watcher.rules.cel.ExprEvaluationException;
import dev.anneal.watcher.rules.cel.Template;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.Evidence;
import dev.anneal.watcher.rules.model.FieldValues;
import dev.anneal.watcher.rules.model.Recommendation;
import dev.anneal.watcher.rules.model.SourcePosition;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The rule engine: feed it records (and, for absence rules, clock advances) and it returns alert
 * transitions and recommendation changes. Pure and deterministic: no I/O, no wall clock, no
 * logging; the same records in the same order give the same output, byte for byte once
 * serialised. One engine is single-threaded; the daemon runs one per stream task.
 *
 * <p>Per record: the run's state is looked up; for each pack that selects the record's kind, its
 * derived values are made available (computed on first use), then each rule: selector, baseline, windows, band and condition,
 * lifecycle (for / keep_firing_for); then the promotion condition; finally the run's
 * recommendation is recomputed and returned if it changed.
 */
public final class Engine {

    /** Annotation of a transition that a rules reload caused, naming the rule set that retired the rule. */
    public static final String RESOLVED_BY = "resolved_by";

    private final RuleSet ruleSet;
    private final EvalContext ctx;
    private final Map<String, RunState> runs = new LinkedHashMap<>();
    private final PriorityQueue<Deadline> deadlines = new PriorityQueue<>(
            Comparator.comparingLong(Deadline::at).thenComparing(Deadline::runId).thenComparingInt(Deadline::rule));
    private final boolean hasAbsence;

    private record Deadline(long at, String runId, int rule) {
    }

    public Engine(RuleSet ruleSet) {
        this.ruleSet = ruleSet;
        this.ctx = new EvalContext(ruleSet.params());
        this.hasAbsence = ruleSet.rules().stream().anyMatch(CompiledRule::isAbsence);
    }

    public RuleSet ruleSet() {
        return ruleSet;
    }

    /** Runs seen so far, in first-seen order. */
    public Map<String, RunState> runs() {
        return Collections.unmodifiableMap(runs);
    }

    /**
     * Evaluates one accepted record (check {@link RuleSet#rejectReason} first) against the run
     * state this engine keeps. Replay uses this form; the daemon keeps run state in a store and
     * uses {@link #process(RunState, TelemetryRecord)}.
     */
    public Step process(TelemetryRecord record) {
        RunState run = runs.computeIfAbsent(record.runId(), this::newRun);
        return process(run, record, true);
    }

    /** A fresh state for a run this rule set has not seen. */
    public RunState newRun(String runId) {
        return new RunState(runId, ruleSet);
    }

    /**
     * Evaluates one accepted record against a run state the caller owns (a state store entry),
     * updating it in place. The caller persists it afterwards.
     */
    public Step process(RunState run, TelemetryRecord record) {
        if (!run.runId.equals(record.runId())) {
            throw new IllegalArgumentException("record of run " + record.runId() + " given state of run " + run.runId);
        }
        return process(run, record, false);
    }

    private Step process(RunState run, TelemetryRecord record, boolean scheduleDeadlines) {
        StepBuilder out = new StepBuilder();
        int alertsBefore = out.alerts.size();
        ctx.bind(record);
        for (CompiledPack pack : ruleSet.packsFor(record.kind())) {
            ctx.bindPack(pack.derivations(), out.errors);
            for (CompiledRule rule : ruleSet.rulesFor(pack, record.kind())) {
                if (rule.isAbsence()) {
                    observeForAbsence(run, rule, record, out, scheduleDeadlines);
                } else {
                    evaluate(run, rule, record, out);
                }
            }
            CompiledPromotion promotion = pack.promotion();
            if (promotion != null && promotion.kinds().contains(record.kind())) {
                promote(run, promotion, record, out);
            }
        }
        // Every change of alert state emits an event, and the latch only moves when an alert
        // fires; so with no event, no change in promotion and no latch (whose evidence follows
        // the latest confirmation), the recommendation cannot change and need not be recomputed.
        boolean promotion = promotionHolds(run);
        if (out.alerts.size() != alertsBefore || run.last == null || promotion != run.lastPromotionHolds
                || run.latched != null) {
            run.lastPromotionHolds = promotion;
            recommend(run, record.position(), record.eventTime(), record.synthetic(), out);
        }
        return out.build();
    }

    /**
     * Advances the clock to {@code now} (event time in replay) for the runs this engine keeps and
     * fires the absence rules whose silence has lasted long enough.
     */
    public Step advanceTime(long now) {
        if (!hasAbsence || deadlines.isEmpty() || deadlines.peek().at() > now) {
            return Step.EMPTY;
        }
        StepBuilder out = new StepBuilder();
        while (!deadlines.isEmpty() && deadlines.peek().at() <= now) {
            Deadline d = deadlines.poll();
            RunState run = runs.get(d.runId());
            CompiledRule rule = ruleSet.rules().get(d.rule());
            RuleState st = run.rules[d.rule()];
            st.deadlineQueued = false;
            if (st.state == AlertState.INACTIVE && st.seen) {
                long due = st.lastSeen + rule.absent().millis();
                if (due <= now) {
                    fireAbsence(run, rule, st, now, out);
                } else {
                    deadlines.add(new Deadline(due, d.runId(), d.rule()));
                    st.deadlineQueued = true;
                }
            }
        }
        return out.build();
    }

    /**
     * Advances the clock to {@code now} for one run the caller owns (the daemon's wall-clock
     * punctuator walks its store with this) and fires the absence rules that are due.
     */
    public Step advanceTime(RunState run, long now) {
        if (!hasAbsence) {
            return Step.EMPTY;
        }
        StepBuilder out = new StepBuilder();
        for (CompiledRule rule : ruleSet.rules()) {
            if (rule.isAbsence()) {
                RuleState st = run.rules[rule.index()];
                if (st.state == AlertState.INACTIVE && st.seen && now - st.lastSeen >= rule.absent().millis()) {
                    fireAbsence(run, rule, st, now, out);
                }
            }
        }
        return out.build();
    }

    /**
     * Closes the alerts that rules no longer in this rule set left in a run's stored state (see
     * {@link RunState#hasRetiredAlerts}), then recomputes the run's recommendation under this
     * rule set. The daemon calls it for every stored run when it switches to a reloaded rule set,
     * so that an alert of a removed or changed rule ends with a RESOLVED transition instead of
     * staying firing downstream forever.
     *
     * <p>A firing alert gets a RESOLVED event with the same alert id, the retired rule's severity,
     * action, labels and annotations (rendered with its own rule set's parameters; one that reads
     * the record, which a reload does not have, is left out; plus a {@value #RESOLVED_BY}
     * annotation saying why), the last known value and threshold, and event
     * time {@code now}. A pending alert was never published as firing; it gets an INACTIVE event,
     * as a pending alert whose condition stops holding does. A firing alert whose rule
     * {@code retiredRules} does not know (the process that ran the old rules is gone) cannot be
     * described, so it is returned as a {@link RuleError} to count and report rather than dropped
     * silently. The recommendation is recomputed as after any alert change: a HOLD that only the
     * retired alert caused clears, a FREEZE/ROLLBACK latch stays; it is returned only if it
     * changed. Idempotent: afterwards the run has no retired alerts.
     *
     * <p>Whether a firing alert was synthetic is not stored; its RESOLVED takes the mark of the
     * run's last recommendation (an absence rule's, that of the last record it saw), which is
     * exact for QA drills, whose runs are synthetic throughout.
     *
     * @param retiredRules the retired rule for a stored rule fingerprint, or null when unknown
     * @param now          the clock's time (event time of the transitions)
     */
    public Step resolveRetired(RunState run, Function<String, RetiredRule> retiredRules, long now) {
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
            out.alerts.add(retiredEvent(retired, run, st, to, source, now,
                    retired.rule().isAbsence() ? st.seenSynthetic : synthetic));
        }
        run.retired.clear();
        if (run.last != null) {
            run.lastPromotionHolds = promotionHolds(run);
            recommend(run, run.last.source(), now, synthetic, out);
        }
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
                st.lastThreshold, st.startedAt, source, t, labels(rule, run), annotations, synthetic,
                ruleSet.digest());
    }

    /** True when the rule set has absence rules (so clock advances can change anything). */
    public boolean hasAbsenceRules() {
        return hasAbsence;
    }

    private void fireAbsence(RunState run, CompiledRule rule, RuleState st, long now, StepBuilder out) {
        ctx.bindNone(run.runId);
        st.alertId = alertId(rule, run.runId, st.lastSource);
        st.startedAt = st.lastSource;
        st.state = AlertState.FIRING;
        st.lastValue = (now - st.lastSeen) / 1000.0;
        st.lastThreshold = rule.absent().millis() / 1000.0;
        st.reasons = reasons(rule, st);
        // Silence has no record of its own: the alert is as synthetic as the last record seen.
        out.alerts.add(event(rule, run, st, AlertState.FIRING, st.lastSource, now, st.seenSynthetic));
        recommend(run, st.lastSource, now, st.seenSynthetic, out);
    }

    private boolean selects(List<String> present, CompiledExpr where, String ruleId, TelemetryRecord record,
                            StepBuilder out) {
        for (String key : present) {
            if (FieldValues.isMissing(record.field(key))) {
                return false;
            }
        }
        if (where == null) {
            return true;
        }
        try {
            return where.evalBool(ctx);
        } catch (ExprEvaluationException e) {
            out.errors.add(new RuleError(ruleId, record.position(), "select.where: " + e.getMessage()));
            return false;
        }
    }

    private void evaluate(RunState run, CompiledRule rule, TelemetryRecord record, StepBuilder out) {
        if (!selects(rule.present(), rule.where(), rule.id(), record, out)) {
            return;
        }
        RuleState st = run.rules[rule.index()];
        long t = record.eventTime();
        try {
            Double base = null;
            ctx.baseline = null;
            if (rule.baseline() != null) {
                base = rule.baseline().evalNumber(ctx);
                if (base == null || base == 0.0 || !Double.isFinite(base)) {
                    return; // no usable baseline: the rule does not apply to this record
                }
                ctx.baseline = base;
            }
            ctx.window.clear();
            double[] pending = st.windows.length == 0 ? null : new double[st.windows.length];
            for (int i = 0; i < st.windows.length; i++) {
                CompiledWindow w = rule.windows().get(i);
                WindowBuffer buffer = st.windows[i];
                buffer.advanceTo(t);
                Double v = w.of().evalNumber(ctx);
                pending[i] = v != null && Double.isFinite(v) ? v : Double.NaN;
                ctx.window.put(w.name(), Double.isNaN(pending[i])
                        ? buffer.aggregate(w.fn()) : buffer.aggregateWith(w.fn(), pending[i]));
            }
            boolean cond = true;
            Double value = null;
            Double threshold = null;
            if (rule.bandOf() != null) {
                Double v = rule.bandOf().evalNumber(ctx);
                if (v == null) {
                    return;
                }
                double scale = Math.abs(base);
                Double lower = rule.bandBelow() == null ? null : base - scale * rule.bandBelow();
                Double upper = rule.bandAbove() == null ? null : base + scale * rule.bandAbove();
                value = v;
                if (lower != null && v < lower) {
                    threshold = lower;
                } else if (upper != null && v > upper) {
                    threshold = upper;
                } else {
                    cond = false;
                    threshold = lower != null && (upper == null || Math.abs(v - lower) <= Math.abs(v - upper))
                            ? lower : upper;
                }
            }
            if (cond && rule.condition() != null) {
                cond = rule.condition().evalBool(ctx);
            }
            if (rule.value() != null) {
                value = rule.value().evalNumber(ctx);
            }
            if (rule.threshold() != null) {
                threshold = rule.threshold().evalNumber(ctx);
            }
            // The record enters the windows only once the whole rule evaluated without error.
            for (int i = 0; i < st.windows.length; i++) {
                if (!Double.isNaN(pending[i])) {
                    st.windows[i].add(t, pending[i]);
                }
            }
            lifecycle(run, rule, st, cond, value, threshold, record, out);
        } catch (ExprEvaluationException e) {
            out.errors.add(new RuleError(rule.id(), record.position(), e.getMessage()));
        }
    }

    private void lifecycle(RunState run, CompiledRule rule, RuleState st, boolean cond, Double value,
                           Double threshold, TelemetryRecord record, StepBuilder out) {
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
                if (forSatisfied(rule, st, t)) {
                    st.state = AlertState.FIRING;
                    out.alerts.add(event(rule, run, st, AlertState.FIRING, pos, t, synthetic));
                } else {
                    st.state = AlertState.PENDING;
                    out.alerts.add(event(rule, run, st, AlertState.PENDING, pos, t, synthetic));
                }
                return;
            case PENDING:
                if (cond) {
                    st.matchCount++;
                    observeTrue(rule, st, value, threshold, pos, t);
                    if (forSatisfied(rule, st, t)) {
                        st.state = AlertState.FIRING;
                        out.alerts.add(event(rule, run, st, AlertState.FIRING, pos, t, synthetic));
                    }
                } else {
                    st.lastValue = value;
                    st.lastThreshold = threshold;
                    out.alerts.add(event(rule, run, st, AlertState.INACTIVE, pos, t, synthetic));
                    st.clear();
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
                    out.alerts.add(event(rule, run, st, AlertState.RESOLVED, pos, t, synthetic));
                    st.clear();
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

    private void observeForAbsence(RunState run, CompiledRule rule, TelemetryRecord record, StepBuilder out,
                                   boolean scheduleDeadline) {
        if (!selects(rule.present(), rule.where(), rule.id(), record, out)) {
            return;
        }
        RuleState st = run.rules[rule.index()];
        if (st.state == AlertState.FIRING) {
            st.lastValue = (record.eventTime() - st.lastSeen) / 1000.0;
            out.alerts.add(event(rule, run, st, AlertState.RESOLVED, record.position(), record.eventTime(),
                    record.synthetic()));
            st.clear();
        }
        st.lastSource = record.position();
        if (record.hasTimestamp()) {
            st.seen = true;
            st.lastSeen = record.eventTime();
            st.seenSynthetic = record.synthetic();
            if (scheduleDeadline && !st.deadlineQueued) {
                deadlines.add(new Deadline(st.lastSeen + rule.absent().millis(), run.runId, rule.index()));
                st.deadlineQueued = true;
            }
        }
    }

    private void promote(RunState run, CompiledPromotion p, TelemetryRecord record, StepBuilder out) {
        String id = "promotion." + p.pack();
        if (!selects(p.present(), p.where(), id, record, out)) {
            return;
        }
        try {
            if (p.condition().evalBool(ctx)) {
                run.promotionStreak[p.index()]++;
                run.promotionReasons[p.index()] = p.reason() == null
                        ? List.of(p.pack() + ": promotion condition held on " + run.promotionStreak[p.index()]
                        + " consecutive record(s) (needs " + p.consecutive() + ")")
                        : p.reason().renderList(ctx);
            } else {
                run.promotionStreak[p.index()] = 0;
                run.promotionReasons[p.index()] = List.of();
            }
        } catch (ExprEvaluationException e) {
            out.errors.add(new RuleError(id, record.position(), e.getMessage()));
        }
    }

    private void recommend(RunState run, SourcePosition source, long t, boolean synthetic, StepBuilder out) {
        Action current = null;
        List<Evidence> evidence = new ArrayList<>();
        for (CompiledRule rule : ruleSet.rules()) {
            RuleState st = run.rules[rule.index()];
            if (st.state == AlertState.FIRING) {
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
        StringBuilder key = new StringBuilder(action.name()).append(latched ? "!" : "");
        for (Evidence e : shown) {
            key.append('|').append(e.alertId());
        }
        String k = key.toString();
        if (k.equals(run.lastKey)) {
            return;
        }
        run.lastKey = k;
        run.last = new Recommendation(run.runId, action, reasons, shown, latched, source, t, synthetic,
                ruleSet.digest());
        out.recommendations.add(run.last);
    }

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

    private Evidence evidence(CompiledRule rule, RuleState st) {
        return new Evidence(rule.id(), st.alertId, rule.action(), rule.severity(), st.lastValue, st.lastThreshold,
                st.startedAt, st.lastSource == null ? st.startedAt : st.lastSource, st.reasons);
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

    private AlertEvent event(CompiledRule rule, RunState run, RuleState st, AlertState state, SourcePosition source,
                             long t, boolean synthetic) {
        alertVars(st);
        Map<String, String> annotations = new LinkedHashMap<>();
        rule.annotations().forEach((k, tpl) -> annotations.put(k, tpl.render(ctx)));
        return new AlertEvent(st.alertId, rule.id(), run.runId, state, rule.severity(), rule.action(), st.lastValue,
                st.lastThreshold, st.startedAt, source, t, labels(rule, run), annotations, synthetic,
                ruleSet.digest());
    }

    /** An alert's labels: the rule's own plus those identifying it (Alertmanager matches alerts by these). */
    private static Map<String, String> labels(CompiledRule rule, RunState run) {
        Map<String, String> labels = new TreeMap<>(rule.labels());
        labels.put("alertname", rule.id());
        labels.put("run_id", run.runId);
        labels.put("severity", rule.severity().id());
        labels.put("action", rule.action().name());
        labels.put("pack", rule.pack());
        return labels;
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

    private static final class StepBuilder {
        final List<AlertEvent> alerts = new ArrayList<>();
        final List<Recommendation> recommendations = new ArrayList<>();
        final List<RuleError> errors = new ArrayList<>();

        Step build() {
            if (alerts.isEmpty() && recommendations.isEmpty() && errors.isEmpty()) {
                return Step.EMPTY;
            }
            return new Step(alerts, recommendations, errors);
        }
    }
}
