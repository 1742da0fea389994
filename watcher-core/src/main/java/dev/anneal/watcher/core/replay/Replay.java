package dev.anneal.watcher.core.replay;

import dev.anneal.watcher.core.decode.Ordinal;
import dev.anneal.watcher.core.decode.Rejection;
import dev.anneal.watcher.core.decode.TelemetryDecoder;
import dev.anneal.watcher.core.pipeline.EventTime;
import dev.anneal.watcher.core.pipeline.InMemoryRunStore;
import dev.anneal.watcher.core.pipeline.PipelineSink;
import dev.anneal.watcher.core.pipeline.RecordCheck;
import dev.anneal.watcher.core.pipeline.RecordPipeline;
import dev.anneal.watcher.rules.engine.CompiledPack;
import dev.anneal.watcher.rules.engine.RuleError;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.engine.Step;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.Recommendation;
import dev.anneal.watcher.rules.model.RejectReason;
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
 * into the summary and the overall decision.
 *
 * <p>Single-threaded; one instance per replay. Nothing here reads the wall clock.
 */
public final class Replay {

    private final RuleSet rules;
    private final ReplayOptions options;
    private final ReplayListener listener;
    private final RecordPipeline pipeline;
    private final TelemetryDecoder decoder = new TelemetryDecoder();
    private final Ordinal ordinal = new Ordinal();
    private final Map<String, RunTally> runs = new TreeMap<>();
    private final List<Rejection> rejections = new ArrayList<>();
    private final Map<String, RuleErrorSummary> ruleErrors = new TreeMap<>();
    private long accepted;
    /** Under {@code --strict}, the first rejection of the current {@link #replay} call. */
    private StrictRejectionException strictFailure;

    public Replay(RuleSet rules, ReplayOptions options, ReplayListener listener) {
        this.rules = rules;
        this.options = options;
        this.listener = listener;
        this.pipeline = new RecordPipeline(rules, new InMemoryRunStore(), EventTime.SHARED, new Outputs());
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
        decoder.decode(sourceName, in, options.decode(), defaultRunId, ordinal, result -> {
            if (strictFailure == null) {
                pipeline.accept(result, RecordCheck.NONE);
            }
        });
        if (strictFailure != null) {
            throw strictFailure;
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
        }
    }

    /**
     * Ends the replay and returns its summary. A replay that accepted no record at all (an empty
     * input, or every record rejected) decides HOLD: nothing could be evaluated, and a CI gate
     * must not pass what it could not check.
     */
    public ReplayResult finish() {
        List<RunSummary> summaries = new ArrayList<>();
        Action overall = null;
        for (RunTally t : runs.values()) {
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
                new ArrayList<>(ruleErrors.values()), rules.digest(), packs, rules.params());
    }

    /** Per-run tally: the verdict-setting recommendation, the last one and the alerts. */
    private static final class RunTally {
        final String runId;
        Recommendation highest;
        Recommendation last;
        final Map<String, AlertSummary> alerts = new LinkedHashMap<>();

        RunTally(String runId) {
            this.runId = runId;
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
                    new ArrayList<>(alerts.values()));
        }
    }
}
