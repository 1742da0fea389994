package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.model.Ack;
import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.CommandOutcome;
import dev.anneal.watcher.rules.model.CommandType;
import dev.anneal.watcher.rules.model.OperatorCommand;
import dev.anneal.watcher.rules.model.RunStatus;
import dev.anneal.watcher.rules.model.Silence;
import dev.anneal.watcher.rules.model.SilenceMatcher;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The binary form of a run's life and of what operators leave in state: the block that version 3
 * of {@link BinaryRunStateFormat} appends to a run (status, end, records, silences, command ids,
 * audit records), acknowledgements (per rule) and the silences of {@link TaskSilences}. Enum
 * constants are written as their index in the tables below, never their ordinal; a new constant
 * is appended to its table.
 */
final class OperatorBytes {

    private static final CommandType[] COMMAND_TYPES = {
            CommandType.CLEAR, CommandType.ACK, CommandType.SILENCE, CommandType.UNSILENCE, CommandType.END};
    private static final CommandOutcome[] OUTCOMES = {
            CommandOutcome.APPLIED, CommandOutcome.REFUSED, CommandOutcome.DUPLICATE};

    private static final RunStatus[] STATUSES = {RunStatus.ACTIVE, RunStatus.ENDED};

    private static final int TIMED = 1;
    private static final int LAST_SYNTHETIC = 1 << 1;

    private OperatorBytes() {
    }

    /** The run's life and operator block (format version 3). */
    static void writeRunTail(StateBytes.Writer w, RunState run) {
        w.writeByte(code(STATUSES, run.status));
        if (run.status == RunStatus.ENDED) {
            w.writeZigZag(run.endedAt);
            w.writeString(run.endReason);
        }
        w.writeByte((run.timed ? TIMED : 0) | (run.lastSynthetic ? LAST_SYNTHETIC : 0));
        if (run.timed) {
            w.writeZigZag(run.lastRecordAt);
        }
        w.writeVarLong(run.records);
        w.writeVarLong(run.silences.size());
        for (Silence s : run.silences) {
            writeSilence(w, s);
        }
        w.writeVarLong(run.commandIds.size());
        for (String id : run.commandIds) {
            w.writeString(id);
        }
        w.writeVarLong(run.audit.size());
        for (AuditRecord a : run.audit) {
            writeAudit(w, a);
        }
    }

    /** Reads what {@link #writeRunTail} wrote into {@code run}. */
    static void readRunTail(StateBytes.Reader r, RunState run) {
        run.status = decode(STATUSES, r.readByte(), "run status");
        if (run.status == RunStatus.ENDED) {
            run.endedAt = r.readZigZag();
            run.endReason = r.readRequiredString("end reason");
        }
        int flags = r.readByte();
        run.timed = (flags & TIMED) != 0;
        run.lastSynthetic = (flags & LAST_SYNTHETIC) != 0;
        if (run.timed) {
            run.lastRecordAt = r.readZigZag();
        }
        run.records = r.readVarLong();
        int silences = r.readCount();
        for (int i = 0; i < silences; i++) {
            run.silences.add(readSilence(r));
        }
        int ids = r.readCount();
        for (int i = 0; i < ids; i++) {
            run.commandIds.add(r.readRequiredString("command id"));
        }
        int audit = r.readCount();
        for (int i = 0; i < audit; i++) {
            run.audit.addLast(readAudit(r));
        }
    }

    static void writeAck(StateBytes.Writer w, Ack a) {
        w.writeString(a.commandId());
        w.writeString(a.actor());
        w.writeString(a.reason());
        w.writeZigZag(a.at());
    }

    static Ack readAck(StateBytes.Reader r) {
        return new Ack(r.readRequiredString("ack command id"), r.readRequiredString("ack actor"),
                r.readRequiredString("ack reason"), r.readZigZag());
    }

    static void writeSilence(StateBytes.Writer w, Silence s) {
        w.writeString(s.id());
        writeMatcher(w, s.matcher());
        w.writeZigZag(s.until());
        w.writeString(s.actor());
        w.writeString(s.reason());
    }

    static Silence readSilence(StateBytes.Reader r) {
        return new Silence(r.readRequiredString("silence id"), readMatcher(r), r.readZigZag(),
                r.readRequiredString("silence actor"), r.readRequiredString("silence reason"));
    }

    private static void writeMatcher(StateBytes.Writer w, SilenceMatcher m) {
        w.writeString(m.rule());
        w.writeVarLong(m.labels().size());
        for (Map.Entry<String, String> e : m.labels().entrySet()) {
            w.writeString(e.getKey());
            w.writeString(e.getValue());
        }
    }

    private static SilenceMatcher readMatcher(StateBytes.Reader r) {
        String rule = r.readString();
        int n = r.readCount();
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            labels.put(r.readRequiredString("label name"), r.readRequiredString("label value"));
        }
        return new SilenceMatcher(rule, labels);
    }

    static void writeAudit(StateBytes.Writer w, AuditRecord a) {
        OperatorCommand c = a.command();
        w.writeString(c.commandId());
        w.writeByte(code(COMMAND_TYPES, c.type()));
        w.writeString(c.runId());
        w.writeString(c.actor());
        w.writeString(c.reason());
        w.writeZigZag(c.issuedAt());
        w.writeString(c.rule());
        w.writeBoolean(c.silence() != null);
        if (c.silence() != null) {
            writeMatcher(w, c.silence());
        }
        w.writeZigZag(c.silenceMillis());
        w.writeString(c.silenceId());
        w.writeBoolean(c.synthetic());
        w.writeByte(code(OUTCOMES, a.outcome()));
        w.writeString(a.detail());
        w.writeZigZag(a.appliedAt());
        w.writeVarLong(a.runRecords());
        w.writeString(a.ruleSetDigest());
    }

    static AuditRecord readAudit(StateBytes.Reader r) {
        String id = r.readRequiredString("command id");
        CommandType type = decode(COMMAND_TYPES, r.readByte(), "command type");
        String runId = r.readRequiredString("command run id");
        String actor = r.readRequiredString("command actor");
        String reason = r.readRequiredString("command reason");
        long issuedAt = r.readZigZag();
        String rule = r.readString();
        SilenceMatcher matcher = r.readBoolean() ? readMatcher(r) : null;
        long silenceMillis = r.readZigZag();
        String silenceId = r.readString();
        boolean synthetic = r.readBoolean();
        OperatorCommand command;
        try {
            command = new OperatorCommand(id, type, runId, actor, reason, issuedAt, rule, matcher, silenceMillis,
                    silenceId, synthetic);
        } catch (NullPointerException e) {
            throw new IllegalArgumentException("bad command in state: " + e.getMessage(), e);
        }
        CommandOutcome outcome = decode(OUTCOMES, r.readByte(), "command outcome");
        return new AuditRecord(command, outcome, r.readRequiredString("audit detail"), r.readZigZag(),
                r.readVarLong(), r.readRequiredString("audit rule set"));
    }

    private static <E> int code(E[] table, E value) {
        for (int i = 0; i < table.length; i++) {
            if (table[i] == value) {
                return i;
            }
        }
        throw new IllegalStateException(value + " has no code in the state format; add it to its table");
    }

    private static <E> E decode(E[] table, int code, String what) {
        if (code < 0 || code >= table.length) {
            throw new IllegalArgumentException("unknown " + what + " code " + code + " in state");
        }
        return table[code];
    }
}
