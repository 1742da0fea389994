package dev.anneal.watcher.core.pipeline;

import dev.anneal.watcher.core.decode.Rejection;
import dev.anneal.watcher.rules.engine.RunState;
import dev.anneal.watcher.rules.engine.Step;
import dev.anneal.watcher.rules.model.TelemetryRecord;

/**
 * The "route" stage of {@link RecordPipeline}: where what the pipeline produced goes. Replay's sink
 * feeds its listener and the run tallies behind the summary; the daemon's forwards to the alerts,
 * recommendations, audit, quarantine and dead-letter topics with headers, and counts metrics.
 * Called on the pipeline's thread, in input order.
 */
public interface PipelineSink {

    /** Why a step happened; a sink may route or measure them differently. */
    enum Cause {
        /** The record itself was evaluated. */
        RECORD,
        /** A record's event time found absence rules due (before evaluating the record). */
        EVENT_TIME,
        /** {@link RecordPipeline#advanceTo}: the clock moved with no record (the daemon's wall clock). */
        CLOCK,
        /** {@link RecordPipeline#switchRules}: the alerts of retired rules were settled. */
        RULES_SWITCH,
        /** {@link RecordPipeline#command}: an operator command (its step holds the audit record). */
        COMMAND
    }

    /** An input refused before evaluation: it could not be decoded, or failed validation. It goes no further. */
    void rejected(Rejection rejection);

    /** A record passed validation; its evaluation follows. */
    void accepted(TelemetryRecord record);

    /**
     * What one step produced for one run (alert transitions, a recommendation change, rule
     * errors), after the run's state was saved. Never called with an empty step.
     */
    void step(String runId, Step step, Cause cause);

    /**
     * A run expired ({@code runs.retain_ended} after it ended) and was deleted from the store;
     * {@code last} is its final state. The daemon may tombstone its recommendation; replay keeps
     * it in the summary.
     */
    void expired(RunState last);
}
