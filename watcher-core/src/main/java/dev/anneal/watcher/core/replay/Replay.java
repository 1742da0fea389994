package dev.anneal.watcher.core.replay;

import dev.anneal.watcher.core.decode.Ordinal;
import dev.anneal.watcher.core.decode.Rejection;
import dev.anneal.watcher.core.decode.TelemetryDecoder;
import dev.anneal.watcher.core.pipeline.EventTime;
import dev.anneal.watcher.core.pipeline.InMemoryRunStore;
import dev.anneal.watcher.core.pipeline.PipelineSink;
import dev.anneal.watcher.core.pipeline.RecordCheck;
import dev.anneal.watcher.core.pipeline.RecordPipeline;
import dev.anneal.watcher.core.pipeline.TaskSilenceStore;
import dev.anneal.watcher.rules.engine.CompiledPack;
import dev.anneal.watcher.rules.engine.RuleError;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.engine.RunState;
import dev.anneal.watcher.rules.engine.Step;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.OperatorCommand;
import dev.anneal.watcher.rules.model.Recommendation;
import dev.anneal.watcher.rules.model.RunStatus;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Replays recorded telemetry: the CI adapter of the {@link RecordPipeline} (whose class comment
 * describes the stages). {@link #replay} decodes an input stream with the {@link TelemetryDecoder}
 * and feeds the pipeline, which keeps every run in an {@link InMemoryRunStore} and advances all
 * runs on the records' event time ({@link EventTime#SHARED}); what it routes goes to the
 * {@link ReplayListener} as it happens and into the per-run tallies that {@link #finish} turns
 * into the summary and the overall decision. Runs end and expire as in the daemon, on event time
 * ({@link ReplayOptions#lifecycle}); an expired run leaves the store but stays in the summary,
 * with its verdict and final state.
 *
 * <p>Recorded operator commands ({@link #commands}, {@code replay --commands}) are applied where
 * the daemon applied them, right after the run's N-th accepted record, at that record's event
 * time; their audit records go to the listener and into the summary.
 *
 * <p>Single-threaded; one instance per replay. Nothing here reads the wall clock.
 */
public final class Replay {

    private final RuleSet rules;
    private final ReplayOptions options;
    private final ReplayListener listener;
    private final RecordPipeline pipeline;
    private final InMemoryRunStore store = new InMemoryRunStore();
    private final TelemetryDecoder decoder = new TelemetryDecoder();
    private final Ordinal ordinal = new Ordinal();
    private final Map<String, RunTally> runs = new TreeMap<>();
    private final List<Rejection> rejections = new ArrayList<>();
    private final Map<String, RuleErrorSummary> ruleErrors = new TreeMap<>();
    private final List<AuditRecord> audit = new ArrayList<>();
    private long accepted;
    /** Under {@code --strict}, the first rejection of the current {@link #replay} call. */
    private StrictRejectionException strictFailure;
    private CommandSchedule commands = CommandSchedule.NONE;
    private boolean started;
    /** The record being evaluated (so commands due after it apply at its event time), or null. */
    private TelemetryRecord current;
    /** Event time of the latest accepted record: when commands left at the end apply. */
    private long lastEventTime;

    public Replay(RuleSet rules, ReplayOptions options, ReplayListener listener) {
        this.rules = rules;
        this.options = options;
        this.listener = listener;
        this.pipeline = new RecordPipeline(rules, store, TaskSilenceStore.inMemory(), EventTime.SHARED,
                options.lifecycle(), new Outputs());
    }

    /** The operator commands to apply (call before the first {@link #replay}). */
    public Replay commands(CommandSchedule schedule) {
        if (started) {
            throw new IllegalStateException("commands are scheduled before the first input is replayed");
        }
        this.commands = schedule;
        return this;
    }

    /**
     * Replays one input.
     *
     * @param sourceName   the input's name in positions ({@code file:line})
     * @param in           the bytes
     * @param defaultRunId run id for records without an envelope {@code run_id} when no
     *                     {@code --run-id} override is set
     * @throws StrictRejectionException under {@code --strict}, at the first rejected record
     */
    public void replay(String sourceName, InputStream in, String defaultRunId)
            throws IOException, StrictRejectionException {
        strictFailure = null;
        if (!started) {
            started = true;
            apply(commands.atStart(), 0);
        }
        decoder.decode(sourceName, in, options.decode(), defaultRunId, ordinal, result -> {
            if (strictFailure == null) {
                pipeline.accept(result, RecordCheck.NONE);
                TelemetryRecord record = current;
                if (record != null) {
                    current = null;
                    long runRecords = store.find(record.runId()).map(RunState::records).orElse(0L);
                    apply(commands.due(record.runId(), runRecords, accepted), record.eventTime());
                }
            }
        });
        if (strictFailure != null) {
            throw strictFailure;
        }
    }

    private void apply(List<OperatorCommand> due, long now) {
        for (OperatorCommand command : due) {
            pipeline.command(command, now);
        }
    }

    /** The route stage of a replay: the listener, the tallies, the counts. */
    private final class Outputs implements PipelineSink {

        @Override
        public void rejected(Rejection rejection) {
            rejections.add(rejection);
            listener.rejected(rejection);
            if (options.strict()) {
                strictFailure = new StrictRejectionException(rejection);
            }
        }

        @Override
        public void accepted(TelemetryRecord record) {
            accepted++;
            current = record;
            lastEventTime = record.eventTime();
        }

        @Override
        public void expired(RunState last) {
            RunTally tally = runs.get(last.runId());
            if (tally != null) {
                tally.end(last);
            }
        }

        @Override
        public void step(String runId, Step step, Cause cause) {
            for (AlertEvent alert : step.alerts()) {
                runs.computeIfAbsent(alert.runId(), RunTally::new).alert(alert);
                listener.alert(alert);
            }
            for (Recommendation rec : step.recommendations()) {
                runs.computeIfAbsent(rec.runId(), RunTally::new).recommend(rec);
                listener.recommendation(rec);
            }
            for (RuleError e : step.errors()) {
                ruleErrors.merge(e.rule(), new RuleErrorSummary(e.rule(), 1, e.position(), e.message()),
                        (a, b) -> new RuleErrorSummary(a.rule(), a.count() + 1, a.firstPosition(), a.firstMessage()));
            }
            for (AuditRecord a : step.audit()) {
                audit.add(a);
                listener.audit(a);
            }
        }
    }

    /**
     * Ends the replay and returns its summary. A replay that accepted no record at all (an empty
     * input, or every record rejected) decides HOLD: nothing could be evaluated, and a CI gate
     * must not pass what it could not check.
     */
    public ReplayResult finish() {
        started = true;
        apply(commands.rest(), lastEventTime);
        List<RunSummary> summaries = new ArrayList<>();
        Action overall = null;
        for (RunTally t : runs.values()) {
            store.find(t.runId).ifPresent(t::end);
            RunSummary s = t.summary();
            summaries.add(s);
            overall = overall == null ? s.decision() : Action.max(overall, s.decision());
        }
        List<String> reasons = new ArrayList<>();
        if (accepted == 0) {
            overall = Action.HOLD;
            reasons.add("no record was accepted (read " + (accepted + rejections.size()) + ", rejected "
                    + rejections.size() + "): nothing could be evaluated");
        } else {
            for (RunSummary s : summaries) {
                if (s.decision() == overall) {
                    s.reasons().forEach(r -> reasons.add(s.runId() + ": " + r));
                }
            }
        }
        List<String> packs = rules.packs().stream().map(CompiledPack::name).toList();
        return new ReplayResult(overall, reasons, summaries,
                new RecordCounts(accepted + rejections.size(), accepted, rejections.size()), rejections,
                new ArrayList<>(ruleErrors.values()), rules.digest(), packs, rules.params(), audit);
    }

    /** Per-run tally: the verdict-setting recommendation, the last one, the alerts and how the run ended. */
    private static final class RunTally {
        final String runId;
        Recommendation highest;
        Recommendation last;
        RunStatus status = RunStatus.ACTIVE;
        String endReason;
        final Map<String, AlertSummary> alerts = new LinkedHashMap<>();

        RunTally(String runId) {
            this.runId = runId;
        }

        /** The run's final state (at the end of the replay, or when it expired). */
        void end(RunState state) {
            status = state.status();
            endReason = state.endReason();
        }

        void recommend(Recommendation r) {
            last = r;
            if (highest == null || verdictRank(r.action()) > verdictRank(highest.action())) {
                highest = r;
            }
        }

        /**
         * Keeps one entry per rule (its latest episode), so a rule that flaps a million times
         * costs one entry: replay memory grows with runs and rules, never with records.
         */
        void alert(AlertEvent a) {
            AlertSummary prev = alerts.get(a.rule());
            boolean fired = a.state() == AlertState.FIRING || (prev != null && prev.fired());
            alerts.put(a.rule(), new AlertSummary(a.id(), a.rule(), a.state(), fired, a.severity(), a.action(),
                    a.value(), a.threshold(), a.startedAt(), a.source(),
                    a.annotations().getOrDefault("summary", "")));
        }

        /**
         * Alert actions reached anywhere outrank the final state; between PASS and PROMOTE the
         * latest wins, so a run that became ready at the end is PROMOTE.
         */
        private static int verdictRank(Action a) {
            return a.isAlertAction() ? a.ordinal() : -1;
        }

        RunSummary summary() {
            Recommendation decidedBy = highest.action().isAlertAction() ? highest : last;
            return new RunSummary(runId, decidedBy.action(), decidedBy.reasons(), decidedBy, last,
                    new ArrayList<>(alerts.values()), status, endReason);
        }
    }
}
