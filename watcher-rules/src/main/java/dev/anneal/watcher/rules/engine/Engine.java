package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.cel.CompiledExpr;
import dev.anneal.watcher.rules.cel.ExprEvaluationException;
import dev.anneal.watcher.rules.model.FieldValues;
import dev.anneal.watcher.rules.model.RunStatus;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.util.List;
import java.util.OptionalLong;

/**
 * The "evaluate" stage of the data flow: what each rule's condition is on a record, over a run
 * state the caller owns ({@code RecordPipeline} keeps it in a {@code RunStore}). Pure and
 * deterministic: no I/O, no wall clock, no logging; the same records in the same order give the
 * same output, byte for byte once serialised. One engine is single-threaded; the daemon runs one
 * per stream task.
 *
 * <p>Per record ({@link #process}): for each pack that selects the record's kind, its derived
 * values are made available (computed on first use), then each rule: selector, baseline, windows,
 * band and condition, whose outcome goes to the {@link AlertLifecycle} (pending, firing, resolved,
 * with {@code for} / {@code keep_firing_for}); then the pack's promotion condition, which counts the
 * promotion streak; finally the {@link RecommendationLadder} decides the run's recommendation and
 * returns it if it changed. The lifecycle runs while the rule's pack and record are bound, because
 * alert reasons and annotations are rendered from them.
 *
 * <p>Absence rules measure silence instead: a matching record restarts it, and time ({@link
 * #advanceTime}: event time, or the daemon's wall clock) fires them once it has lasted long
 * enough. {@link #deadline} and {@link #nextDeadline} say when that will be, so that a store can
 * index runs by it. An ended run's absence rules never fire: silence is what an ended run does.
 *
 * <p>Operators' silences (the run's own, and those of every run in the {@link TaskSilences} the
 * engine is given) mark the alerts they cover, which then do not change the recommendation.
 */
public final class Engine {

    private final RuleSet ruleSet;
    private final EvalContext ctx;
    private final AlertLifecycle lifecycle;
    private final RecommendationLadder ladder;
    private final List<CompiledRule> absenceRules;
    private final TaskSilences silences;

    /** An engine whose runs have no silences but their own. */
    public Engine(RuleSet ruleSet) {
        this(ruleSet, new TaskSilences());
    }

    /**
     * @param silences the silences of every run, which the caller keeps (and changes through
     *                 {@link OperatorCommands})
     */
    public Engine(RuleSet ruleSet, TaskSilences silences) {
        this.ruleSet = ruleSet;
        this.silences = silences;
        this.ctx = new EvalContext(ruleSet.params());
        this.lifecycle = new AlertLifecycle(ruleSet, ctx, silences);
        this.ladder = new RecommendationLadder(ruleSet, silences);
        this.absenceRules = ruleSet.rules().stream().filter(CompiledRule::isAbsence).toList();
    }

    /** The silences of every run that this engine honours. */
    public TaskSilences silences() {
        return silences;
    }

    AlertLifecycle lifecycle() {
        return lifecycle;
    }

    RecommendationLadder ladder() {
        return ladder;
    }

    EvalContext context() {
        return ctx;
    }

    public RuleSet ruleSet() {
        return ruleSet;
    }

    /** A fresh state for a run this rule set has not seen. */
    public RunState newRun(String runId) {
        return new RunState(runId, ruleSet);
    }

    /**
     * Evaluates one accepted record (check {@link RuleSet#rejectReason} first) against a run
     * state the caller owns, updating it in place, and returns the alert transitions and
     * recommendation change it caused. The caller stores the state afterwards.
     */
    public Step process(RunState run, TelemetryRecord record) {
        if (!run.runId.equals(record.runId())) {
            throw new IllegalArgumentException("record of run " + record.runId() + " given state of run " + run.runId);
        }
        StepBuilder out = new StepBuilder();
        ctx.bind(record);
        for (CompiledPack pack : ruleSet.packsFor(record.kind())) {
            ctx.bindPack(pack.derivations(), out.errors);
            for (CompiledRule rule : ruleSet.rulesFor(pack, record.kind())) {
                if (rule.isAbsence()) {
                    if (selects(rule.present(), rule.where(), rule.id(), record, out)) {
                        lifecycle.observeAbsence(run, rule, run.rules[rule.index()], record, out);
                    }
                } else {
                    evaluate(run, rule, record, out);
                }
            }
            CompiledPromotion promotion = pack.promotion();
            if (promotion != null && promotion.kinds().contains(record.kind())) {
                promote(run, promotion, record, out);
            }
        }
        ladder.afterRecord(run, record, !out.alerts.isEmpty(), out);
        return out.build();
    }

