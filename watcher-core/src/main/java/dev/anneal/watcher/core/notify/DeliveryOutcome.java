package dev.anneal.watcher.core.notify;

import java.util.Objects;

/**
 * What one attempt to hand notifications to a receiver came to. There are exactly three outcomes,
 * and what the notifier does next depends only on which one it is:
 * <ul>
 *   <li>{@link Delivered}: the receiver accepted it (HTTP 2xx); the alert's offset may be committed;</li>
 *   <li>{@link Transient}: it may work later (connection refused or reset, timeout, HTTP 5xx or 429,
 *       an open circuit breaker); it is retried, and the offset is not committed until it works;</li>
 *   <li>{@link Permanent}: it will never work as sent (any other HTTP 4xx, a redirect, an alert that
 *       cannot be read); the alert goes to the undeliverable topic with the reason, then its offset
 *       is committed.</li>
 * </ul>
 */
public sealed interface DeliveryOutcome {

    /** The reason for a failure, or {@code "delivered"}; for logs and the undeliverable topic. */
    String reason();

    /** Whether the receiver accepted the notifications. */
    default boolean delivered() {
        return this instanceof Delivered;
    }

    /** The metric tag value: {@code delivered}, {@code transient} or {@code permanent}. */
    String id();

    /** The receiver accepted the notifications. */
    record Delivered() implements DeliveryOutcome {
        @Override
        public String reason() {
            return "delivered";
        }

        @Override
        public String id() {
            return "delivered";
        }
    }

    /**
     * A failure that may go away: try again later.
     *
     * @param reason what failed, e.g. {@code HTTP 503 from http://...: body} or {@code connection refused}
     */
    record Transient(String reason) implements DeliveryOutcome {
        public Transient {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String id() {
            return "transient";
        }
    }

    /**
     * A failure that will not go away by retrying: route the alert to the undeliverable topic.
     *
     * @param reason what failed, e.g. {@code HTTP 400 from http://...: body}
     */
    record Permanent(String reason) implements DeliveryOutcome {
        public Permanent {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String id() {
            return "permanent";
        }
    }

    /** The one {@link Delivered} value. */
    DeliveryOutcome DELIVERED = new Delivered();
}
