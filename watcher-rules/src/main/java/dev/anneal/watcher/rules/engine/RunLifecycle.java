package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.RunStatus;
import dev.anneal.watcher.rules.model.Silence;
import dev.anneal.watcher.rules.model.SourcePosition;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import dev.anneal.watcher.rules.yaml.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The "run lifecycle" stage: a run is ACTIVE from its first record until it ends, then ENDED,
 * and after {@link Policy#retainEndedMillis} it expires (its store deletes it). The numbered rules:
 *
 * <ol>
 *   <li>A terminal record ends its run after it is evaluated ({@link #afterRecord}): a rehearsal
 *       summary (K5, K5a, and the K4 / K6 payloads, which decode to the same {@code rehearsal}
 *       record) or an explicit {@code run_end} envelope.</li>
 *   <li>An operator's {@code end} command ends it ({@link OperatorCommands}).</li>
 *   <li>It ends when it stayed idle, no accepted timestamped record, for
 *       {@link Policy#endAfterIdleMillis} ({@link #advance}: event time in replay, the wall clock in
 *       the daemon); 0 turns this off.</li>
 *   <li>Ending resolves every open alert ({@link AlertLifecycle#resolveAll}: firing ones RESOLVE,
 *       pending ones go INACTIVE) with the annotation {@code resolved_by = "run ended: ..."}; the
 *       recommendation, the verdict and any FREEZE/ROLLBACK latch stay as they were.</li>
 *   <li>An ended run's absence rules never fire ({@link Engine#deadline}).</li>
 *   <li>A record for an ended run is evaluated as usual; a non-terminal one makes the run ACTIVE
 *       again first ({@link #beforeRecord}), a terminal one ends it again (now).</li>
 *   <li>An ended run expires {@link Policy#retainEndedMillis} after it ended ({@link #advance}
 *       says so; the pipeline deletes it).</li>
 *   <li>A silence of the run that ends is dropped at its deadline, and the run's firing alerts it
 *       covered are re-published and its recommendation recomputed ({@link #silencesChanged}).</li>
 * </ol>
 *
 * Idle and expiry deadlines are real times only once the run has accepted a timestamped record
 * (a replay of files without timestamps counts records, not time), as absence rules measure
 * silence. {@link #nextDeadline} is the earliest time anything happens to a run on its own, by
 * which a store indexes runs. One per {@link Engine}; single-threaded.
 */
public final class RunLifecycle {

    /**
     * How long runs live.
     *
     * @param endAfterIdleMillis end an active run after this long without an accepted record; 0 never
     * @param retainEndedMillis  delete an ended run this long after it ended; 0 at the next clock advance
     */
    public record Policy(long endAfterIdleMillis, long retainEndedMillis) {

        /** The defaults of {@code runs.end_after_idle} (6h) and {@code runs.retain_ended} (7d). */
        public static final Policy DEFAULTS = new Policy(Duration.ofHours(6).toMillis(), Duration.ofDays(7).toMillis());

        public Policy {
            if (endAfterIdleMillis < 0 || retainEndedMillis < 0) {
                throw new IllegalArgumentException("run lifecycle durations must be >= 0, were " + endAfterIdleMillis
                        + " ms and " + retainEndedMillis + " ms");
            }
        }
    }

    /**
     * What advancing a run's clock did.
     *
     * @param step    what it produced (silences ended, idleness ended the run)
     * @param expired whether the run expired: the caller deletes it (step is then empty)
     */
    public record Advanced(Step step, boolean expired) {
    }

    /** The prefix of every end reason and {@code resolved_by} annotation of an ended run. */
    public static final String ENDED = "run ended: ";

    private final Engine engine;
    private final Policy policy;

    public RunLifecycle(Engine engine, Policy policy) {
        this.engine = engine;
        this.policy = policy;
    }

    public Engine engine() {
        return engine;
    }

    public Policy policy() {
        return policy;
    }

    /** Whether a record ends its run: a rehearsal summary or a {@code run_end}. */
    public static boolean isTerminal(TelemetryRecord record) {
        return record.kind() == RecordKind.REHEARSAL || record.kind() == RecordKind.RUN_END;
    }

    /**
     * Before an accepted record is evaluated: counts it, and a non-terminal one re-activates an
     * ended run. A record for an ended run has its recommendation decided afresh: the one kept
     * when the run ended may rest on alerts the end resolved.
     */
    public void beforeRecord(RunState run, TelemetryRecord record) {
        if (run.status == RunStatus.ENDED) {
            run.decideAfresh = true;
            if (!isTerminal(record)) {
                run.status = RunStatus.ACTIVE;
                run.endReason = null;
                run.endedAt = 0;
            }
        }
        run.records++;
        run.lastSynthetic = record.synthetic();
        if (record.hasTimestamp()) {
            run.lastRecordAt = run.timed ? Math.max(run.lastRecordAt, record.eventTime()) : record.eventTime();
            run.timed = true;
        }
    }

    /** After a record was evaluated: a terminal record ends its run. */
    public Step afterRecord(RunState run, TelemetryRecord record) {
        if (!isTerminal(record)) {
            return Step.EMPTY;
        }
        String why = ENDED + record.kind().id() + " at " + record.position();
        Object reason = record.field("reason");
        if (record.kind() == RecordKind.RUN_END && reason instanceof String text && !text.isBlank()) {
            why += " (" + text + ")";
        }
        return end(run, why, record.position(), record.eventTime(), record.synthetic());
    }

    /**
     * Ends a run (ACTIVE or already ENDED, whose end time moves to {@code now}): resolves its open
     * alerts with {@code why} as their {@code resolved_by}, keeps its recommendation and latch.
     *
     * @param why       the end reason, starting with {@link #ENDED}
     * @param source    the record that ended it, or null
     * @param synthetic the mark of what ended it, or null for each alert's own
     */
    Step end(RunState run, String why, SourcePosition source, long now, Boolean synthetic) {
        StepBuilder out = new StepBuilder();
        engine.lifecycle().resolveAll(run, why, source, now, synthetic, out);
        run.status = RunStatus.ENDED;
        run.endedAt = now;
        run.endReason = why;
        return out.build();
    }

    /**
     * The run's own deadline (absence rules aside): when it ends idle or a silence of it ends if
     * ACTIVE, when it expires if ENDED; empty when nothing is due.
     */
    public OptionalLong deadline(RunState run) {
        long at = Long.MAX_VALUE;
        if (run.status == RunStatus.ENDED) {
            if (run.timed) {
                at = plus(run.endedAt, policy.retainEndedMillis());
            }
        } else {
            if (run.timed && policy.endAfterIdleMillis() > 0) {
                at = plus(run.lastRecordAt, policy.endAfterIdleMillis());
            }
            for (Silence s : run.silences) {
                at = Math.min(at, s.until());
            }
        }
        return at == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(at);
    }

    /** The earliest time anything happens to the run on its own: {@link #deadline} or an absence rule's. */
    public OptionalLong nextDeadline(RunState run) {
        OptionalLong own = deadline(run);
        OptionalLong absence = engine.nextDeadline(run);
        if (own.isEmpty()) {
            return absence;
        }
        return absence.isEmpty() || own.getAsLong() <= absence.getAsLong() ? own : absence;
    }

    /**
     * Advances the run's clock to {@code now} (absence rules aside, which {@link Engine#advanceTime}
     * fires): an expired run is reported for deletion; an active one drops its ended silences, then
     * ends if it has been idle long enough.
     */
    public Advanced advance(RunState run, long now) {
        OptionalLong due = deadline(run);
        if (due.isEmpty() || due.getAsLong() > now) {
            return new Advanced(Step.EMPTY, false);
        }
        if (run.status == RunStatus.ENDED) {
            return new Advanced(Step.EMPTY, true);
        }
        Step step = Step.EMPTY;
        List<Silence> ended = new ArrayList<>();
        for (Iterator<Silence> it = run.silences.iterator(); it.hasNext(); ) {
            Silence s = it.next();
            if (!s.activeAt(now)) {
                ended.add(s);
                it.remove();
            }
        }
        if (!ended.isEmpty()) {
            step = silencesChanged(run, ended, now);
        }
        if (run.timed && policy.endAfterIdleMillis() > 0 && plus(run.lastRecordAt, policy.endAfterIdleMillis()) <= now) {
            // The policy's duration, not the measured one: the clock advances in steps, and the
            // reason must be the same whichever step noticed.
            step = step.then(end(run, ENDED + "idle for " + Durations.format(Duration.ofMillis(
                    policy.endAfterIdleMillis())), null, now, null));
        }
        return new Advanced(step, false);
    }

    /**
     * Silences that cover the run's alerts were added, removed or ended: the firing alerts they
     * match are re-published with their marks as they are now, and the recommendation is
     * recomputed (it changes when a silenced alert was, or now is, what set it).
     */
    Step silencesChanged(RunState run, List<Silence> changed, long now) {
        StepBuilder out = new StepBuilder();
        for (CompiledRule rule : engine.ruleSet().rules()) {
            if (run.rules[rule.index()].state != AlertState.FIRING) {
                continue;
            }
            Map<String, String> labels = AlertLifecycle.labels(rule, run);
            if (changed.stream().anyMatch(s -> s.matcher().matches(rule.id(), labels))) {
                engine.lifecycle().remark(run, rule, now, out);
            }
        }
        if (run.status == RunStatus.ACTIVE) {
            engine.ladder().recompute(run, now, run.lastSynthetic, out);
        }
        return out.build();
    }

    private static long plus(long at, long millis) {
        return at > Long.MAX_VALUE - millis ? Long.MAX_VALUE : at + millis;
    }
}
