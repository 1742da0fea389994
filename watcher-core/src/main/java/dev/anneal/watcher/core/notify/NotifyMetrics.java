package dev.anneal.watcher.core.notify;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The notifier's meters, names and tags in one place. Names and tag keys are public API, written
 * in their Prometheus form. Every tag has a bounded set of values: receiver names come from the
 * configuration, outcomes and breaker states are fixed sets.
 */
public final class NotifyMetrics {

    /**
     * Delivery rounds of one alert transition to one receiver, tagged {@value #TAG_RECEIVER},
     * {@value #TAG_OUTCOME} ({@code delivered}, {@code transient}: every attempt of the round failed
     * transiently and the alert waits for the next round, {@code permanent}: refused, routed to the
     * undeliverable topic) and {@value #TAG_SYNTHETIC} (a drill's alert, to a receiver that opted in).
     */
    public static final String DELIVERIES = "watcher_notify_deliveries_total";
    /** Retries (attempts after the first within a round), tagged {@value #TAG_RECEIVER}. */
    public static final String RETRIES = "watcher_notify_retries_total";
    /** Failed attempts, tagged {@value #TAG_RECEIVER} and {@value #TAG_OUTCOME} ({@code transient}, {@code permanent}). */
    public static final String FAILURES = "watcher_notify_failures_total";
    /** Alert records written to the undeliverable topic, tagged {@value #TAG_RECEIVER}. */
    public static final String UNDELIVERABLE = "watcher_notify_undeliverable_total";
    /** Re-sends of the firing alerts (Alertmanager), tagged {@value #TAG_RECEIVER} and {@value #TAG_OUTCOME}. */
    public static final String RESENDS = "watcher_notify_resends_total";
    /** Firing alerts a receiver is kept informed of (Alertmanager), tagged {@value #TAG_RECEIVER}. */
    public static final String FIRING = "watcher_notify_firing_alerts";
    /**
     * The receiver's circuit breaker: 1 for its current state, 0 for the others, tagged
     * {@value #TAG_RECEIVER} and {@value #TAG_STATE} ({@code closed}, {@code open}, {@code half_open}, ...).
     */
    public static final String BREAKER_STATE = "watcher_notify_breaker_state";

    /**
     * 1 while the receiver's worker runs, 0 once it stopped by itself (its alerts then wait on the
     * topic until a restart): alert on it. Tagged {@value #TAG_RECEIVER}.
     */
    public static final String WORKER_UP = "watcher_notify_worker_up";

    /**
     * Alert transitions a receiver was not sent, tagged {@value #TAG_RECEIVER} and {@value #TAG_REASON}:
     * {@code synthetic} (a drill's alert; the receiver did not opt in with {@code include_synthetic}) or
     * {@code silenced} (a firing alert under a silence; sent when the silence ends if still firing).
     */
    public static final String SKIPPED = "watcher_notify_skipped_total";

    public static final String TAG_RECEIVER = "receiver";
    public static final String TAG_OUTCOME = "outcome";
    public static final String TAG_STATE = "state";
    public static final String TAG_SYNTHETIC = "synthetic";
    public static final String TAG_REASON = "reason";
    /** {@value #TAG_REASON} of a drill's alert skipped. */
    public static final String SKIPPED_SYNTHETIC = "synthetic";
    /** {@value #TAG_REASON} of a silenced alert held back. */
    public static final String SKIPPED_SILENCED = "silenced";

    private final MeterRegistry registry;

    public NotifyMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    public MeterRegistry registry() {
        return registry;
    }

    void delivery(String receiver, DeliveryOutcome outcome, boolean synthetic) {
        Counter.builder(DELIVERIES).description("delivery rounds of an alert to a receiver")
                .tag(TAG_RECEIVER, receiver).tag(TAG_OUTCOME, outcome.id())
                .tag(TAG_SYNTHETIC, Boolean.toString(synthetic)).register(registry).increment();
    }

    void skipped(String receiver, String reason) {
        Counter.builder(SKIPPED).description("alert transitions not sent to a receiver: drills, silenced alerts")
                .tag(TAG_RECEIVER, receiver).tag(TAG_REASON, reason).register(registry).increment();
    }

    void failure(String receiver, DeliveryOutcome outcome) {
        counter(FAILURES, receiver, outcome.id(), "failed delivery attempts").increment();
    }

    void resend(String receiver, DeliveryOutcome outcome) {
        counter(RESENDS, receiver, outcome.id(), "re-sends of the firing alerts").increment();
    }

    void retry(String receiver) {
        Counter.builder(RETRIES).description("delivery retries").tag(TAG_RECEIVER, receiver).register(registry)
                .increment();
    }

    void undeliverable(String receiver) {
        Counter.builder(UNDELIVERABLE).description("alerts routed to the undeliverable topic")
                .tag(TAG_RECEIVER, receiver).register(registry).increment();
    }

    void firingGauge(String receiver, Supplier<Number> size) {
        Gauge.builder(FIRING, size).description("firing alerts kept alive at the receiver")
                .tag(TAG_RECEIVER, receiver).strongReference(true).register(registry);
    }

    void workerGauge(String receiver, Supplier<Number> up) {
        Gauge.builder(WORKER_UP, up).description("1 while the receiver's worker runs")
                .tag(TAG_RECEIVER, receiver).strongReference(true).register(registry);
    }

    void breakerGauges(String receiver, CircuitBreaker breaker) {
        for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
            Gauge.builder(BREAKER_STATE, breaker, b -> b.getState() == state ? 1 : 0)
                    .description("circuit breaker state of the receiver (1 = current)")
                    .tag(TAG_RECEIVER, receiver)
                    .tag(TAG_STATE, state.name().toLowerCase(java.util.Locale.ROOT))
                    .strongReference(true)
                    .register(registry);
        }
    }

    private Counter counter(String name, String receiver, String outcome, String description) {
        return Counter.builder(name).description(description).tag(TAG_RECEIVER, receiver).tag(TAG_OUTCOME, outcome)
                .register(registry);
    }
}
