package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.Evidence;
import dev.anneal.watcher.rules.model.Recommendation;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the engine remembers about one run: per-rule lifecycle state, promotion streaks,
 * the FREEZE/ROLLBACK latch and the last recommendation published. Memory grows with runs and
 * rules, never with records.
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

    /**
     * True when the stored state this was decoded from has pending or firing alerts of rules that
     * this rule set no longer has; {@link RetiredRules#settle} closes them.
     */
    public boolean hasRetiredAlerts() {
        return !retired.isEmpty();
    }
}
