package dev.anneal.watcher.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.core.decode.DecodeResult;
import dev.anneal.watcher.core.decode.Rejection;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.engine.RunState;
import dev.anneal.watcher.rules.engine.Step;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.load.RuleSetCompiler;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.RejectReason;
import dev.anneal.watcher.rules.model.RejectionCategory;
import dev.anneal.watcher.rules.model.SourcePosition;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The stages of {@link RecordPipeline} in their order, under anneal-gates: what validation
 * rejects and in which order its checks run, and how a record's event time moves the absence
 * rules (its stale_telemetry: 10 minutes without telemetry) of every run ({@link EventTime#SHARED},
 * replay) or of its own run only ({@link EventTime#PER_RUN}, the daemon, whose other runs wait for
 * {@link RecordPipeline#advanceTo}).
 */
class RecordPipelineTest {

    private static final long T0 = 1_767_225_600_000L;
    private static final long MINUTE = 60_000L;
    private static final RuleSet RULES = annealGates();

    private static RuleSet annealGates() {
        try {
            return RuleSetCompiler.compile(List.of(BuiltinPacks.load(BuiltinPacks.DEFAULT)), Map.of());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes down what reaches the sink, one line per callback (a step as its alerts and recommendations). */
    private static final class Recorder implements PipelineSink {
        final List<String> lines = new ArrayList<>();

        @Override
        public void rejected(Rejection rejection) {
            lines.add("rejected " + rejection);
        }

        @Override
        public void accepted(TelemetryRecord record) {
            lines.add("accepted " + record.position());
        }

        @Override
        public void step(String runId, Step step, Cause cause) {
            StringBuilder line = new StringBuilder(cause + " " + runId + ":");
            step.alerts().forEach(a -> line.append(' ').append(a.rule()).append('=').append(a.state()));
            step.recommendations().forEach(r -> line.append(" -> ").append(r.action()));
            lines.add(line.toString());
        }

        @Override
        public void expired(RunState last) {
            lines.add("expired " + last.runId());
        }
    }

    private static DecodeResult health(String run, int line, long minute) {
        return new DecodeResult.Decoded(new TelemetryRecord(run, RecordKind.HEALTH, SourcePosition.line("t.jsonl", line),
                T0 + minute * MINUTE, true, false, Map.of()));
    }

    @Test
    void validationRejectsWhatCannotBeEvaluatedAndTheAdaptersCheckComesFirst() {
        Recorder sink = new Recorder();
        RecordPipeline pipeline = new RecordPipeline(RULES, new InMemoryRunStore(), EventTime.SHARED, sink);
        RecordCheck onlyRunA = r -> r.runId().equals("a") ? Optional.empty() : Optional.of(new RejectReason(RejectionCategory.OTHER, "not run a"));
        SourcePosition bad = SourcePosition.line("t.jsonl", 1);
        pipeline.accept(new DecodeResult.Rejected(new Rejection(bad, new RejectReason(RejectionCategory.INVALID_JSON, "not JSON"), "{")), onlyRunA);
        TelemetryRecord incomplete = new TelemetryRecord("a", RecordKind.PPO, SourcePosition.line("t.jsonl", 2), T0,
                true, false, Map.of("loss_total", 1.0));
        pipeline.accept(new DecodeResult.Decoded(incomplete), onlyRunA);
        TelemetryRecord otherRun = new TelemetryRecord("b", RecordKind.PPO, SourcePosition.line("t.jsonl", 3), T0,
                true, false, Map.of("loss_total", 1.0));
        pipeline.accept(new DecodeResult.Decoded(otherRun), onlyRunA);
        pipeline.accept(health("a", 4, 0), onlyRunA);
        assertThat(sink.lines).containsExactly(
                "rejected t.jsonl:1: not JSON",
                "rejected t.jsonl:2: missing keys grad_norm, kl_divergence",
                "rejected t.jsonl:3: not run a",
                "accepted t.jsonl:4",
                "RECORD a: -> PASS");
    }

    /** Run a reports at minute 0, then only run b, at minutes 5 and 11: a is silent for 11 minutes. */
    private static RecordPipeline runAQuietFromMinuteZero(EventTime eventTime, Recorder sink) {
        RecordPipeline pipeline = new RecordPipeline(RULES, new InMemoryRunStore(), eventTime, sink);
        pipeline.accept(health("a", 1, 0), RecordCheck.NONE);
        pipeline.accept(health("b", 2, 5), RecordCheck.NONE);
        pipeline.accept(health("b", 3, 11), RecordCheck.NONE);
        return pipeline;
    }

    @Test
    void sharedEventTimeFiresTheSilentRunsOfEveryRunBeforeTheRecord() {
        Recorder sink = new Recorder();
        runAQuietFromMinuteZero(EventTime.SHARED, sink);
        assertThat(sink.lines).filteredOn(l -> !l.startsWith("accepted")).containsExactly(
                "RECORD a: -> PASS",
                "RECORD b: -> PASS",
                "EVENT_TIME a: stale_telemetry=firing -> HOLD");
    }

    @Test
    void perRunEventTimeLeavesTheOtherRunsToTheClock() {
        Recorder sink = new Recorder();
        RecordPipeline pipeline = runAQuietFromMinuteZero(EventTime.PER_RUN, sink);
        pipeline.advanceTo(T0 + 14 * MINUTE);
        pipeline.advanceTo(T0 + 20 * MINUTE);
        pipeline.advanceTo(T0 + 21 * MINUTE);
        pipeline.accept(health("a", 4, 22), RecordCheck.NONE);
        assertThat(sink.lines).filteredOn(l -> !l.startsWith("accepted")).containsExactly(
                "RECORD a: -> PASS",
                "RECORD b: -> PASS",
                "CLOCK a: stale_telemetry=firing -> HOLD",
                "CLOCK b: stale_telemetry=firing -> HOLD",
                "RECORD a: stale_telemetry=resolved -> PASS");
    }
}
