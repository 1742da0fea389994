package dev.anneal.watcher.core.replay;

import dev.anneal.watcher.core.decode.Rejection;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AuditRecord;
import java.util.List;
import java.util.Map;

/**
 * Everything a replay concluded, deterministic for a given input and rule set.
 *
 * @param decision      overall verdict: the highest run verdict on the ladder
 *                      PROMOTE &lt; PASS &lt; HOLD &lt; FREEZE &lt; ROLLBACK; HOLD when no record was
 *                      accepted (nothing could be evaluated, so nothing may pass)
 * @param reasons       why: the reasons of the runs that set the decision, each prefixed with its
 *                      run id, or why nothing could be evaluated
 * @param runs          per-run outcomes, sorted by run id
 * @param counts        records read / accepted / rejected
 * @param rejections    every rejected record with its reason, in input order
 * @param ruleErrors    rule evaluation errors per rule, sorted by rule id
 * @param ruleSetDigest the digest of the rules used
 * @param packs         the pack names used, in order
 * @param params        the resolved parameters (none-valued ones omitted)
 * @param commands      the audit records of the operator commands applied ({@code --commands}), in order
 */
public record ReplayResult(
        Action decision,
        List<String> reasons,
        List<RunSummary> runs,
        RecordCounts counts,
        List<Rejection> rejections,
        List<RuleErrorSummary> ruleErrors,
        String ruleSetDigest,
        List<String> packs,
        Map<String, Double> params,
        List<AuditRecord> commands) {

    /** A replay without operator commands. */
    public ReplayResult(Action decision, List<String> reasons, List<RunSummary> runs, RecordCounts counts,
            List<Rejection> rejections, List<RuleErrorSummary> ruleErrors, String ruleSetDigest, List<String> packs,
            Map<String, Double> params) {
        this(decision, reasons, runs, counts, rejections, ruleErrors, ruleSetDigest, packs, params, List.of());
    }

    public ReplayResult {
        commands = List.copyOf(commands);
        reasons = List.copyOf(reasons);
        runs = List.copyOf(runs);
        rejections = List.copyOf(rejections);
        ruleErrors = List.copyOf(ruleErrors);
        packs = List.copyOf(packs);
        params = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(params));
    }
}
