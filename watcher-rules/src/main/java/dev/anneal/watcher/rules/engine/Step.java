package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.Recommendation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one step (a record, a clock advance, a rules switch or an operator command) produced for a
 * run: alert events in rule order (transitions, and firing alerts re-published with an operator's
 * marks), the run's new recommendation if it changed, rule evaluation errors, and the audit
 * record of an operator command (exactly one for a command step, none otherwise).
 */
public record Step(List<AlertEvent> alerts, List<Recommendation> recommendations, List<RuleError> errors,
                   List<AuditRecord> audit) {

    public static final Step EMPTY = new Step(List.of(), List.of(), List.of(), List.of());

    public Step {
        alerts = List.copyOf(alerts);
        recommendations = List.copyOf(recommendations);
        errors = List.copyOf(errors);
        audit = List.copyOf(audit);
    }

    /** A step without an audit record (anything but an operator command). */
    public Step(List<AlertEvent> alerts, List<Recommendation> recommendations, List<RuleError> errors) {
        this(alerts, recommendations, errors, List.of());
    }

    public Optional<Recommendation> recommendation() {
        return recommendations.isEmpty() ? Optional.empty() : Optional.of(recommendations.get(recommendations.size() - 1));
    }

    public boolean isEmpty() {
        return alerts.isEmpty() && recommendations.isEmpty() && errors.isEmpty() && audit.isEmpty();
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
                concat(errors, next.errors), concat(audit, next.audit));
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a.size() + b.size());
        all.addAll(a);
        all.addAll(b);
        return all;
    }
}
