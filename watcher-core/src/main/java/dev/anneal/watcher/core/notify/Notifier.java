package dev.anneal.watcher.core.notify;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier: delivers every alert transition on the alerts topic to every configured receiver.
 * This class assembles it, in the order data flows:
 *
 * <pre>
 * alerts topic ──> ReceiverWorker (one per receiver, own consumer group, read_committed)
 *                    ──> DeliveryGate (drills skipped unless the receiver opts in; silenced alerts held)
 *                    ──> Notification (alert + latest recommendation from RecommendationBook)
 *                    ──> ResilientReceiver (retry ─> circuit breaker ─> rate limiter)
 *                    ──> Receiver (AlertmanagerReceiver / WebhookReceiver, from Receivers)
 *                    ──> commit the offset, or undeliverable topic then commit
 * </pre>
 *
 * The alerts topic is the durable outbox: nothing is acknowledged before it was delivered or
 * routed, so a receiver outage or a notifier restart delays alerts and never loses them. Runs
 * inside {@code watcher run} ({@code notify.enabled}) or alone ({@code watcher notify}).
 *
 * <p>Start with {@link #start}, stop with {@link #close()}; the threads it starts are its own.
 */
public final class Notifier implements AutoCloseable {

    /** Undeliverable-topic header naming the receiver that refused the alert (the reason is {@code watcher.reason}). */
    public static final String HEADER_RECEIVER = ReceiverWorker.HEADER_RECEIVER;

    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

    private final RecommendationBook book;
    private final Producer<byte[], byte[]> producer;
    private final List<ReceiverWorker> workers;

    private Notifier(RecommendationBook book, Producer<byte[], byte[]> producer, List<ReceiverWorker> workers) {
        this.book = book;
        this.producer = producer;
        this.workers = workers;
    }

    /**
     * Creates the receivers (reading their secrets), then starts the recommendations reader and one
     * worker per receiver.
     *
     * @param settings     what to deliver where
     * @param clientConfig Kafka client configuration shared by the notifier's consumers and producer
     *                     (bootstrap servers, security); group ids and isolation are the notifier's
     * @param env          the environment secrets are read from
     * @param clock        the clock re-sends are timed with
     * @param registry     where the {@link NotifyMetrics} meters go
     * @param timeout      how long to wait for the recommendations topic's partitions
     * @throws IllegalArgumentException when a receiver's secret cannot be read
     */
    public static Notifier start(NotifierSettings settings, Map<String, Object> clientConfig, Map<String, String> env,
            Clock clock, MeterRegistry registry, Duration timeout) {
        Objects.requireNonNull(settings, "settings");
        NotifyMetrics metrics = new NotifyMetrics(registry);
        HttpClient http = HttpPoster.newClient(settings.requestTimeout());
        List<ResilientReceiver> receivers = new ArrayList<>();
        for (ReceiverSpec spec : settings.receivers()) {
            receivers.add(new ResilientReceiver(Receivers.create(spec, http, settings.requestTimeout(), env),
                    settings.resilience(), metrics));
        }
        Map<String, Object> producerConfig = new LinkedHashMap<>(clientConfig);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "watcher-notify-undeliverable");
        Producer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                new ByteArraySerializer());
        RecommendationBook book;
        try {
            book = RecommendationBook.start(clientConfig, settings.recommendationsTopic(), timeout);
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        try {
            if (!book.awaitCaughtUp(timeout)) {
                LOG.warn("notifier: the recommendations topic {} was not read up to its end within {} ms; the first "
                        + "notifications may lack the runs' recommendations", settings.recommendationsTopic(),
                        timeout.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            book.close();
            producer.close(Duration.ZERO);
            throw new IllegalStateException("interrupted while starting the notifier", e);
        }
        List<ReceiverWorker> workers = new ArrayList<>();
        for (int i = 0; i < receivers.size(); i++) {
            workers.add(new ReceiverWorker(settings.receivers().get(i), receivers.get(i), settings, clientConfig,
                    producer, book, clock, metrics));
        }
        workers.forEach(ReceiverWorker::start);
        for (ReceiverSpec spec : settings.receivers()) {
            LOG.atInfo().setMessage("notifier: delivering {} to {} receiver {} at {} (consumer group {})")
                    .addArgument(settings.alertsTopic()).addArgument(spec.type().id()).addArgument(spec.name())
                    .addArgument(spec.url()).addArgument(settings.groupId(spec.name()))
                    .addKeyValue("event", "notifier_started").addKeyValue("receiver", spec.name()).log();
        }
        return new Notifier(book, producer, List.copyOf(workers));
    }

    /** The first receiver whose worker stopped by itself, with why; empty while all run. */
    public Optional<String> failure() {
        for (ReceiverWorker w : workers) {
            if (w.failure() != null) {
                return Optional.of("receiver " + w.name() + ": " + w.failure());
            }
        }
        return Optional.empty();
    }

    /** Stops the workers (alerts in hand are delivered after a restart), the reader and the producer. */
    @Override
    public void close() {
        workers.forEach(ReceiverWorker::close);
        book.close();
        producer.close(Duration.ofSeconds(5));
    }
}
