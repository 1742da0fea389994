package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.EngineHarness;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.CommandType;
import dev.anneal.watcher.rules.model.OperatorCommand;
import dev.anneal.watcher.rules.model.Recommendation;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.RunStatus;
import dev.anneal.watcher.rules.model.SilenceMatcher;
import dev.anneal.watcher.rules.model.SourcePosition;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Drives one run through the engine's stages as {@code RecordPipeline} does (run lifecycle around
 * each record, absence rules then the lifecycle at each clock advance, operator commands), from
 * a line of tokens, and describes each step in a few words, for the tables of
 * {@link RunLifecycleTest} and {@link OperatorCommandsTest}.
 *
 * <p>Tokens ({@code M} is a minute after {@link #T0}): {@code r@M} a PPO record with loss 1,
 * {@code w@M} loss 4, {@code b@M} loss 9, {@code u} an untimed PPO record, {@code s@M} a passing
 * rehearsal summary, {@code f@M} a failing one, {@code e@M} a {@code run_end}, {@code a@M} a clock
 * advance; commands, applied at the latest time seen: {@code clear}, {@code end},
 * {@code ack:RULE}, {@code silence:RULE:MINUTES} (issued now), {@code silence:RULE:MINUTES:AGO}
 * (issued AGO minutes before now), {@code unsilence:ID}, {@code dup} (the previous command again).
 * Commands get ids {@code c1}, {@code c2}, ... in order.
 */
final class LifeDriver {

    static final long T0 = 1_700_000_000_000L;
    static final long MINUTE = 60_000L;

    /** Rules of every kind of thing that can happen to a run. */
    static final String PACK = """
            pack: life
            rules:
              - id: loss_high
                select: {kinds: [ppo]}
                condition: loss_total > 5
                action: FREEZE
              - id: loss_warn
                select: {kinds: [ppo]}
                condition: loss_total > 3
                for: 2
                action: HOLD
              - id: ppo_silent
                select: {kinds: [ppo]}
                absent: 30m
                action: HOLD
              - id: rehearsal_bad
                select: {kinds: [rehearsal]}
                condition: status_field == 'fail'
                action: ROLLBACK
            """;

    private final Engine engine;
    private final RunLifecycle lifecycle;
    private final OperatorCommands commands;
    private final RunState run;
    private final List<String> described = new ArrayList<>();
    private final List<AuditRecord> audit = new ArrayList<>();
    private final List<AlertEvent> alerts = new ArrayList<>();
    private long line;
    private long now = T0;
    private int commandCount;
    private OperatorCommand previous;

    /** A run under the pack above; the run ends after 60 minutes idle and expires 120 minutes after it ended. */
    LifeDriver() throws Exception {
        this(new TaskSilences());
    }

    LifeDriver(TaskSilences silences) throws Exception {
        engine = new Engine(EngineHarness.compile(PACK), silences);
        lifecycle = new RunLifecycle(engine, new RunLifecycle.Policy(60 * MINUTE, 120 * MINUTE));
        commands = new OperatorCommands(lifecycle);
        run = engine.newRun("run-1");
    }

    /** Runs every token, and returns each step's description, space-separated. */
    String drive(String tokens) {
        for (String token : tokens.split(" ")) {
            RunStatus before = run.status();
            Step step = step(token);
            described.add(describe(step, before));
        }
        return String.join(" ", described);
    }

    RunState run() {
        return run;
    }

    List<AuditRecord> audit() {
        return audit;
    }

    List<AlertEvent> alerts() {
        return alerts;
    }

    OperatorCommands commands() {
        return commands;
    }

    Engine engine() {
        return engine;
    }

    private Step step(String token) {
        String[] at = token.split("@");
        if (at.length == 2) {
            now = Math.max(now, T0 + Long.parseLong(at[1]) * MINUTE);
            long t = T0 + Long.parseLong(at[1]) * MINUTE;
            return switch (at[0]) {
                case "r" -> record(RecordKind.PPO, t, true, "loss_total", 1.0);
                case "w" -> record(RecordKind.PPO, t, true, "loss_total", 4.0);
                case "b" -> record(RecordKind.PPO, t, true, "loss_total", 9.0);
                case "s" -> record(RecordKind.REHEARSAL, t, true, "status_field", "pass");
                case "f" -> record(RecordKind.REHEARSAL, t, true, "status_field", "fail");
                case "e" -> record(RecordKind.RUN_END, t, true);
                case "a" -> advance(t);
                default -> throw new IllegalArgumentException(token);
            };
        }
        if (token.equals("u")) {
            return record(RecordKind.PPO, line, false, "loss_total", 1.0);
        }
        return command(token);
    }

    private Step record(RecordKind kind, long t, boolean timed, Object... keyValues) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            fields.put((String) keyValues[i], keyValues[i + 1]);
        }
        TelemetryRecord record = new TelemetryRecord(run.runId(), kind, SourcePosition.line("t.jsonl", ++line), t,
                timed, false, fields);
        Step silence = timed ? engine.advanceTime(run, t) : Step.EMPTY;
        lifecycle.beforeRecord(run, record);
        return silence.then(engine.process(run, record)).then(lifecycle.afterRecord(run, record));
    }

    private Step advance(long t) {
        Step step = engine.advanceTime(run, t);
        RunLifecycle.Advanced advanced = lifecycle.advance(run, t);
        return advanced.expired() ? new Step(List.of(), List.of(), List.of(new RuleError("-",
                SourcePosition.line("expired", 1), "expired"))) : step.then(advanced.step());
    }

    private Step command(String token) {
        String[] p = token.split(":");
        OperatorCommand c;
        if (p[0].equals("dup")) {
            c = previous;
        } else {
            String id = "c" + ++commandCount;
            c = switch (p[0]) {
                case "clear" -> new OperatorCommand(id, CommandType.CLEAR, run.runId(), "alice", "why", now, null, null,
                        0, null, false);
                case "end" -> new OperatorCommand(id, CommandType.END, run.runId(), "alice", "done", now, null, null,
                        0, null, false);
                case "ack" -> new OperatorCommand(id, CommandType.ACK, run.runId(), "alice", "on it", now, p[1], null,
                        0, null, false);
                case "silence" -> new OperatorCommand(id, CommandType.SILENCE, run.runId(), "bob", "known",
                        now - (p.length > 3 ? Long.parseLong(p[3]) * MINUTE : 0), null,
                        new SilenceMatcher(p[1], Map.of()), Long.parseLong(p[2]) * MINUTE, null, false);
                case "unsilence" -> new OperatorCommand(id, CommandType.UNSILENCE, run.runId(), "bob", "fixed", now,
                        null, null, 0, p[1], false);
                default -> throw new IllegalArgumentException(token);
            };
        }
        previous = c;
        return commands.apply(run, c, now);
    }

    /**
     * A step as {@code rule:state[+ack][+silenced]}..., {@code ->ACTION(!)}, the audit outcome,
     * then {@code ended} / {@code active} when the run's status changed, {@code expired} when it
     * expired; {@code -} when nothing happened.
     */
    private String describe(Step step, RunStatus before) {
        alerts.addAll(step.alerts());
        audit.addAll(step.audit());
        List<String> parts = new ArrayList<>();
        for (AlertEvent a : step.alerts()) {
            parts.add(a.rule() + ":" + a.state().id() + (a.acked() != null ? "+ack" : "")
                    + (a.silenced() != null ? "+silenced" : ""));
        }
        for (Recommendation r : step.recommendations()) {
            parts.add("->" + r.action().name() + (r.latched() ? "!" : ""));
        }
        for (AuditRecord a : step.audit()) {
            parts.add(a.outcome().id());
        }
        if (step.errors().stream().anyMatch(e -> e.message().equals("expired"))) {
            parts.add("expired");
        } else if (run.status() != before) {
            parts.add(run.status().id());
        }
        return parts.isEmpty() ? "-" : parts.stream().collect(Collectors.joining(","));
    }
}
