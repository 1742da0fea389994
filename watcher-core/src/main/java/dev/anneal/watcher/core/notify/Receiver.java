package dev.anneal.watcher.core.notify;

import java.util.List;

/**
 * A place alerts are delivered to (Alertmanager, a webhook). A receiver makes one attempt per call
 * and classifies its result; retries, backoff, the circuit breaker and rate limiting are added
 * around it by {@link ResilientReceiver}, and what happens to the alert afterwards is the
 * {@link ReceiverWorker}'s business. Implementations never throw for a failed delivery, they return
 * its {@link DeliveryOutcome}.
 *
 * <p>New receiver types are registered in {@link Receivers} (see docs/ARCHITECTURE.md, "add a
 * notifier").
 */
public interface Receiver {

    /** The configured name (metric tag, log field, consumer group suffix). */
    String name();

    /**
     * Sends the notifications in one request. The worker sends one alert transition per call, and
     * for a receiver that {@link #keepsFiringAlive()}, every firing alert at once when re-sending.
     *
     * @return the outcome; a thread interrupt while sending yields a transient outcome with the
     *         interrupt flag set again
     */
    DeliveryOutcome send(List<Notification> notifications);

    /**
     * Whether this receiver forgets a firing alert that is not sent again (Alertmanager resolves an
     * alert that has not been re-sent within its {@code resolve_timeout}); the worker then re-sends
     * every firing alert each {@code notify.resend_interval}.
     */
    boolean keepsFiringAlive();
}
