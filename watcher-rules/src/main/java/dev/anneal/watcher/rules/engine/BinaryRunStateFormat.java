package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.Evidence;
import dev.anneal.watcher.rules.model.Recommendation;
import dev.anneal.watcher.rules.model.Severity;
import dev.anneal.watcher.rules.model.SourcePosition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The compact binary form of a {@link RunState} (format version 3), which the daemon writes to
 * its state store on every record. It replaced Jackson JSON (version 1), whose decode and encode
 * took two thirds of the daemon's CPU; {@link RunStateCodec} still reads version 1, and this class
 * still reads version 2.
 *
 * <p>Layout: {@link #MAGIC}, {@link #VERSION}, the run id, then the rules whose state differs
 * from a fresh one (each as rule id and fingerprint, plain strings, and its state, which since
 * version 3 may end with the operator's acknowledgement; a rule left out decodes fresh, as a
 * rule the state never knew does), the promotion streaks by pack name, the latch, its evidence,
 * the last recommendation and its key; since version 3 the run's life and operator block
 * ({@link OperatorBytes#writeRunTail}: status and end, records, silences, command ids, audit). A
 * version-2 state decodes as an active run that no operator touched. Numbers are varints ({@link StateBytes}), doubles raw
 * IEEE bits (exact, NaN included), strings UTF-8 with back-references. Enum constants are written
 * as their index in the tables below, not their ordinal, so reordering an enum changes nothing;
 * a new constant is appended to its table.
 */
final class BinaryRunStateFormat {

    /** First byte of every binary state; JSON states start with '{'. */
    static final byte MAGIC = (byte) 0xB5;
    /** Second byte: the layout version. Bump it when the layout changes, and keep reading the old one. */
    static final byte VERSION = 3;
    /** The layout before runs had a life and operators a trail, still read. */
    static final byte VERSION_2 = 2;

    private static final AlertState[] ALERT_STATES = {
            AlertState.INACTIVE, AlertState.PENDING, AlertState.FIRING, AlertState.RESOLVED};
    private static final Action[] ACTIONS = {
            Action.PROMOTE, Action.PASS, Action.HOLD, Action.FREEZE, Action.ROLLBACK};
    private static final Severity[] SEVERITIES = {Severity.INFO, Severity.WARNING, Severity.CRITICAL};

    private static final int HAS_ALERT_ID = 1;
    private static final int HAS_STARTED_AT = 1 << 1;
    private static final int HAS_LAST_SOURCE = 1 << 2;
    private static final int HAS_LAST_VALUE = 1 << 3;
    private static final int HAS_LAST_THRESHOLD = 1 << 4;
    private static final int SEEN = 1 << 5;
    private static final int SEEN_SYNTHETIC = 1 << 6;
    /** Since version 3. */
    private static final int HAS_ACK = 1 << 7;

    private final RuleSet ruleSet;
    private final Map<String, CompiledRule> rulesById = new HashMap<>();
    private final Map<String, CompiledPromotion> promotionsByPack = new HashMap<>();

    BinaryRunStateFormat(RuleSet ruleSet) {
        this.ruleSet = ruleSet;
        for (CompiledRule rule : ruleSet.rules()) {
            rulesById.put(rule.id(), rule);
        }
        for (CompiledPack pack : ruleSet.packs()) {
            if (pack.promotion() != null) {
                promotionsByPack.put(pack.name(), pack.promotion());
            }
        }
    }

    // ---------------------------------------------------------------- encode

    byte[] encode(RunState run) {
        StateBytes.Writer w = new StateBytes.Writer();
        w.writeByte(MAGIC);
        w.writeByte(VERSION);
        w.writeString(run.runId);
        List<CompiledRule> all = ruleSet.rules();
        boolean[] fresh = new boolean[all.size()];
        int changed = 0;
        for (CompiledRule rule : all) {
            fresh[rule.index()] = isFresh(run.rules[rule.index()]);
            if (!fresh[rule.index()]) {
                changed++;
            }
        }
        w.writeVarLong(changed);
        for (CompiledRule rule : all) {
            RuleState st = run.rules[rule.index()];
            if (!fresh[rule.index()]) {
                w.writePlainString(rule.id());
                w.writePlainString(st.fingerprint);
                writeRule(w, st);
            }
        }
        w.writeVarLong(promotionsByPack.size());
        for (CompiledPack pack : ruleSet.packs()) {
            CompiledPromotion p = pack.promotion();
            if (p != null) {
                w.writeString(pack.name());
                w.writeZigZag(run.promotionStreak[p.index()]);
                w.writeStrings(run.promotionReasons[p.index()]);
            }
        }
        w.writeByte(run.latched == null ? 0 : code(ACTIONS, run.latched) + 1);
        w.writeVarLong(run.latchedEvidence.size());
        for (Evidence e : run.latchedEvidence) {
            writeEvidence(w, e);
        }
        w.writeBoolean(run.last != null);
        if (run.last != null) {
            writeRecommendation(w, run.last);
        }
        w.writeString(run.lastKey);
        OperatorBytes.writeRunTail(w, run);
        return w.toByteArray();
    }

    /** True when the rule's persisted state is exactly that of a fresh {@link RuleState}. */
    private static boolean isFresh(RuleState st) {
        if (st.state != AlertState.INACTIVE || st.alertId != null || st.startedAt != null || st.lastSource != null
                || st.matchCount != 0 || st.pendingSince != 0 || st.lastTrueTime != 0 || st.falseCount != 0
                || st.lastValue != null || st.lastThreshold != null || !st.reasons.isEmpty() || st.seen
                || st.lastSeen != 0 || st.seenSynthetic) {
            return false;
        }
        for (WindowBuffer window : st.windows) {
            if (window.size() != 0) {
                return false;
            }
        }
        return true;
    }

    private static void writeRule(StateBytes.Writer w, RuleState st) {
        w.writeByte(code(ALERT_STATES, st.state));
        int flags = (st.alertId != null ? HAS_ALERT_ID : 0) | (st.startedAt != null ? HAS_STARTED_AT : 0)
                | (st.lastSource != null ? HAS_LAST_SOURCE : 0) | (st.lastValue != null ? HAS_LAST_VALUE : 0)
                | (st.lastThreshold != null ? HAS_LAST_THRESHOLD : 0) | (st.seen ? SEEN : 0)
                | (st.seenSynthetic ? SEEN_SYNTHETIC : 0) | (st.ack != null ? HAS_ACK : 0);
        w.writeByte(flags);
        if (st.alertId != null) {
            w.writeString(st.alertId);
        }
        if (st.startedAt != null) {
            writePosition(w, st.startedAt);
        }
        if (st.lastSource != null) {
            writePosition(w, st.lastSource);
        }
        w.writeZigZag(st.matchCount);
        w.writeZigZag(st.pendingSince);
        w.writeZigZag(st.lastTrueTime);
        w.writeZigZag(st.falseCount);
        if (st.lastValue != null) {
            w.writeDouble(st.lastValue);
        }
        if (st.lastThreshold != null) {
            w.writeDouble(st.lastThreshold);
        }
        w.writeStrings(st.reasons);
        w.writeZigZag(st.lastSeen);
        w.writeVarLong(st.windows.length);
        for (WindowBuffer window : st.windows) {
            long[] times = window.times();
            double[] values = window.values();
            w.writeVarLong(values.length);
            long previous = 0;
            for (int i = 0; i < values.length; i++) {
                w.writeZigZag(times[i] - previous); // times ascend: small deltas
                previous = times[i];
                w.writeDouble(values[i]);
            }
        }
        if (st.ack != null) {
            OperatorBytes.writeAck(w, st.ack);
        }
    }

    private static void writePosition(StateBytes.Writer w, SourcePosition p) {
        w.writeString(p.source());
        w.writeVarLong(p.line());
        w.writeZigZag(p.index());
    }

    private static void writeEvidence(StateBytes.Writer w, Evidence e) {
        w.writeString(e.rule());
        w.writeString(e.alertId());
        w.writeByte(code(ACTIONS, e.action()));
        w.writeByte(code(SEVERITIES, e.severity()));
        writeNullableDouble(w, e.value());
        writeNullableDouble(w, e.threshold());
        writePosition(w, e.startedAt());
        writePosition(w, e.source());
        w.writeStrings(e.reasons());
    }

    private static void writeRecommendation(StateBytes.Writer w, Recommendation r) {
        w.writeString(r.runId());
        w.writeByte(code(ACTIONS, r.action()));
        w.writeStrings(r.reasons());
        w.writeVarLong(r.evidence().size());
        for (Evidence e : r.evidence()) {
            writeEvidence(w, e);
        }
        w.writeBoolean(r.latched());
        writePosition(w, r.source());
        w.writeZigZag(r.eventTime());
        w.writeBoolean(r.synthetic());
        w.writeString(r.ruleSetDigest());
    }

    private static void writeNullableDouble(StateBytes.Writer w, Double d) {
        w.writeBoolean(d != null);
        if (d != null) {
            w.writeDouble(d);
        }
    }

    private static <E> int code(E[] table, E value) {
        for (int i = 0; i < table.length; i++) {
            if (table[i] == value) {
                return i;
            }
        }
        throw new IllegalStateException(value + " has no code in the run state format; add it to its table");
    }

    // ---------------------------------------------------------------- decode

    /** Decodes a version-3 or version-2 state. */
    RunState decode(byte[] bytes) {
        if (bytes.length < 2 || bytes[0] != MAGIC) {
            throw new IllegalArgumentException("not a binary watcher run state");
        }
        if (bytes[1] != VERSION && bytes[1] != VERSION_2) {
            throw new IllegalArgumentException("run state version " + bytes[1] + " is not " + VERSION + " or "
                    + VERSION_2);
        }
        boolean v2 = bytes[1] == VERSION_2;
        StateBytes.Reader r = new StateBytes.Reader(bytes, 2);
        RunState run = new RunState(r.readRequiredString("run id"), ruleSet);
        int rules = r.readCount();
        for (int i = 0; i < rules; i++) {
            String id = r.readPlainString();
            String fingerprint = r.readPlainString();
            CompiledRule rule = rulesById.get(id);
            if (rule != null && rule.fingerprint().equals(fingerprint)) {
                readRule(r, run.rules[rule.index()], v2);
                continue;
            }
            // A changed or removed rule's state is read past and dropped: the rule starts fresh. A
            // pending or firing alert of it is kept aside for RetiredRules.settle to close.
            RuleState retired = new RuleState(fingerprint);
            readRule(r, retired, v2);
            if (retired.state == AlertState.PENDING || retired.state == AlertState.FIRING) {
                run.retired.add(new RunState.Retired(id, retired));
            }
        }
        int promotions = r.readCount();
        for (int i = 0; i < promotions; i++) {
            String pack = r.readRequiredString("pack name");
            int streak = r.readZigZagInt();
            List<String> reasons = r.readStrings("promotion reason");
            CompiledPromotion p = promotionsByPack.get(pack);
            if (p != null) {
                run.promotionStreak[p.index()] = streak;
                run.promotionReasons[p.index()] = reasons;
            }
        }
        int latched = r.readByte();
        run.latched = latched == 0 ? null : decodeEnum(ACTIONS, latched - 1, "action");
        int evidence = r.readCount();
        Evidence[] latchedEvidence = new Evidence[evidence];
        for (int i = 0; i < evidence; i++) {
            latchedEvidence[i] = readEvidence(r);
        }
        run.latchedEvidence = List.of(latchedEvidence);
        run.last = r.readBoolean() ? readRecommendation(r) : null;
        run.lastKey = r.readString();
        if (!v2) {
            OperatorBytes.readRunTail(r, run);
        }
        if (!r.atEnd()) {
            throw new IllegalArgumentException("run state has trailing bytes after offset " + r.position());
        }
        return run;
    }

    private static void readRule(StateBytes.Reader r, RuleState st, boolean v2) {
        st.state = decodeEnum(ALERT_STATES, r.readByte(), "alert state");
        int flags = r.readByte();
        st.alertId = (flags & HAS_ALERT_ID) != 0 ? r.readRequiredString("alert id") : null;
        st.startedAt = (flags & HAS_STARTED_AT) != 0 ? readPosition(r) : null;
        st.lastSource = (flags & HAS_LAST_SOURCE) != 0 ? readPosition(r) : null;
        st.matchCount = r.readZigZagInt();
        st.pendingSince = r.readZigZag();
        st.lastTrueTime = r.readZigZag();
        st.falseCount = r.readZigZagInt();
        st.lastValue = (flags & HAS_LAST_VALUE) != 0 ? r.readDouble() : null;
        st.lastThreshold = (flags & HAS_LAST_THRESHOLD) != 0 ? r.readDouble() : null;
        st.seen = (flags & SEEN) != 0;
        st.seenSynthetic = (flags & SEEN_SYNTHETIC) != 0;
        st.reasons = r.readStrings("reason");
        st.lastSeen = r.readZigZag();
        int windows = r.readCount();
        // As the JSON form did: windows restore only when the rule has as many (same fingerprint, so always).
        boolean restore = windows == st.windows.length;
        for (int i = 0; i < windows; i++) {
            int n = r.readCount();
            long time = 0;
            for (int j = 0; j < n; j++) {
                time += r.readZigZag();
                double value = r.readDouble();
                if (restore) {
                    st.windows[i].add(time, value);
                }
            }
        }
        if ((flags & HAS_ACK) != 0) {
            if (v2) {
                throw new IllegalArgumentException("a version-2 run state has no acknowledgements (flags " + flags
                        + ")");
            }
            st.ack = OperatorBytes.readAck(r);
        }
    }

    private static SourcePosition readPosition(StateBytes.Reader r) {
        String source = r.readRequiredString("source name");
        long line = r.readVarLong();
        int index = r.readZigZagInt();
        try {
            return new SourcePosition(source, line, index);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad source position at offset " + r.position() + ": "
                    + e.getMessage(), e);
        }
    }

    private static Evidence readEvidence(StateBytes.Reader r) {
        String rule = r.readRequiredString("evidence rule");
        String alertId = r.readRequiredString("evidence alert id");
        Action action = decodeEnum(ACTIONS, r.readByte(), "action");
        Severity severity = decodeEnum(SEVERITIES, r.readByte(), "severity");
        Double value = r.readBoolean() ? r.readDouble() : null;
        Double threshold = r.readBoolean() ? r.readDouble() : null;
        SourcePosition startedAt = readPosition(r);
        SourcePosition source = readPosition(r);
        List<String> reasons = r.readStrings("evidence reason");
        return new Evidence(rule, alertId, action, severity, value, threshold, startedAt, source, reasons);
    }

    private static Recommendation readRecommendation(StateBytes.Reader r) {
        String runId = r.readRequiredString("recommendation run id");
        Action action = decodeEnum(ACTIONS, r.readByte(), "action");
        List<String> reasons = r.readStrings("recommendation reason");
        int n = r.readCount();
        Evidence[] evidence = new Evidence[n];
        for (int i = 0; i < n; i++) {
            evidence[i] = readEvidence(r);
        }
        boolean latched = r.readBoolean();
        SourcePosition source = readPosition(r);
        long eventTime = r.readZigZag();
        boolean synthetic = r.readBoolean();
        String digest = r.readRequiredString("rule set digest");
        return new Recommendation(runId, action, reasons, List.of(evidence), latched, source, eventTime, synthetic,
                digest);
    }

    private static <E> E decodeEnum(E[] table, int code, String what) {
        if (code < 0 || code >= table.length) {
            throw new IllegalArgumentException("unknown " + what + " code " + code + " in run state");
        }
        return table[code];
    }

    /** True when {@code bytes} start like a binary state (for {@link RunStateCodec}'s dispatch). */
    static boolean isBinary(byte[] bytes) {
        return bytes.length > 0 && bytes[0] == MAGIC;
    }
}
