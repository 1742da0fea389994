package dev.anneal.watcher.core.notify;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Receiver} wrapped in Resilience4j, in the order a call flows through them:
 * retry (exponential backoff with jitter, on transient outcomes only) -> circuit breaker (one per
 * receiver; transient outcomes count as failures, permanent ones do not: a 400 says nothing about
 * the receiver's health) -> rate limiter -> the receiver.
 *
 * <p>When the breaker is open a call is refused at once, which is a transient outcome: the alert
 * waits and is tried again, it is never dropped. A round never throws.
 */
public final class ResilientReceiver {

    private static final Logger LOG = LoggerFactory.getLogger(ResilientReceiver.class);

    private final Receiver receiver;
    private final Retry retry;
    private final CircuitBreaker breaker;
    private final RateLimiter limiter;
    private final NotifyMetrics metrics;

    public ResilientReceiver(Receiver receiver, NotifierSettings.Resilience settings, NotifyMetrics metrics) {
        this.receiver = Objects.requireNonNull(receiver, "receiver");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        String name = receiver.name();
        this.retry = Retry.of(name, RetryConfig.<DeliveryOutcome>custom()
                .maxAttempts(settings.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(settings.initialBackoff(), 2.0, 0.5,
                        settings.maxBackoff()))
                .retryOnResult(o -> o instanceof DeliveryOutcome.Transient)
                .retryExceptions(CallNotPermittedException.class)
                .failAfterMaxAttempts(false)
                .build());
        this.breaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.breakerWindow())
                .minimumNumberOfCalls(settings.breakerWindow())
                .failureRateThreshold(settings.breakerFailureRate())
                .waitDurationInOpenState(settings.breakerOpenDuration())
                .permittedNumberOfCallsInHalfOpenState(1)
                .recordResult(o -> o instanceof DeliveryOutcome.Transient)
                .build());
        this.limiter = RateLimiter.of(name, RateLimiterConfig.custom()
                .limitForPeriod(settings.ratePerSecond())
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ofSeconds(30))
                .build());
        retry.getEventPublisher().onRetry(e -> metrics.retry(name));
        breaker.getEventPublisher().onStateTransition(e ->
                LOG.atInfo().setMessage("receiver {}: circuit breaker {}").addArgument(name)
                        .addArgument(e.getStateTransition()).addKeyValue("receiver", name).log());
        metrics.breakerGauges(name, breaker);
    }

    public String name() {
        return receiver.name();
    }

    public Receiver receiver() {
        return receiver;
    }

    public CircuitBreaker.State breakerState() {
        return breaker.getState();
    }

    /** One delivery round: up to {@code maxAttempts} attempts with backoff between them. */
    public DeliveryOutcome deliver(List<Notification> notifications) {
        DeliveryOutcome outcome;
        try {
            outcome = Retry.decorateSupplier(retry, guarded(notifications)).get();
        } catch (CallNotPermittedException e) {
            outcome = new DeliveryOutcome.Transient("circuit breaker of receiver " + name() + " is open");
        }
        metrics.delivery(name(), outcome, notifications.stream().anyMatch(n -> n.alert().synthetic()));
        return outcome;
    }

    /** One attempt through the breaker and the rate limiter, no retry (the periodic re-send). */
    public DeliveryOutcome tryOnce(List<Notification> notifications) {
        try {
            return guarded(notifications).get();
        } catch (CallNotPermittedException e) {
            return new DeliveryOutcome.Transient("circuit breaker of receiver " + name() + " is open");
        }
    }

    private Supplier<DeliveryOutcome> guarded(List<Notification> notifications) {
        return CircuitBreaker.decorateSupplier(breaker, () -> {
            if (!limiter.acquirePermission()) {
                DeliveryOutcome o = new DeliveryOutcome.Transient("rate limit of receiver " + name()
                        + " still reached after waiting 30s");
                metrics.failure(name(), o);
                return o;
            }
            DeliveryOutcome o = receiver.send(notifications);
            if (!o.delivered()) {
                metrics.failure(name(), o);
                LOG.atDebug().setMessage("receiver {}: attempt failed: {}").addArgument(name())
                        .addArgument(o.reason()).log();
            }
            return o;
        });
    }
}
