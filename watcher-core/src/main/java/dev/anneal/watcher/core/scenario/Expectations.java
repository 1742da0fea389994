package dev.anneal.watcher.core.scenario;

import dev.anneal.watcher.rules.model.Action;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one scenario test expects of its replay. An empty optional is a key the scenario did not
 * write, and is not checked; an empty list means "none expected". Lists are complete and
 * ordered: every alert transition, recommendation change and rejection the replay produced must
 * be matched, in order.
 *
 * @param alerts          every alert transition, in stream order
 * @param recommendations every recommendation change, in stream order
 * @param decision        the overall verdict
 * @param runs            every run's verdict (complete: an unlisted run is a mismatch)
 * @param rejected        the rejected records, as a count or a list
 * @param ruleErrors      the rule-evaluation error summaries, as a count of failing rules or a list
 * @param commands        the audit record of every operator command, in the order they applied
 */
public record Expectations(
        Optional<List<AlertExpectation>> alerts,
        Optional<List<RecommendationExpectation>> recommendations,
        Optional<Action> decision,
        Optional<Map<String, Action>> runs,
        Optional<CountOrItems<RejectionExpectation>> rejected,
        Optional<CountOrItems<RuleErrorExpectation>> ruleErrors,
        Optional<List<CommandExpectation>> commands) {

    public static final Expectations NONE = new Expectations(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public Expectations {
        alerts = alerts.map(List::copyOf);
        recommendations = recommendations.map(List::copyOf);
        Objects.requireNonNull(decision, "decision");
        runs = runs.map(r -> Collections.unmodifiableMap(new LinkedHashMap<>(r)));
        Objects.requireNonNull(rejected, "rejected");
        Objects.requireNonNull(ruleErrors, "ruleErrors");
        commands = commands.map(List::copyOf);
    }

    /** True when nothing at all is checked (a test that only proves the input replays). */
    public boolean isEmpty() {
        return alerts.isEmpty() && recommendations.isEmpty() && decision.isEmpty() && runs.isEmpty()
                && rejected.isEmpty() && ruleErrors.isEmpty() && commands.isEmpty();
    }
}
