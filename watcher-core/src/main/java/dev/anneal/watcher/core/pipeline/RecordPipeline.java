package dev.anneal.watcher.core.pipeline;

import dev.anneal.watcher.core.decode.DecodeResult;
import dev.anneal.watcher.core.decode.Rejection;
import dev.anneal.watcher.rules.engine.Due;
import dev.anneal.watcher.rules.engine.Engine;
import dev.anneal.watcher.rules.engine.RetiredRule;
import dev.anneal.watcher.rules.engine.RetiredRules;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.engine.RunState;
import dev.anneal.watcher.rules.engine.Step;
import dev.anneal.watcher.rules.model.RejectReason;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * <b>Read me first.</b> The watcher's data flow, the same for CI replays and the daemon: every
 * decoded message goes through these stages, in this order, each a class you can open.
 *
 * <pre>
 *  consume ──> decode ─────────> validate ───────────────> advance time ──────────> ...
 *  Replay /    TelemetryDecoder  RecordCheck (adapter's),  RunStore.due,
 *  Watcher-                      RuleSet.rejectReason      Engine.advanceTime
 *  Processor                                               (absence rules)
 *
 *  ... ──> evaluate ─────────> alert state ────> decide ───────────────> route
 *          Engine.process      AlertLifecycle    RecommendationLadder    PipelineSink (Replay's: listener
 *          (rules, windows,    (pending, firing, (action, latch,         and summary; WatcherProcessor's:
 *          promotion streak)   resolved)         promotion)              topics, DLQ, metrics)
 *
 *  run state:    RunStore ─ InMemoryRunStore (replay) │ KeyValueRunStore (daemon: Streams store + RunStateCache)
 *  rules switch: RetiredRules settles the alerts of removed or changed rules, in every run
 * </pre>
 *
 * <ol>
 *   <li><b>consume</b>: an adapter reads input. {@code core.replay.Replay} reads recorded files;
 *       {@code core.stream.WatcherProcessor} is the daemon's Kafka Streams processor (its topology:
 *       {@code core.stream.WatcherTopology}).</li>
 *   <li><b>decode</b>: the adapter's {@code core.decode.TelemetryDecoder} turns bytes into
 *       {@link DecodeResult}s, records or rejections, which it hands to {@link #accept}.</li>
 *   <li><b>validate</b>: a decoder rejection, the adapter's own {@link RecordCheck} and
 *       {@link RuleSet#rejectReason} (records lacking what the packs require) end here, as a
 *       {@link Rejection} for the sink. Nothing is dropped silently.</li>
 *   <li><b>advance time</b>: absence rules that fell silent long enough before the record's event
 *       time fire first ({@link EventTime}: in replay for every run, found by {@link RunStore#due};
 *       in the daemon for the record's own run). The daemon also advances every run on its wall
 *       clock ({@link #advanceTo}).</li>
 *   <li><b>evaluate</b>, <b>alert state</b>, <b>decide</b>: {@link Engine#process} evaluates each
 *       rule's selector, baseline, windows, band and condition on the run's state from the
 *       {@link RunStore}; the {@code AlertLifecycle} moves each rule's alert along its legal
 *       transitions (pending, firing, resolved); the {@code RecommendationLadder} decides the run's
 *       recommendation (PROMOTE, PASS, HOLD, FREEZE, ROLLBACK, latched or not). The run's state is
 *       then saved.</li>
 *   <li><b>route</b>: the resulting {@link Step} goes to the {@link PipelineSink}.</li>
 * </ol>
 *
 * After the daemon routes an alert to its topic, the notifier ({@code core.notify.Notifier})
 * delivers it. When rules reload, {@link #switchRules} takes up the new rule set and settles every
 * run ({@link RetiredRules}). Single-threaded: one pipeline per replay, one per stream task.
 * Nothing here reads the wall clock; time comes from records or from the caller.
 */
public final class RecordPipeline {

    private final RunStore store;
    private final EventTime eventTime;
    private final PipelineSink sink;
    private RuleSet rules;
    private Engine engine;

    /**
     * @param rules     the rule set to evaluate (until {@link #switchRules})
     * @param store     where run states live
     * @param eventTime whether a record's event time advances every run or only its own
     * @param sink      where rejections and steps go
     */
    public RecordPipeline(RuleSet rules, RunStore store, EventTime eventTime, PipelineSink sink) {
        this.store = Objects.requireNonNull(store, "store");
        this.eventTime = Objects.requireNonNull(eventTime, "eventTime");
        this.sink = Objects.requireNonNull(sink, "sink");
        use(rules);
    }

    private void use(RuleSet next) {
        rules = Objects.requireNonNull(next, "rules");
        engine = new Engine(next);
        store.useRules(engine);
    }

    /** The rule set being evaluated. */
    public RuleSet ruleSet() {
        return rules;
    }

    /**
     * Runs one decoded message through validate, advance time, evaluate, alert state, decide and
     * route.
     *
     * @param check the adapter's own validation ({@link RecordCheck#NONE} for none)
     */
    public void accept(DecodeResult result, RecordCheck check) {
        if (result instanceof DecodeResult.Rejected r) {
            sink.rejected(r.rejection());
            return;
        }
        TelemetryRecord record = ((DecodeResult.Decoded) result).record();
        Optional<RejectReason> reason = check.rejectReason(record);
        if (reason.isEmpty()) {
            reason = rules.rejectReason(record);
        }
        if (reason.isPresent()) {
            sink.rejected(new Rejection(record.position(), reason.get(), RawText.of(record)));
            return;
        }
        sink.accepted(record);
        evaluate(record);
    }

    private void evaluate(TelemetryRecord record) {
        String runId = record.runId();
        boolean timed = record.hasTimestamp();
        if (timed && eventTime == EventTime.SHARED) {
            advance(record.eventTime(), PipelineSink.Cause.EVENT_TIME);
        }
        RunState run = store.load(runId);
        Step silence = Step.EMPTY;
        Step step;
        try {
            if (timed && eventTime == EventTime.PER_RUN) {
                silence = engine.advanceTime(run, record.eventTime());
            }
            step = engine.process(run, record);
            store.save(run);
        } catch (RuntimeException e) {
            store.abandon(runId);
            throw e;
        }
        route(runId, silence, PipelineSink.Cause.EVENT_TIME);
        route(runId, step, PipelineSink.Cause.RECORD);
    }

    /**
     * Advances every run's clock to {@code now}, firing the absence rules whose silence has lasted
     * long enough (the daemon calls it on its wall clock). Cheap when the rule set has none.
     */
    public void advanceTo(long now) {
        advance(now, PipelineSink.Cause.CLOCK);
    }

    private void advance(long now, PipelineSink.Cause cause) {
        if (!engine.hasAbsenceRules()) {
            return;
        }
        List<Due> due = store.due(now);
        int i = 0;
        while (i < due.size()) {
            // The consecutive firings of one run make one step, saved once.
            RunState run = due.get(i).run();
            Step step = Step.EMPTY;
            for (; i < due.size() && due.get(i).run() == run; i++) {
                step = step.then(engine.advanceTime(run, due.get(i).rule(), now));
            }
            if (!step.isEmpty()) {
                store.save(run);
                route(run.runId(), step, cause);
            }
        }
    }

    /**
     * Takes up a reloaded rule set (or the current one again, e.g. after a task was
     * re-initialised) and settles every run under it: the alerts of rules it no longer has are
     * closed ({@link RetiredRules}), the recommendation recomputed, and the runs that changed
     * saved before any of it is routed. Settling a settled store changes nothing, so no alert is
     * resolved twice.
     *
     * @param retired the retired rule for a stored rule fingerprint, or null when unknown
     * @param now     the clock's time (event time of the transitions)
     */
    public void switchRules(RuleSet next, Function<String, RetiredRule> retired, long now) {
        use(next);
        RetiredRules settler = new RetiredRules(next);
        List<RunState> runs = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        store.updateEach(run -> {
            boolean hadRetired = run.hasRetiredAlerts();
            Step step = settler.settle(run, retired, now);
            if (!step.isEmpty()) {
                runs.add(run);
                steps.add(step);
            }
            return hadRetired || !step.isEmpty();
        });
        for (int i = 0; i < runs.size(); i++) {
            route(runs.get(i).runId(), steps.get(i), PipelineSink.Cause.RULES_SWITCH);
        }
    }

    private void route(String runId, Step step, PipelineSink.Cause cause) {
        if (!step.isEmpty()) {
            sink.step(runId, step, cause);
        }
    }
}
