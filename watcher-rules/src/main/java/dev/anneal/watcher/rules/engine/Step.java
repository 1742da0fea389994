package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.Recommendation;
import java.util.List;
import java.util.Optional;

/**
 * What one engine step (a record, or a clock advance) produced: alert transitions in rule order,
 * the run's new recommendation if it changed, and rule evaluation errors.
 */
public record Step(List<AlertEvent> alerts, List<Recommendation> recommendations, List<RuleError> errors) {

    public static final Step EMPTY = new Step(List.of(), List.of(), List.of());

    public Step {
        alerts = List.copyOf(alerts);
        recommendations = List.copyOf(recommendations);
        errors = List.copyOf(errors);
    }

    public Optional<Recommendation> recommendation() {
        return recommendations.isEmpty() ? Optional.empty() : Optional.of(recommendations.get(recommendations.size() - 1));
    }

    public boolean isEmpty() {
        return alerts.isEmpty() && recommendations.isEmpty() && errors.isEmpty();
    }
}
