package dev.anneal.watcher.core.scenario;

import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.spec.Loc;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One expected recommendation change. Only the keys written are compared. {@code reasons} and
 * {@code rules} (the rule ids of the evidence, in evidence order) are complete ordered lists.
 *
 * @param loc     where the item is written
 * @param at      the record that produced the change ({@code Recommendation.source})
 * @param runId   run id
 * @param action  the recommended action
 * @param latched whether a FREEZE/ROLLBACK latch holds the action
 * @param reasons the reasons, exactly and in order
 * @param rules   the evidence's rule ids, in order
 */
public record RecommendationExpectation(
        Loc loc,
        Optional<At> at,
        Optional<String> runId,
        Optional<Action> action,
        Optional<Boolean> latched,
        Optional<List<String>> reasons,
        Optional<List<String>> rules) {

    public RecommendationExpectation {
        Objects.requireNonNull(loc, "loc");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(latched, "latched");
        reasons = reasons.map(List::copyOf);
        rules = rules.map(List::copyOf);
    }
}
