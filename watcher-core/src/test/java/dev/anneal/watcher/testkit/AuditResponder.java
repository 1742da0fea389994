package dev.anneal.watcher.testkit;

import dev.anneal.watcher.core.output.AuditJson;
import dev.anneal.watcher.core.output.CommandFormatException;
import dev.anneal.watcher.core.output.CommandJson;
import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.CommandOutcome;
import dev.anneal.watcher.rules.model.OperatorCommand;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A TEST DOUBLE of the daemon's audit output, for testing the command senders (the CLI commands
 * and the HTTP command endpoints) without the daemon: it reads the commands topic from its end and
 * answers every command record with one audit record on the audit topic, keyed by the command's
 * run id, in the wire format of {@link AuditJson}, with the outcome and detail a test chooses. It
 * applies nothing and keeps no run state: it only shows the senders what the daemon's answer looks
 * like. End-to-end tests against the real daemon replace it.
 *
 * <p>Every command it read, in order, is kept ({@link #commands()}), parsed strictly with
 * {@link CommandJson}, with its partition, so tests check what the senders wrote.
 */
public final class AuditResponder implements AutoCloseable {

    /** The answer to one command: outcome and detail. */
    public record Answer(CommandOutcome outcome, String detail) {
        public static Answer applied(String detail) {
            return new Answer(CommandOutcome.APPLIED, detail);
        }

        public static Answer refused(String detail) {
            return new Answer(CommandOutcome.REFUSED, detail);
        }

        /** No audit record at all: the daemon is down or slow. */
        public static Answer silence() {
            return new Answer(null, null);
        }
    }

    /** One command record read from the commands topic. */
    public record Received(OperatorCommand command, String key, int partition, String json) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final String auditTopic;
    private final Function<OperatorCommand, Answer> answers;
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private volatile boolean closing;

    /**
     * Starts answering the commands sent from now on.
     *
     * @param answers the answer to each command, by the command
     */
    public AuditResponder(String bootstrap, String commandsTopic, String auditTopic,
            Function<OperatorCommand, Answer> answers) {
        this.auditTopic = auditTopic;
        this.answers = answers;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(commandsTopic, Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(commandsTopic, p.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        this.thread = new Thread(this::run, "audit-responder");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (!closing) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    String json = new String(r.value(), StandardCharsets.UTF_8);
                    OperatorCommand c;
                    try {
                        c = CommandJson.parse(json);
                    } catch (CommandFormatException e) {
                        throw new AssertionError("a sender wrote a command CommandJson cannot read: " + json, e);
                    }
                    received.add(new Received(c, new String(r.key(), StandardCharsets.UTF_8), r.partition(), json));
                    Answer a = answers.apply(c);
                    if (a.outcome() != null) {
                        AuditRecord audit = new AuditRecord(c, a.outcome(), a.detail(), c.issuedAt() + 1, 7,
                                "sha256:test");
                        producer.send(new ProducerRecord<>(auditTopic, r.key(),
                                AuditJson.toJson(audit).getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Exception e) {
            throw new IllegalStateException("the audit responder failed", e);
        } finally {
            consumer.close();
        }
    }

    /** The command records read so far, in order. */
    public List<Received> commands() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Waits until {@code n} command records were read, and returns them all. */
    public List<Received> awaitCommands(int n) {
        Await.until(n + " command record(s)", () -> received.size() >= n);
        return commands();
    }

    @Override
    public void close() throws InterruptedException {
        closing = true;
        consumer.wakeup();
        thread.join(TimeUnit.SECONDS.toMillis(30));
        producer.close(Duration.ofSeconds(5));
    }
}
