package dev.anneal.watcher.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Optional;

/**
 * What a receiver is given: one alert transition and the run's recommendation as the notifier
 * last saw it on the recommendations topic when the notification was built.
 *
 * <p>The recommendation is "latest seen", not "the one published with this alert": the two topics
 * are read independently, so the recommendation may lag the alert by a moment (it is usually
 * published in the same transaction and arrives within one poll), and an alert delivered late (after
 * an outage) carries the recommendation current at delivery time. Receivers say so in what they send.
 *
 * @param alert          the alert transition
 * @param recommendation the run's latest recommendation JSON object, if one was seen
 */
public record Notification(AlertMessage alert, Optional<JsonNode> recommendation) {

    public Notification {
        Objects.requireNonNull(alert, "alert");
        Objects.requireNonNull(recommendation, "recommendation");
    }

    /**
     * The recommendation in one line: {@code FREEZE (latched) because grad_norm_spike: ...}, or
     * {@code unknown (none seen yet)}.
     */
    public String recommendationText() {
        return recommendation.map(Notification::describe).orElse("unknown (no recommendation seen yet for this run)");
    }

    static String describe(JsonNode rec) {
        StringBuilder b = new StringBuilder(rec.path("action").asText("?"));
        if (rec.path("latched").asBoolean(false)) {
            b.append(" (latched)");
        }
        StringBuilder reasons = new StringBuilder();
        rec.path("reasons").forEach(r -> reasons.append(reasons.length() == 0 ? "" : "; ").append(r.asText()));
        if (reasons.length() > 0) {
            b.append(" because ").append(reasons);
        }
        return b.toString();
    }
}