    /**
     * Advances one run's clock to {@code now} and fires its absence rules whose silence has
     * lasted long enough, in rule order. The daemon advances a run to each of its records' event
     * time, and every run to its wall clock.
     */
    public Step advanceTime(RunState run, long now) {
        if (absenceRules.isEmpty()) {
            return Step.EMPTY;
        }
        StepBuilder out = new StepBuilder();
        for (CompiledRule rule : absenceRules) {
            fireIfDue(run, rule, now, out);
        }
        return out.build();
    }

    /**
     * Advances one absence rule of one run to {@code now}: fires it if its silence has lasted long
     * enough. For stores that index deadlines per rule (replay fires the rules of all its runs in
     * deadline order).
     */
    public Step advanceTime(RunState run, CompiledRule rule, long now) {
        requireAbsence(rule);
        StepBuilder out = new StepBuilder();
        fireIfDue(run, rule, now, out);
        return out.build();
    }

    private void fireIfDue(RunState run, CompiledRule rule, long now, StepBuilder out) {
        RuleState st = run.rules[rule.index()];
        if (run.status == RunStatus.ACTIVE && AlertLifecycle.silenceDeadline(rule, st) <= now) {
            lifecycle.fireAbsence(run, rule, st, now, out);
            ladder.afterSilence(run, st, now, out);
        }
    }

    /**
     * When an absence rule of a run will fire if no matching record comes first (the time
     * {@link #advanceTime} must reach), or empty when it cannot fire now: it is firing, has seen
     * no timestamped record, already fired for the current silence, or the run has ended.
     */
    public OptionalLong deadline(RunState run, CompiledRule rule) {
        requireAbsence(rule);
        long at = run.status == RunStatus.ACTIVE ? AlertLifecycle.silenceDeadline(rule, run.rules[rule.index()])
                : AlertLifecycle.NEVER;
        return at == AlertLifecycle.NEVER ? OptionalLong.empty() : OptionalLong.of(at);
    }

    /** The earliest {@link #deadline} of a run's absence rules, or empty when none can fire. */
    public OptionalLong nextDeadline(RunState run) {
        if (run.status != RunStatus.ACTIVE) {
            return OptionalLong.empty();
        }
        long next = AlertLifecycle.NEVER;
        for (CompiledRule rule : absenceRules) {
            next = Math.min(next, AlertLifecycle.silenceDeadline(rule, run.rules[rule.index()]));
        }
        return next == AlertLifecycle.NEVER ? OptionalLong.empty() : OptionalLong.of(next);
    }

    /** The rule set's absence rules, in rule order. */
    public List<CompiledRule> absenceRules() {
        return absenceRules;
    }

    /** True when the rule set has absence rules (so clock advances can change anything). */
    public boolean hasAbsenceRules() {
        return !absenceRules.isEmpty();
    }

    private void requireAbsence(CompiledRule rule) {
        if (!rule.isAbsence() || rule.index() >= ruleSet.rules().size() || ruleSet.rules().get(rule.index()) != rule) {
            throw new IllegalArgumentException("rule " + rule.id() + " is not an absence rule of rule set "
                    + ruleSet.digest());
        }
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
            lifecycle.observe(run, rule, st, cond, value, threshold, record, out);
        } catch (ExprEvaluationException e) {
            out.errors.add(new RuleError(rule.id(), record.position(), e.getMessage()));
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
}
