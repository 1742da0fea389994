package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.Recommendation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one engine step (a record, a clock advance or a rules switch) produced for a run: alert
 * transitions in rule order, the run's new recommendation if it changed, and rule evaluation
 * errors.
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

    /** This step followed by {@code next}: each list in order, this step's entries first. */
    public Step then(Step next) {
        if (next.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return next;
        }
        return new Step(concat(alerts, next.alerts), concat(recommendations, next.recommendations),
                concat(errors, next.errors));
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a.size() + b.size());
        all.addAll(a);
        all.addAll(b);
        return all;
    }
}
