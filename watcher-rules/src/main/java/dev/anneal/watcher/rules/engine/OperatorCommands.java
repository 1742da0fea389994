package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.model.Ack;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.CommandOutcome;
import dev.anneal.watcher.rules.model.CommandType;
import dev.anneal.watcher.rules.model.OperatorCommand;
import dev.anneal.watcher.rules.model.Recommendation;
import dev.anneal.watcher.rules.model.RunStatus;
import dev.anneal.watcher.rules.model.Silence;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The "operator commands" stage: applies an {@link OperatorCommand} to a run's state and says
 * what came of it, as a {@link Step} holding the alert events it caused, the recommendation
 * change (if any) and exactly one {@link AuditRecord}. The rules, each refused with a reason
 * (outcome {@code refused}) when it cannot take effect:
 *
 * <ol>
 *   <li>A command names a run this state knows (one with a record accepted and not expired);
 *       otherwise it is refused. A command id already applied to the run (the last
 *       {@value RunState#MAX_COMMAND_IDS} are remembered) is answered {@code duplicate} and not
 *       applied again.</li>
 *   <li>{@code clear} releases a FREEZE/ROLLBACK latch and recomputes the recommendation from the
 *       alerts firing now. Refused when nothing is latched, or when a firing alert (not silenced)
 *       still demands the latched action or a higher one: the refusal names it.</li>
 *   <li>{@code ack} marks the firing alert of its rule acknowledged (who, why, when) and
 *       re-publishes it with the mark; refused when the rule has no firing alert. The mark ends
 *       when the alert resolves.</li>
 *   <li>{@code silence} adds a silence to the run: the firing alerts it matches are re-published
 *       marked, and the recommendation is recomputed without them. Refused when it would already
 *       have ended ({@code issued_at + duration} not after now).</li>
 *   <li>{@code unsilence} removes the run's silence with that id (the alerts it covered are
 *       re-published, the recommendation recomputed); refused when the run has none.</li>
 *   <li>{@code end} ends the run ({@link RunLifecycle}: open alerts resolve with
 *       {@code resolved_by = "run ended: operator ACTOR: REASON"}); refused when it already ended.</li>
 * </ol>
 *
 * A silence or unsilence of every run ({@code run_id "*"}) changes the {@link TaskSilences}
 * instead ({@link #applyToAll}); the caller then re-settles each run ({@link #silencesChanged}).
 * The audit record's {@code appliedAt} is {@code now} (event time), its {@code runRecords} the
 * run's accepted records. Every audit record, whatever its outcome, is kept in the run (the last
 * {@value RunState#MAX_AUDIT}); only applied commands' ids are remembered. Single-threaded.
 */
public final class OperatorCommands {

    /**
     * What a command for every run did to the task's silences.
     *
     * @param step    its audit record
     * @param changed the silences added or removed: every run's alerts they match must be re-settled
     */
    public record AllRuns(Step step, List<Silence> changed) {
    }

    private record Outcome(CommandOutcome outcome, String detail) {
        static Outcome applied(String detail) {
            return new Outcome(CommandOutcome.APPLIED, detail);
        }

        static Outcome refused(String detail) {
            return new Outcome(CommandOutcome.REFUSED, detail);
        }
    }

    private final RunLifecycle lifecycle;
    private final Engine engine;

    /** Commands applied under {@code lifecycle}'s engine and its silences of every run. */
    public OperatorCommands(RunLifecycle lifecycle) {
        this.lifecycle = lifecycle;
        this.engine = lifecycle.engine();
    }

    /**
     * Applies a command for one run.
     *
     * @param run the run's state, or null when there is none (the command is refused)
     * @param now event time: the record's, the clock's
     * @throws IllegalArgumentException for a command of every run (see {@link #applyToAll})
     */
    public Step apply(RunState run, OperatorCommand command, long now) {
        if (command.allRuns()) {
            throw new IllegalArgumentException("a command for every run changes the task's silences: applyToAll");
        }
        StepBuilder out = new StepBuilder();
        if (run == null) {
            out.audit.add(audit(command, Outcome.refused("run " + command.runId() + " is not known here: no record "
                    + "of it was accepted, or it expired"), now, 0));
            return out.build();
        }
        if (!run.runId.equals(command.runId())) {
            throw new IllegalArgumentException("command for run " + command.runId() + " given state of run " + run.runId);
        }
        Outcome outcome;
        if (run.commandIds.contains(command.commandId())) {
            outcome = new Outcome(CommandOutcome.DUPLICATE, "command " + command.commandId()
                    + " was already applied to run " + run.runId + "; not applied again");
        } else {
            outcome = switch (command.type()) {
                case CLEAR -> clear(run, now, command.synthetic(), out);
                case ACK -> ack(run, command, now, out);
                case SILENCE -> silence(run, command, now, out);
                case UNSILENCE -> unsilence(run, command, now, out);
                case END -> end(run, command, now, out);
            };
        }
        if (outcome.outcome() == CommandOutcome.APPLIED) {
            run.rememberCommand(command.commandId());
        }
        AuditRecord record = audit(command, outcome, now, run.records);
        run.keepAudit(record);
        out.audit.add(record);
        return out.build();
    }

    private Outcome clear(RunState run, long now, boolean synthetic, StepBuilder out) {
        Action latched = run.latched;
        if (latched == null) {
            return Outcome.refused("nothing to clear: run " + run.runId + " is not latched (recommendation "
                    + (run.last == null ? "none" : run.last.action().name()) + ")");
        }
        List<CompiledRule> demanding = engine.ladder().demanding(run, latched, now);
        if (!demanding.isEmpty()) {
            return Outcome.refused(demanding.stream()
                    .map(r -> "alert " + run.rules[r.index()].alertId + " of rule " + r.id() + " still fires and "
                            + "demands " + r.action().name())
                    .collect(Collectors.joining("; ")) + "; it must resolve first (or be silenced)");
        }
        run.latched = null;
        run.latchedEvidence = List.of();
        engine.ladder().recompute(run, now, synthetic, out);
        return Outcome.applied(latched.name() + " latch released; " + recommendationAfter(run, out));
    }

    private Outcome ack(RunState run, OperatorCommand command, long now, StepBuilder out) {
        CompiledRule rule = engine.ruleSet().rules().stream().filter(r -> r.id().equals(command.rule())).findFirst()
                .orElse(null);
        if (rule == null) {
            return Outcome.refused("rule " + command.rule() + " is not in rule set " + engine.ruleSet().digest());
        }
        RuleState st = run.rules[rule.index()];
        if (st.state != AlertState.FIRING) {
            return Outcome.refused("rule " + rule.id() + " has no firing alert in run " + run.runId + " (it is "
                    + st.state.id() + ")");
        }
        st.ack = Ack.of(command, now);
        engine.lifecycle().remark(run, rule, now, out);
        return Outcome.applied("alert " + st.alertId + " of rule " + rule.id() + " acknowledged");
    }

    private Outcome silence(RunState run, OperatorCommand command, long now, StepBuilder out) {
        Silence silence = Silence.of(command);
        if (!silence.activeAt(now)) {
            return Outcome.refused(describe(silence) + " would already have ended (issued_at + duration is not after "
                    + Instant.ofEpochMilli(now) + ")");
        }
        run.silences.add(silence);
        Step changed = lifecycle.silencesChanged(run, List.of(silence), now);
        add(out, changed);
        return Outcome.applied(describe(silence) + ": " + changed.alerts().size() + " firing alert(s) silenced; "
                + recommendationAfter(run, out));
    }

    private Outcome unsilence(RunState run, OperatorCommand command, long now, StepBuilder out) {
        for (Iterator<Silence> it = run.silences.iterator(); it.hasNext(); ) {
            Silence s = it.next();
            if (s.id().equals(command.silenceId())) {
                it.remove();
                Step changed = lifecycle.silencesChanged(run, List.of(s), now);
                add(out, changed);
                return Outcome.applied(describe(s) + " ended early: " + changed.alerts().size()
                        + " firing alert(s) no longer silenced by it; " + recommendationAfter(run, out));
            }
        }
        return Outcome.refused("run " + run.runId + " has no silence " + command.silenceId()
                + " (it ended, or it silences every run)");
    }

    private Outcome end(RunState run, OperatorCommand command, long now, StepBuilder out) {
        if (run.status == RunStatus.ENDED) {
            return Outcome.refused("run " + run.runId + " already ended at " + Instant.ofEpochMilli(run.endedAt) + " ("
                    + run.endReason + ")");
        }
        Step ended = lifecycle.end(run, RunLifecycle.ENDED + "operator " + command.actor() + ": " + command.reason(),
                null, now, null);
        add(out, ended);
        return Outcome.applied("run ended; " + ended.alerts().size() + " open alert(s) resolved; recommendation stays "
                + (run.last == null ? "none" : run.last.action().name() + (run.last.latched() ? " (latched)" : "")));
    }

    /**
     * Applies a {@code silence} or {@code unsilence} of every run to the task's silences. The
     * caller re-settles every run against {@link AllRuns#changed} ({@link #silencesChanged}).
     * Its audit record has {@code runRecords} 0: it belongs to no run.
     */
    public AllRuns applyToAll(OperatorCommand command, long now) {
        if (!command.allRuns()) {
            throw new IllegalArgumentException("command " + command.commandId() + " is for run " + command.runId());
        }
        TaskSilences task = engine.silences();
        Outcome outcome;
        List<Silence> changed = List.of();
        if (task.applied(command.commandId())) {
            outcome = new Outcome(CommandOutcome.DUPLICATE, "command " + command.commandId()
                    + " was already applied to every run; not applied again");
        } else if (command.type() == CommandType.SILENCE) {
            Silence silence = Silence.of(command);
            if (silence.activeAt(now)) {
                task.add(silence);
                changed = List.of(silence);
                outcome = Outcome.applied(describe(silence) + " of every run");
            } else {
                outcome = Outcome.refused(describe(silence) + " would already have ended (issued_at + duration is "
                        + "not after " + Instant.ofEpochMilli(now) + ")");
            }
        } else {
            Silence removed = task.remove(command.silenceId(), command.commandId());
            if (removed != null) {
                changed = List.of(removed);
                outcome = Outcome.applied(describe(removed) + " of every run ended early");
            } else {
                outcome = Outcome.refused("no silence " + command.silenceId() + " covers every run (it ended, or it"
                        + " silences one run)");
            }
        }
        StepBuilder out = new StepBuilder();
        out.audit.add(audit(command, outcome, now, 0));
        return new AllRuns(out.build(), changed);
    }

    /**
     * Re-settles a run after silences of every run changed (added, removed, or ended at their
     * deadline): its firing alerts they match are re-published, its recommendation recomputed.
     */
    public Step silencesChanged(RunState run, List<Silence> changed, long now) {
        return lifecycle.silencesChanged(run, changed, now);
    }

    private AuditRecord audit(OperatorCommand command, Outcome outcome, long now, long records) {
        return new AuditRecord(command, outcome.outcome(), outcome.detail(), now, records, engine.ruleSet().digest());
    }

    /** "recommendation now X" when this step changed it, else "recommendation stays X". */
    private static String recommendationAfter(RunState run, StepBuilder out) {
        Recommendation r = run.last;
        String action = r == null ? "none" : r.action().name() + (r.latched() ? " (latched)" : "");
        return (out.recommendations.isEmpty() ? "recommendation stays " : "recommendation now ") + action;
    }

    private static String describe(Silence s) {
        StringBuilder sb = new StringBuilder("silence ").append(s.id()).append(" (");
        if (s.matcher().rule() != null) {
            sb.append("rule ").append(s.matcher().rule());
        }
        if (!s.matcher().labels().isEmpty()) {
            sb.append(s.matcher().rule() != null ? ", " : "").append("labels ").append(s.matcher().labels());
        }
        if (s.matcher().rule() == null && s.matcher().labels().isEmpty()) {
            sb.append("every alert");
        }
        return sb.append(") until ").append(Instant.ofEpochMilli(s.until())).toString();
    }

    private static void add(StepBuilder out, Step step) {
        out.alerts.addAll(step.alerts());
        out.recommendations.addAll(step.recommendations());
        out.errors.addAll(step.errors());
    }
}
