package dev.anneal.watcher.core.notify;

import dev.anneal.watcher.core.stream.WatcherTopics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the alerts topic to one receiver, in order, each alert transition once, none lost.
 *
 * <h2>Progress</h2>
 * Each receiver consumes in its own consumer group ({@link NotifierSettings#groupId}), so its
 * progress is its own: while one receiver is down, the others go on, and when it is back it
 * resumes exactly where it stopped without anything being sent again to the others. The worker
 * reads with {@code read_committed} (only alerts of committed Streams transactions) and commits an
 * alert's offset synchronously only after the alert was delivered or written to the undeliverable
 * topic. A receiver outage delays alerts; it never loses them.
 *
 * <h2>When delivery fails</h2>
 * A delivery round ({@link ResilientReceiver#deliver}) retries transient failures with backoff. If
 * the whole round fails, the worker pauses its partitions (still polling, so it stays in the
 * group), waits the breaker's open duration, and starts another round with the same alert, for as
 * long as it takes. A permanent failure routes the alert to the undeliverable topic with the
 * reason ({@link #HEADER_RECEIVER} and the {@code watcher.*} headers of {@link WatcherTopics}).
 *
 * <h2>Rebalances</h2>
 * On any rebalance the worker drops the batch in hand and seeks every assigned partition back to
 * its committed offset, so an alert it had fetched but not yet delivered is never skipped. An alert
 * delivered whose commit failed (the partition moved meanwhile) is delivered again by its new owner:
 * the only way a receiver sees a transition twice, besides lost HTTP answers (see
 * {@link WebhookReceiver}).
 *
 * <h2>Drills and silences</h2>
 * A {@link DeliveryGate} decides first: a drill's alert is skipped (committed, counted in
 * {@link NotifyMetrics#SKIPPED}) unless the receiver opted in, in which case the worker also reads
 * the quarantine topic of drills' alerts; a firing alert under a silence is held back and kept with
 * the firing alerts until the silence ends, then sent if no later transition replaced it (checked
 * every {@code resendInterval}). An acknowledged alert arrives as a new firing transition carrying
 * its ack: it is delivered like any other (receivers show the ack) and replaces the alert in the
 * re-sends.
 *
 * <h2>Firing alerts (Alertmanager)</h2>
 * For a receiver that {@link Receiver#keepsFiringAlive()}, the worker keeps the alerts it has told
 * the receiver are firing ({@link FiringAlerts}) and re-sends them all every
 * {@code resendInterval}. The set is in memory; when a partition is assigned, it is rebuilt by
 * reading that partition from its beginning up to the committed offset (everything already
 * delivered), and the firing alerts are re-sent at once, so a restart does not let Alertmanager
 * time them out. The alerts topic's retention bounds how far back this looks. The rebuild cannot
 * tell which firing alerts the receiver refused for good (they went to the undeliverable topic), so
 * after a restart such an alert is re-sent with the others until it resolves; Alertmanager keeps the
 * valid alerts of a request it answers 400, and the failed re-sends are logged and counted. The
 * same rebuild, for every receiver, finds the firing alerts a silence held back; one whose silence
 * is over by then is sent again (with the same delivery id, so a receiver that got it before
 * deduplicates it).
 */
final class ReceiverWorker implements AutoCloseable {

    /** Undeliverable header: the receiver that refused the alert. */
    static final String HEADER_RECEIVER = "watcher.receiver";

    private static final Logger LOG = LoggerFactory.getLogger(ReceiverWorker.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration REBUILD_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final ResilientReceiver receiver;
    private final NotifierSettings settings;
    private final List<String> topics;
    private final DeliveryGate gate;
    private final boolean keepsAlive;
    private final Map<String, Object> consumerConfig;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final RecommendationBook book;
    private final Clock clock;
    private final NotifyMetrics metrics;
    private final FiringAlerts firing = new FiringAlerts();
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private volatile boolean closing;
    private volatile String failure;
    /** Set by the rebalance listener (in this thread): seek back to the committed offsets. */
    private boolean rewind;
    private Instant nextResend;

    ReceiverWorker(ReceiverSpec spec, ResilientReceiver receiver, NotifierSettings settings,
            Map<String, Object> clientConfig, Producer<byte[], byte[]> producer, RecommendationBook book, Clock clock,
            NotifyMetrics metrics) {
        this.receiver = receiver;
        this.settings = settings;
        this.topics = settings.topicsOf(spec);
        this.gate = new DeliveryGate(spec.includeSynthetic());
        this.keepsAlive = receiver.receiver().keepsFiringAlive();
        this.producer = producer;
        this.book = book;
        this.clock = clock;
        this.metrics = metrics;
        Map<String, Object> config = new LinkedHashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 20);
        this.consumerConfig = Map.copyOf(config);
        Map<String, Object> grouped = new LinkedHashMap<>(config);
        grouped.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId(receiver.name()));
        grouped.put(ConsumerConfig.CLIENT_ID_CONFIG, "watcher-notify-" + receiver.name());
        this.consumer = new KafkaConsumer<>(grouped, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.nextResend = clock.instant();
        if (keepsAlive) {
            metrics.firingGauge(receiver.name(), firing::size);
        }
        this.thread = new Thread(this::run, "watcher-notify-" + receiver.name());
        this.thread.setDaemon(true);
        metrics.workerGauge(receiver.name(), () -> failure == null && stopped.getCount() > 0 ? 1 : 0);
    }

    void start() {
        thread.start();
    }

    String name() {
        return receiver.name();
    }

    /** Why the worker stopped by itself, or null. */
    String failure() {
        return failure;
    }

    boolean running() {
        return thread.isAlive();
    }

    private void run() {
        try {
            consumer.subscribe(topics, new Listener());
            while (!closing) {
                if (rewind) {
                    rewind();
                }
                var records = consumer.poll(POLL);
                if (rewind) {
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (closing || rewind) {
                        break;
                    }
                    handle(r);
                }
                maybeResend();
            }
        } catch (WakeupException | InterruptException e) {
            if (!closing) {
                failure = "interrupted: " + e;
                LOG.error("receiver {}: the notifier stopped unexpectedly", receiver.name(), e);
            }
        } catch (RuntimeException e) {
            failure = e.toString();
            LOG.error("receiver {}: the notifier stopped; alerts are no longer delivered to it (they stay on the "
                    + "alerts topic and are delivered after a restart)", receiver.name(), e);
        } finally {
            Thread.interrupted(); // a close() interrupt must not break the consumer's close
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                LOG.debug("receiver {}: closing the consumer: {}", receiver.name(), e.toString());
            }
            stopped.countDown();
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        AlertMessage alert;
        try {
            alert = AlertMessage.parse(r.value());
        } catch (IllegalArgumentException e) {
            DeliveryOutcome.Permanent bad = new DeliveryOutcome.Permanent("not an alert: " + e.getMessage());
            metrics.delivery(receiver.name(), bad, false);
            if (routeUndeliverable(r, bad.reason())) {
                commit(r);
            }
            return;
        }
        DeliveryGate.Verdict verdict = gate.verdict(alert, clock.instant());
        if (verdict != DeliveryGate.Verdict.DELIVER) {
            boolean held = verdict == DeliveryGate.Verdict.HOLD_SILENCED;
            metrics.skipped(receiver.name(), held ? NotifyMetrics.SKIPPED_SILENCED : NotifyMetrics.SKIPPED_SYNTHETIC);
            if (held) {
                firing.apply(tp, alert);
            }
            commit(r);
            return;
        }
        while (!closing && !rewind) {
            Notification n = new Notification(alert, book.latest(alert.runId()));
            DeliveryOutcome outcome = receiver.deliver(List.of(n));
            if (outcome.delivered()) {
                track(tp, alert);
                LOG.atDebug().setMessage("receiver {}: delivered {}").addArgument(receiver.name())
                        .addArgument(alert.deliveryId()).log();
                commit(r);
                return;
            }
            if (outcome instanceof DeliveryOutcome.Permanent) {
                LOG.atWarn().setMessage("receiver {}: refused alert {} ({} {} for run {}): {}; routing it to {}")
                        .addArgument(receiver.name()).addArgument(alert.id()).addArgument(alert.rule())
                        .addArgument(alert.state()).addArgument(alert.runId()).addArgument(outcome.reason())
                        .addArgument(settings.undeliverableTopic())
                        .addKeyValue("event", "undeliverable").addKeyValue("receiver", receiver.name())
                        .addKeyValue("alert_id", alert.id()).log();
                if (!routeUndeliverable(r, outcome.reason())) {
                    return;
                }
                if (!keepsAlive || !alert.firing()) {
                    firing.remove(tp, alert.id());
                }
                commit(r);
                return;
            }
            if (closing || Thread.currentThread().isInterrupted()) {
                return;
            }
            Duration wait = settings.resilience().breakerOpenDuration();
            LOG.atWarn().setMessage("receiver {}: cannot deliver alert {} ({} {} for run {}) yet: {}; it stays first "
                            + "in line and is tried again in {} ms")
                    .addArgument(receiver.name()).addArgument(alert.id()).addArgument(alert.rule())
                    .addArgument(alert.state()).addArgument(alert.runId()).addArgument(outcome.reason())
                    .addArgument(wait.toMillis())
                    .addKeyValue("event", "delivery_delayed").addKeyValue("receiver", receiver.name()).log();
            pauseFor(wait);
        }
    }

    /**
     * Waits while staying in the consumer group: the partitions are paused and polled (which returns
     * nothing for them), and firing alerts are re-sent when due.
     */
    private void pauseFor(Duration wait) {
        Set<TopicPartition> paused = new HashSet<>(consumer.assignment());
        consumer.pause(paused);
        Instant until = clock.instant().plus(wait);
        try {
            while (!closing && !rewind && clock.instant().isBefore(until)) {
                consumer.poll(POLL);
                maybeResend();
            }
        } finally {
            Set<TopicPartition> still = new HashSet<>(consumer.assignment());
            still.retainAll(paused);
            consumer.resume(still);
        }
    }

    private void commit(ConsumerRecord<byte[], byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        try {
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(r.offset() + 1)));
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            // The partition was revoked meanwhile (or the group is rebalancing): its new owner starts
            // from the last commit and delivers this alert again.
            LOG.warn("receiver {}: cannot commit {}@{} after delivering it ({}); it will be delivered again",
                    receiver.name(), tp, r.offset(), e.toString());
            rewind = true;
        }
    }

    /** Writes the record to the undeliverable topic and waits for the broker; false if closing first. */
    private boolean routeUndeliverable(ConsumerRecord<byte[], byte[]> r, String reason) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(WatcherTopics.HEADER_REASON, utf8(reason));
        headers.add(HEADER_RECEIVER, utf8(receiver.name()));
        headers.add(WatcherTopics.HEADER_SOURCE_TOPIC, utf8(r.topic()));
        headers.add(WatcherTopics.HEADER_SOURCE_PARTITION, utf8(Integer.toString(r.partition())));
        headers.add(WatcherTopics.HEADER_SOURCE_OFFSET, utf8(Long.toString(r.offset())));
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(settings.undeliverableTopic(), null, r.key(),
                r.value(), headers);
        while (!closing && !rewind) {
            try {
                producer.send(out).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                metrics.undeliverable(receiver.name());
                return true;
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("receiver {}: cannot write to {} ({}); the alert at {}-{}@{} waits", receiver.name(),
                        settings.undeliverableTopic(), e.getCause() == null ? e : e.getCause(), r.topic(),
                        r.partition(), r.offset());
                pauseFor(settings.resilience().breakerOpenDuration());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /**
     * What the receiver is owed once {@code alert} was delivered: for Alertmanager the alert while it
     * fires; for the others nothing (a silence's hold on an earlier transition of it is over).
     */
    private void track(TopicPartition tp, AlertMessage alert) {
        if (keepsAlive) {
            firing.apply(tp, alert);
        } else {
            firing.remove(tp, alert.id());
        }
    }

    /**
     * Every {@code resendInterval}: re-sends the firing alerts to a receiver that keeps them alive,
     * and sends the alerts whose silence has ended (once, to the other receivers). Alerts still
     * silenced wait.
     */
    private void maybeResend() {
        Instant now = clock.instant();
        if (now.isBefore(nextResend)) {
            return;
        }
        nextResend = now.plus(settings.resendInterval());
        List<Notification> ns = new ArrayList<>();
        for (FiringAlerts.Owed owed : firing.all()) {
            AlertMessage a = owed.alert();
            if (DeliveryGate.silencedAt(a, now)) {
                continue;
            }
            if (keepsAlive) {
                ns.add(new Notification(a, book.latest(a.runId())));
            } else {
                release(owed);
            }
        }
        if (ns.isEmpty()) {
            return;
        }
        DeliveryOutcome o = receiver.tryOnce(ns);
        metrics.resend(receiver.name(), o);
        if (!o.delivered()) {
            LOG.warn("receiver {}: cannot re-send the {} firing alert(s): {}; next try in {} ms", receiver.name(),
                    ns.size(), o.reason(), settings.resendInterval().toMillis());
        }
    }

    /** Sends an alert whose silence has ended; it stays owed (for the next round) if that fails transiently. */
    private void release(FiringAlerts.Owed owed) {
        AlertMessage a = owed.alert();
        DeliveryOutcome o = receiver.deliver(List.of(new Notification(a, book.latest(a.runId()))));
        if (o instanceof DeliveryOutcome.Transient) {
            LOG.warn("receiver {}: cannot send alert {} after its silence ended: {}; next try in {} ms",
                    receiver.name(), a.id(), o.reason(), settings.resendInterval().toMillis());
            return;
        }
        if (!o.delivered()) {
            LOG.warn("receiver {}: refused alert {} after its silence ended: {}", receiver.name(), a.id(), o.reason());
        }
        firing.remove(owed.partition(), a.id());
    }

    /** Seeks every assigned partition back to its committed offset (its beginning if none). */
    private void rewind() {
        rewind = false;
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
        List<TopicPartition> fromStart = new ArrayList<>();
        for (TopicPartition tp : assigned) {
            OffsetAndMetadata c = committed.get(tp);
            if (c == null) {
                fromStart.add(tp);
            } else {
                consumer.seek(tp, c.offset());
            }
        }
        if (!fromStart.isEmpty()) {
            consumer.seekToBeginning(fromStart);
        }
    }

    /**
     * Rebuilds the firing alerts of newly assigned partitions from what was delivered before: the
     * partition from its beginning up to the committed offset.
     */
    private void rebuild(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
        Map<TopicPartition, Long> until = new LinkedHashMap<>();
        committed.forEach((tp, c) -> {
            if (c != null && c.offset() > 0) {
                until.put(tp, c.offset());
            }
        });
        if (until.isEmpty()) {
            return;
        }
        Map<String, Object> config = new LinkedHashMap<>(consumerConfig);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "watcher-notify-" + receiver.name() + "-rebuild");
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            reader.assign(until.keySet());
            reader.seekToBeginning(until.keySet());
            Instant deadline = clock.instant().plus(REBUILD_TIMEOUT);
            Set<TopicPartition> pending = new HashSet<>(until.keySet());
            while (!pending.isEmpty() && !closing && clock.instant().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> r : reader.poll(POLL)) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < until.get(tp)) {
                        remember(tp, r);
                    }
                }
                pending.removeIf(tp -> reader.position(tp) >= until.get(tp));
            }
            if (!pending.isEmpty() && !closing) {
                LOG.warn("receiver {}: could not re-read partitions {} within {} s; firing alerts there are not "
                        + "re-sent until they change", receiver.name(), pending, REBUILD_TIMEOUT.toSeconds());
            }
        } catch (KafkaException e) {
            LOG.warn("receiver {}: cannot rebuild the firing alerts of {}: {}", receiver.name(), until.keySet(),
                    e.toString());
        }
        LOG.info("receiver {}: {} firing alert(s) after reading back partitions {}", receiver.name(), firing.size(),
                until.keySet());
    }

    /**
     * Rebuilding: what the receiver is owed after this delivered record. A firing alert that carries
     * a silence may have been held back (not sent): it is owed, and sent if the silence is over (a
     * duplicate, with the same delivery id, if it had been sent already).
     */
    private void remember(TopicPartition tp, ConsumerRecord<byte[], byte[]> r) {
        AlertMessage alert;
        try {
            alert = AlertMessage.parse(r.value());
        } catch (IllegalArgumentException e) {
            return; // it went to the undeliverable topic when it was first read
        }
        if (gate.verdict(alert, clock.instant()) == DeliveryGate.Verdict.SKIP_SYNTHETIC) {
            return;
        }
        if (alert.firing() && alert.silenced().isPresent()) {
            firing.apply(tp, alert);
        } else {
            track(tp, alert);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Stops the worker: the alert in hand, if any, is not committed and is delivered after a restart. */
    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            if (!stopped.await(2, TimeUnit.SECONDS)) {
                thread.interrupt(); // a retry backoff or an HTTP request in progress
                if (!stopped.await(10, TimeUnit.SECONDS)) {
                    LOG.warn("receiver {}: the notifier did not stop within 12 s", receiver.name());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            rewind = true;
            firing.forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            rewind = true;
            if (!partitions.isEmpty()) {
                rebuild(partitions);
                nextResend = clock.instant();
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }
    }
}
