package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.Recommendation;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects what one step produces while the stages run ({@link Engine} adds rule errors,
 * {@link AlertLifecycle} alert transitions, {@link RecommendationLadder} recommendation changes,
 * {@link OperatorCommands} the audit record),
 * then freezes it into a {@link Step}. One per step; never shared.
 */
final class StepBuilder {

    final List<AlertEvent> alerts = new ArrayList<>();
    final List<Recommendation> recommendations = new ArrayList<>();
    final List<RuleError> errors = new ArrayList<>();
    final List<AuditRecord> audit = new ArrayList<>();

    Step build() {
        if (alerts.isEmpty() && recommendations.isEmpty() && errors.isEmpty() && audit.isEmpty()) {
            return Step.EMPTY;
        }
        return new Step(alerts, recommendations, errors, audit);
    }
}
