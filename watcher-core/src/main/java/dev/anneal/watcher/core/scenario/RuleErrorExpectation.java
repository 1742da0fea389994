package dev.anneal.watcher.core.scenario;

import dev.anneal.watcher.rules.spec.Loc;
import java.util.Objects;
import java.util.Optional;

/**
 * One expected rule-evaluation error summary (one per failing rule, sorted by rule id, as in
 * {@link dev.anneal.watcher.core.replay.ReplayResult#ruleErrors()}).
 *
 * @param loc     where the item is written
 * @param rule    rule id ({@code derive.NAME} and {@code promotion.PACK} included)
 * @param count   how many records the rule failed on
 * @param at      the first record it failed on
 * @param message text the first error message must contain
 */
public record RuleErrorExpectation(Loc loc, Optional<String> rule, Optional<Long> count, Optional<At> at,
                                   Optional<String> message) {

    public RuleErrorExpectation {
        Objects.requireNonNull(loc, "loc");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(count, "count");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(message, "message");
    }
}
