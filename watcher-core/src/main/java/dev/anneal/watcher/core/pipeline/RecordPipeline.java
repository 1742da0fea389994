package dev.anneal.watcher.core.pipeline;

import dev.anneal.watcher.core.decode.DecodeResult;
import dev.anneal.watcher.core.decode.Rejection;
import dev.anneal.watcher.rules.engine.Due;
import dev.anneal.watcher.rules.engine.Engine;
import dev.anneal.watcher.rules.engine.OperatorCommands;
import dev.anneal.watcher.rules.engine.RetiredRule;
import dev.anneal.watcher.rules.engine.RetiredRules;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.engine.RunLifecycle;
import dev.anneal.watcher.rules.engine.RunState;
import dev.anneal.watcher.rules.engine.Step;
import dev.anneal.watcher.rules.engine.TaskSilences;
import dev.anneal.watcher.rules.model.OperatorCommand;
import dev.anneal.watcher.rules.model.RejectReason;
import dev.anneal.watcher.rules.model.Silence;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
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
 *  ... ──> evaluate ─────────> alert state ────> decide ───────────────> run lifecycle ──> route
 *          Engine.process      AlertLifecycle    RecommendationLadder    RunLifecycle      PipelineSink (Replay's: listener
 *          (rules, windows,    (pending, firing, (action, latch,         (terminal record: and summary; WatcherProcessor's:
 *          promotion streak)   resolved)         promotion, silences)    the run ends)     topics, DLQ, metrics)
 *
 *  run state:    RunStore ─ InMemoryRunStore (replay) │ KeyValueRunStore (daemon: Streams store + RunStateCache)
 *  clock:        RunStore.due ─ absence rules (Engine), idle end, silence end, expiry (RunLifecycle)
 *  commands:     OperatorCommands (clear, ack, silence, unsilence, end) -> audit record; TaskSilenceStore ("*")
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
 *   <li><b>advance time</b>: what fell due before the record's event time happens first
 *       ({@link EventTime}: in replay for every run, found by {@link RunStore#due}; in the daemon
 *       only the record's own run's absence rules): absence rules that fell silent long enough
 *       fire, and ({@link RunLifecycle}) silences end, idle runs end, ended runs expire and leave
 *       the store. The daemon also advances every run on its wall clock ({@link #advanceTo}).</li>
 *   <li><b>evaluate</b>, <b>alert state</b>, <b>decide</b>: {@link Engine#process} evaluates each
 *       rule's selector, baseline, windows, band and condition on the run's state from the
 *       {@link RunStore}; the {@code AlertLifecycle} moves each rule's alert along its legal
 *       transitions (pending, firing, resolved); the {@code RecommendationLadder} decides the run's
 *       recommendation (PROMOTE, PASS, HOLD, FREEZE, ROLLBACK, latched or not; silenced alerts do
 *       not count).</li>
 *   <li><b>run lifecycle</b>: the record is counted (and re-activates an ended run unless it is
 *       terminal); a terminal record (a rehearsal summary, a {@code run_end}) then ends its run,
 *       resolving its open alerts ({@link RunLifecycle}). The run's state is then saved.</li>
 *   <li><b>route</b>: the resulting {@link Step} goes to the {@link PipelineSink}.</li>
 * </ol>
 *
 * Operator commands enter through {@link #command}: {@link OperatorCommands} applies one to its
 * run (or, for {@code "*"}, to the {@link TaskSilences} and then every run), and the step,
 * holding the command's audit record, is routed like any other. After the daemon routes an alert
 * to its topic, the notifier ({@code core.notify.Notifier}) delivers it. When rules reload,
 * {@link #switchRules} takes up the new rule set and settles every run ({@link RetiredRules}).
 * Single-threaded: one pipeline per replay, one per stream task. Nothing here reads the wall
 * clock; time comes from records or from the caller.
 */
public final class RecordPipeline {

    private final RunStore store;
    private final EventTime eventTime;
    private final PipelineSink sink;
    private final RunLifecycle.Policy policy;
    private final TaskSilenceStore silenceStore;
    private final TaskSilences silences;
    private RuleSet rules;
    private Engine engine;
    private RunLifecycle lifecycle;
    private OperatorCommands commands;

    /**
     * A pipeline with the default run lifecycle ({@link RunLifecycle.Policy#DEFAULTS}) and the
     * silences of every run kept in memory.
     *
     * @param rules     the rule set to evaluate (until {@link #switchRules})
     * @param store     where run states live
     * @param eventTime whether a record's event time advances every run or only its own
     * @param sink      where rejections and steps go
     */
    public RecordPipeline(RuleSet rules, RunStore store, EventTime eventTime, PipelineSink sink) {
        this(rules, store, TaskSilenceStore.inMemory(), eventTime, RunLifecycle.Policy.DEFAULTS, sink);
    }

    /**
     * @param rules        the rule set to evaluate (until {@link #switchRules})
     * @param store        where run states live
     * @param silenceStore where the silences of every run live (loaded now)
     * @param eventTime    whether a record's event time advances every run or only its own
     * @param policy       when idle runs end and ended runs expire
     * @param sink         where rejections and steps go
     */
    public RecordPipeline(RuleSet rules, RunStore store, TaskSilenceStore silenceStore, EventTime eventTime,
            RunLifecycle.Policy policy, PipelineSink sink) {
        this.store = Objects.requireNonNull(store, "store");
        this.eventTime = Objects.requireNonNull(eventTime, "eventTime");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.silenceStore = Objects.requireNonNull(silenceStore, "silenceStore");
        this.silences = silenceStore.load();
        use(rules);
    }

    private void use(RuleSet next) {
        rules = Objects.requireNonNull(next, "rules");
        engine = new Engine(next, silences);
        lifecycle = new RunLifecycle(engine, policy);
        commands = new OperatorCommands(lifecycle);
        store.useRules(lifecycle);
    }

    /** The rule set being evaluated. */
    public RuleSet ruleSet() {
        return rules;
    }

    /**
     * Runs one decoded message through validate, advance time, evaluate, alert state, decide, run
     * lifecycle and route.
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
            lifecycle.beforeRecord(run, record);
            step = engine.process(run, record).then(lifecycle.afterRecord(run, record));
            store.save(run);
        } catch (RuntimeException e) {
            store.abandon(runId);
            throw e;
        }
        route(runId, silence, PipelineSink.Cause.EVENT_TIME);
        route(runId, step, PipelineSink.Cause.RECORD);
    }

    /**
     * Applies an operator command at event time {@code now} (the daemon: the command record's
     * timestamp; replay: the event time of the record it follows) and routes its step, whose
     * audit list holds the command's one audit record. A command for every run changes the
     * silences of every run, which are saved, then re-settles each run the change concerns.
     */
    public void command(OperatorCommand command, long now) {
        if (command.allRuns()) {
            OperatorCommands.AllRuns applied = commands.applyToAll(command, now);
            if (!applied.changed().isEmpty()) {
                silenceStore.save(silences);
                resettle(applied.changed(), now, PipelineSink.Cause.COMMAND);
            }
            route(command.runId(), applied.step(), PipelineSink.Cause.COMMAND);
            return;
        }
        Optional<RunState> run = store.find(command.runId());
        Step step;
        try {
            step = commands.apply(run.orElse(null), command, now);
            run.ifPresent(store::save);
        } catch (RuntimeException e) {
            store.abandon(command.runId());
            throw e;
        }
        route(command.runId(), step, PipelineSink.Cause.COMMAND);
    }

    /**
     * Advances every run's clock to {@code now}: absence rules whose silence has lasted long
     * enough fire, silences end, idle runs end and ended runs expire (the daemon calls it on its
     * wall clock). Costs what is due, found through the store's deadline index.
     */
    public void advanceTo(long now) {
        advance(now, PipelineSink.Cause.CLOCK);
    }

    private void advance(long now, PipelineSink.Cause cause) {
        OptionalLong silenceEnds = silences.nextExpiry();
        if (silenceEnds.isPresent() && silenceEnds.getAsLong() <= now) {
            List<Silence> ended = silences.expire(now);
            silenceStore.save(silences);
            resettle(ended, now, cause);
        }
        List<Due> due = store.due(now);
        int i = 0;
        while (i < due.size()) {
            // The consecutive entries of one run make one step, saved once.
            RunState run = due.get(i).run();
            Step step = Step.EMPTY;
            boolean expired = false;
            for (; i < due.size() && due.get(i).run() == run; i++) {
                Due d = due.get(i);
                if (d.isAbsence()) {
                    step = step.then(engine.advanceTime(run, d.rule(), now));
                } else {
                    RunLifecycle.Advanced advanced = lifecycle.advance(run, now);
                    expired |= advanced.expired();
                    step = step.then(advanced.step());
                }
            }
            if (expired) {
                store.delete(run.runId());
                sink.expired(run);
            } else {
                store.save(run);
                route(run.runId(), step, cause);
            }
        }
    }

    /** Silences of every run changed: each run's alerts they match are re-published, recommendations recomputed. */
    private void resettle(List<Silence> changed, long now, PipelineSink.Cause cause) {
        List<RunState> runs = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        store.updateEach(run -> {
            Step step = commands.silencesChanged(run, changed, now);
            if (!step.isEmpty()) {
                runs.add(run);
                steps.add(step);
            }
            return !step.isEmpty();
        });
        for (int i = 0; i < runs.size(); i++) {
            route(runs.get(i).runId(), steps.get(i), cause);
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
        RetiredRules settler = new RetiredRules(engine);
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
