package dev.anneal.watcher.core.notify;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How the notifier runs: the topics it reads and writes, its consumer groups, its receivers and
 * the resilience settings applied to each of them.
 *
 * @param alertsTopic          the alerts topic (the durable outbox the notifier consumes)
 * @param recommendationsTopic the compacted recommendations topic (for the recommendation annotation)
 * @param undeliverableTopic   where alerts a receiver refuses permanently go, with the reason
 * @param groupIdPrefix        each receiver consumes in its own group {@code <prefix>.<receiver name>}
 * @param receivers            the receivers, at least one, names unique
 * @param resendInterval       how often firing alerts are re-sent to receivers that need it (Alertmanager:
 *                             keep it well below its {@code resolve_timeout}, 5m by default)
 * @param requestTimeout       how long one HTTP request may take (connect included)
 * @param resilience           retry, circuit breaker and rate limiter settings, the same for every receiver
 * @param syntheticAlertsTopic the quarantine topic of drills' alerts, if the daemon routes them there: read
 *                             (besides the alerts topic) by the receivers that include synthetic alerts
 */
public record NotifierSettings(String alertsTopic, String recommendationsTopic, String undeliverableTopic,
        String groupIdPrefix, List<ReceiverSpec> receivers, Duration resendInterval, Duration requestTimeout,
        Resilience resilience, Optional<String> syntheticAlertsTopic) {

    /** Settings without a quarantine topic: drills' alerts, if any, are on the alerts topic. */
    public NotifierSettings(String alertsTopic, String recommendationsTopic, String undeliverableTopic,
            String groupIdPrefix, List<ReceiverSpec> receivers, Duration resendInterval, Duration requestTimeout,
            Resilience resilience) {
        this(alertsTopic, recommendationsTopic, undeliverableTopic, groupIdPrefix, receivers, resendInterval,
                requestTimeout, resilience, Optional.empty());
    }

    /** The default undeliverable topic. */
    public static final String DEFAULT_UNDELIVERABLE_TOPIC = "anneal.alerts.undeliverable";
    /** The default consumer group prefix. */
    public static final String DEFAULT_GROUP_ID_PREFIX = "watcher-notify";

    public NotifierSettings {
        Objects.requireNonNull(alertsTopic, "alertsTopic");
        Objects.requireNonNull(recommendationsTopic, "recommendationsTopic");
        Objects.requireNonNull(undeliverableTopic, "undeliverableTopic");
        Objects.requireNonNull(groupIdPrefix, "groupIdPrefix");
        receivers = List.copyOf(receivers);
        if (receivers.isEmpty()) {
            throw new IllegalArgumentException("the notifier needs at least one receiver");
        }
        Set<String> names = new HashSet<>();
        for (ReceiverSpec r : receivers) {
            if (!names.add(r.name())) {
                throw new IllegalArgumentException("two receivers are named " + r.name() + "; names must be unique");
            }
        }
        if (undeliverableTopic.equals(alertsTopic)) {
            throw new IllegalArgumentException("the undeliverable topic must differ from the alerts topic");
        }
        positive(resendInterval, "resendInterval");
        positive(requestTimeout, "requestTimeout");
        Objects.requireNonNull(resilience, "resilience");
        Objects.requireNonNull(syntheticAlertsTopic, "syntheticAlertsTopic");
        if (syntheticAlertsTopic.filter(t -> t.equals(alertsTopic) || t.equals(undeliverableTopic)).isPresent()) {
            throw new IllegalArgumentException("the quarantine topic of synthetic alerts must differ from the alerts "
                    + "and the undeliverable topic");
        }
    }

    /** These settings with the drills' alerts quarantined in {@code topic} (or not). */
    public NotifierSettings withSyntheticAlertsTopic(Optional<String> topic) {
        return new NotifierSettings(alertsTopic, recommendationsTopic, undeliverableTopic, groupIdPrefix, receivers,
                resendInterval, requestTimeout, resilience, topic);
    }

    /** The topics the worker of {@code receiver} reads: the alerts topic, and the quarantine one if it opted in. */
    public List<String> topicsOf(ReceiverSpec receiver) {
        return receiver.includeSynthetic() && syntheticAlertsTopic.isPresent()
                ? List.of(alertsTopic, syntheticAlertsTopic.get()) : List.of(alertsTopic);
    }

    /** The consumer group of {@code receiver}. */
    public String groupId(String receiver) {
        return groupIdPrefix + "." + receiver;
    }

    /**
     * Resilience4j settings around each receiver.
     *
     * @param maxAttempts          attempts per delivery round (1 = no retry); after a round of transient
     *                             failures the alert waits {@code breakerOpenDuration} and a new round starts,
     *                             for as long as it takes
     * @param initialBackoff       the wait before the first retry; doubled each retry, randomised by +-50%
     * @param maxBackoff           the longest wait between two retries
     * @param breakerFailureRate   the failure percentage (1-100) over the last {@code breakerWindow} calls that
     *                             opens the receiver's circuit breaker
     * @param breakerWindow        how many recent calls the breaker looks at (also the minimum before it opens)
     * @param breakerOpenDuration  how long an open breaker refuses calls before letting a trial call through
     * @param ratePerSecond        at most this many requests per second to the receiver
     */
    public record Resilience(int maxAttempts, Duration initialBackoff, Duration maxBackoff, int breakerFailureRate,
            int breakerWindow, Duration breakerOpenDuration, int ratePerSecond) {

        /** The defaults: 5 attempts from 500ms up to 30s, breaker at 50% of 10 calls open 30s, 10 requests/s. */
        public static Resilience defaults() {
            return new Resilience(5, Duration.ofMillis(500), Duration.ofSeconds(30), 50, 10, Duration.ofSeconds(30), 10);
        }

        public Resilience {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
            }
            positive(initialBackoff, "initialBackoff");
            positive(maxBackoff, "maxBackoff");
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("maxBackoff " + maxBackoff + " is shorter than initialBackoff "
                        + initialBackoff);
            }
            if (breakerFailureRate < 1 || breakerFailureRate > 100) {
                throw new IllegalArgumentException("breakerFailureRate must be 1 to 100, was " + breakerFailureRate);
            }
            if (breakerWindow < 1) {
                throw new IllegalArgumentException("breakerWindow must be at least 1, was " + breakerWindow);
            }
            positive(breakerOpenDuration, "breakerOpenDuration");
            if (ratePerSecond < 1) {
                throw new IllegalArgumentException("ratePerSecond must be at least 1, was " + ratePerSecond);
            }
        }
    }

    private static void positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
    }
}
