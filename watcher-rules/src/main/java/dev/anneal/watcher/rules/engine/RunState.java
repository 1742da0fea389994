package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.Evidence;
import dev.anneal.watcher.rules.model.Recommendation;
import dev.anneal.watcher.rules.model.RunStatus;
import dev.anneal.watcher.rules.model.Silence;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;

/**
 * Everything the engine remembers about one run: per-rule lifecycle state, promotion streaks,
 * the FREEZE/ROLLBACK latch and the last recommendation published; its life ({@link RunStatus},
 * when and why it ended, its accepted records and when the latest arrived, kept by
 * {@link RunLifecycle}); and what operators did to it ({@link OperatorCommands}): its silences,
 * the ids of the commands applied to it and its latest audit records. Memory grows with runs and
 * rules, never with records: the command ids and audit records are bounded.
 */
public final class RunState {

    final String runId;
    final RuleState[] rules;
    final int[] promotionStreak;
    final List<String>[] promotionReasons;
    Action latched;
    List<Evidence> latchedEvidence = List.of();
    Recommendation last;
    String lastKey;
    /** Whether the promotion condition held at the last recommendation (not persisted: derived). */
    boolean lastPromotionHolds;

    /** How many command ids a run remembers, so that a retried command is answered {@code duplicate}. */
    static final int MAX_COMMAND_IDS = 256;
    /** How many audit records a run keeps (shown in its evidence). */
    static final int MAX_AUDIT = 20;

    RunStatus status = RunStatus.ACTIVE;
    /** When the run ended (event time; meaningful when ENDED). */
    long endedAt;
    /** Why the run ended ({@code run ended: ...}), or null while it is active. */
    String endReason;
    /** Whether the run has accepted a timestamped record: only then are its idle and expiry deadlines real times. */
    boolean timed;
    /** Event time of its latest timestamped accepted record (meaningful when {@link #timed}). */
    long lastRecordAt;
    /** Accepted records (where {@code replay --commands} applies a command again). */
    long records;
    /** Whether its latest accepted record was synthetic (a QA drill): the mark of alerts with no record of their own. */
    boolean lastSynthetic;
    /** The silences of this run, in the order they were applied (those of every run live in {@link TaskSilences}). */
    final List<Silence> silences = new ArrayList<>();
    /** The ids of the latest commands applied to this run, oldest first, at most {@link #MAX_COMMAND_IDS}. */
    final LinkedHashSet<String> commandIds = new LinkedHashSet<>();
    /** The latest audit records of this run, oldest first, at most {@link #MAX_AUDIT}. */
    final Deque<AuditRecord> audit = new ArrayDeque<>();
    /**
     * The record being evaluated found the run ended: its recommendation (kept as it was when the
     * run ended, although the run's alerts were resolved) is decided afresh at this record. Set
     * and cleared within one step, so never stored.
     */
    boolean decideAfresh;
    /**
     * The time of the lifecycle entry {@link DeadlineQueue} holds for this run, {@code Long.MAX_VALUE}
     * for none (its bookkeeping; not stored). Unlike absence deadlines, a lifecycle deadline can
     * move earlier (a silence is added), which queues an earlier entry.
     */
    long lifecycleQueuedAt = Long.MAX_VALUE;
    /**
     * Pending or firing states, found in the stored bytes, of rules this rule set no longer has
     * (removed, or changed: another fingerprint). Filled by {@link RunStateCodec#decode}, emptied
     * by {@link RetiredRules#settle}; never encoded, so a state written back has none.
     */
    final List<Retired> retired = new ArrayList<>();

    /** A retired rule's stored state, under the rule id it was stored with. */
    record Retired(String ruleId, RuleState state) {
    }

    @SuppressWarnings("unchecked")
    RunState(String runId, RuleSet ruleSet) {
        this.runId = runId;
        this.rules = new RuleState[ruleSet.rules().size()];
        for (CompiledRule r : ruleSet.rules()) {
            rules[r.index()] = new RuleState(r);
        }
        int promotions = (int) ruleSet.packs().stream().filter(p -> p.promotion() != null).count();
        this.promotionStreak = new int[promotions];
        this.promotionReasons = new List[promotions];
        for (int i = 0; i < promotions; i++) {
            promotionReasons[i] = List.of();
        }
    }

    public String runId() {
        return runId;
    }

    /** The latest recommendation, or null before the run's first record. */
    public Recommendation recommendation() {
        return last;
    }

    /** The latched action (FREEZE or ROLLBACK), or null. */
    public Action latched() {
        return latched;
    }

    public RuleState rule(int index) {
        return rules[index];
    }

    /** Active until the run ends; then ended. */
    public RunStatus status() {
        return status;
    }

    /** When it ended (event time), or empty while it is active. */
    public OptionalLong endedAt() {
        return status == RunStatus.ENDED ? OptionalLong.of(endedAt) : OptionalLong.empty();
    }

    /** Why it ended ({@code run ended: ...}), or null while it is active. */
    public String endReason() {
        return endReason;
    }

    /** Event time of its latest timestamped accepted record, or empty when it has had none. */
    public OptionalLong lastRecordAt() {
        return timed ? OptionalLong.of(lastRecordAt) : OptionalLong.empty();
    }

    /** How many records of the run were accepted. */
    public long records() {
        return records;
    }

    /** Whether its latest accepted record was synthetic. */
    public boolean synthetic() {
        return lastSynthetic;
    }

    /** The run's own silences (not those of every run), oldest first; expired ones leave at their deadline. */
    public List<Silence> silences() {
        return Collections.unmodifiableList(silences);
    }

    /** The latest audit records of the run, oldest first (at most {@value #MAX_AUDIT}). */
    public List<AuditRecord> audit() {
        return List.copyOf(audit);
    }

    /** Remembers an applied command's id, forgetting the oldest beyond {@value #MAX_COMMAND_IDS}. */
    void rememberCommand(String commandId) {
        commandIds.remove(commandId);
        commandIds.add(commandId);
        Iterator<String> oldest = commandIds.iterator();
        while (commandIds.size() > MAX_COMMAND_IDS) {
            oldest.next();
            oldest.remove();
        }
    }

    /** Keeps an audit record, forgetting the oldest beyond {@value #MAX_AUDIT}. */
    void keepAudit(AuditRecord record) {
        audit.addLast(record);
        while (audit.size() > MAX_AUDIT) {
            audit.removeFirst();
        }
    }

    /**
     * True when the stored state this was decoded from has pending or firing alerts of rules that
     * this rule set no longer has; {@link RetiredRules#settle} closes them.
     */
    public boolean hasRetiredAlerts() {
        return !retired.isEmpty();
    }
}
