package dev.anneal.watcher.core.command;

import dev.anneal.watcher.core.output.AuditJson;
import dev.anneal.watcher.core.output.CommandFormatException;
import dev.anneal.watcher.core.output.CommandJson;
import dev.anneal.watcher.core.stream.WatcherTopics;
import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.OperatorCommand;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends operator commands to the commands topic and waits for their audit records: the one way in
 * for {@code watcher clear|ack|silence|unsilence|end} and for the daemon's HTTP command endpoints.
 *
 * <h2>Sending</h2>
 * A command to one run is one record keyed by its run id, so it lands on the partition of the run's
 * telemetry (the topics are co-partitioned) and is applied in order with the run's records. A
 * command to every run ({@link OperatorCommand#ALL_RUNS}) is written once to every partition, keyed
 * {@code *}, so that every stream task stores it. The producer is idempotent with {@code acks=all};
 * the command id makes a retry harmless on the daemon's side too (a second copy is answered
 * {@code duplicate}).
 *
 * <h2>Awaiting</h2>
 * Before sending, a consumer is assigned every partition of the audit topic at its end
 * ({@code read_committed}: the daemon writes audit records in its transactions), so no audit record
 * of this command can be missed; it then reads until one audit record per copy came back, or the
 * wait is over. Every call has its own consumer, so calls from several threads do not interfere;
 * the producer is shared.
 */
public final class CommandClient implements AutoCloseable {

    /** The commands topic's default name: the daemon's ({@link WatcherTopics#DEFAULT_COMMANDS}). */
    public static final String DEFAULT_COMMANDS_TOPIC = WatcherTopics.DEFAULT_COMMANDS;
    /** The audit topic's default name: the daemon's ({@link WatcherTopics#DEFAULT_AUDIT}). */
    public static final String DEFAULT_AUDIT_TOPIC = WatcherTopics.DEFAULT_AUDIT;
    /** The key of a command to every run. */
    public static final String ALL_RUNS_KEY = OperatorCommand.ALL_RUNS;

    private static final Logger LOG = LoggerFactory.getLogger(CommandClient.class);
    private static final Duration POLL = Duration.ofMillis(200);

    /** Where commands go and where their audit records come back. */
    public record Topics(String commands, String audit) {
        /** The default topics. */
        public static final Topics DEFAULTS = new Topics(DEFAULT_COMMANDS_TOPIC, DEFAULT_AUDIT_TOPIC);

        public Topics {
            Objects.requireNonNull(commands, "commands");
            Objects.requireNonNull(audit, "audit");
            if (commands.equals(audit)) {
                throw new IllegalArgumentException("the commands and the audit topic must differ");
            }
        }
    }

    private final Map<String, Object> consumerConfig;
    private final Topics topics;
    private final Duration timeout;
    private final KafkaProducer<byte[], byte[]> producer;

    /**
     * @param clientConfig the brokers and any security settings, shared by the producer and the consumers
     * @param clientId     the Kafka client id (tells the CLI from the daemon's API in broker logs)
     * @param topics       the commands and audit topics
     * @param timeout      how long to wait for the brokers before giving up ({@link CommandSendException.Kind#UNAVAILABLE})
     */
    public CommandClient(Map<String, Object> clientConfig, String clientId, Topics topics, Duration timeout) {
        this.topics = Objects.requireNonNull(topics, "topics");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        Map<String, Object> consumer = new LinkedHashMap<>(clientConfig);
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-audit");
        consumer.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        consumer.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumerConfig = Map.copyOf(consumer);
        Map<String, Object> producer = new LinkedHashMap<>(clientConfig);
        producer.remove(ConsumerConfig.GROUP_ID_CONFIG);
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        producer.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
        producer.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        producer.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                (int) Math.min(Integer.MAX_VALUE, timeout.toMillis() + 30_000));
        this.producer = new KafkaProducer<>(producer, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public Topics topics() {
        return topics;
    }

    /**
     * Writes the command and returns without waiting for its audit record.
     *
     * @return the number of copies written (1, or the commands topic's partition count for every run)
     */
    public int send(OperatorCommand command) throws CommandSendException, InterruptedException {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            return write(command, consumer);
        } catch (KafkaException e) {
            throw failure(e);
        }
    }

    /**
     * Writes the command and waits at most {@code wait} for an audit record per copy.
     *
     * @return what came back; {@link Receipt.Status#PENDING} when not every copy was answered in time
     */
    public Receipt sendAndAwait(OperatorCommand command, Duration wait)
            throws CommandSendException, InterruptedException {
        try (KafkaConsumer<byte[], byte[]> audit = consumer()) {
            List<TopicPartition> partitions = partitions(audit, topics.audit());
            audit.assign(partitions);
            audit.endOffsets(partitions, timeout).forEach(audit::seek);
            partitions.forEach(audit::position); // fix the start before the command can be answered
            int copies = write(command, audit);
            return new Receipt(command, copies, await(audit, command, copies, wait));
        } catch (KafkaException e) {
            throw failure(e);
        }
    }

    private int write(OperatorCommand command, KafkaConsumer<byte[], byte[]> metadata)
            throws CommandSendException, InterruptedException {
        List<TopicPartition> partitions = partitions(metadata, topics.commands());
        byte[] value = CommandJson.toJson(command).getBytes(StandardCharsets.UTF_8);
        byte[] key = command.runId().getBytes(StandardCharsets.UTF_8);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        if (command.allRuns()) {
            for (TopicPartition tp : partitions) {
                sent.add(producer.send(new ProducerRecord<>(topics.commands(), tp.partition(), key, value)));
            }
        } else {
            sent.add(producer.send(new ProducerRecord<>(topics.commands(), key, value)));
        }
        try {
            for (Future<RecordMetadata> f : sent) {
                f.get(timeout.toMillis() + 30_000, TimeUnit.MILLISECONDS);
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw unavailable(e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TimeoutException || cause instanceof RetriableException) {
                throw unavailable(cause);
            }
            throw new CommandSendException(CommandSendException.Kind.REFUSED_BY_KAFKA, "Kafka refused the command for "
                    + topics.commands() + ": " + cause.getMessage(), cause);
        }
        LOG.atInfo().setMessage("sent command {} ({} {} by {}) to {} ({} cop{})").addArgument(command.commandId())
                .addArgument(command.type().id()).addArgument(command.runId()).addArgument(command.actor())
                .addArgument(topics.commands()).addArgument(sent.size()).addArgument(sent.size() == 1 ? "y" : "ies")
                .addKeyValue("event", "command_sent").addKeyValue("command_id", command.commandId()).log();
        return sent.size();
    }

    private List<Receipt.Audit> await(KafkaConsumer<byte[], byte[]> audit, OperatorCommand command, int copies,
            Duration wait) throws InterruptedException {
        byte[] idBytes = command.commandId().getBytes(StandardCharsets.UTF_8);
        List<Receipt.Audit> got = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        while (got.size() < copies) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                break;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for the audit record of "
                        + command.commandId());
            }
            for (ConsumerRecord<byte[], byte[]> r : audit.poll(Duration.ofMillis(Math.min(POLL.toMillis(), left)))) {
                if (r.value() == null || !contains(r.value(), idBytes)) {
                    continue;
                }
                String json = new String(r.value(), StandardCharsets.UTF_8);
                try {
                    AuditRecord a = AuditJson.parse(json);
                    if (a.command().commandId().equals(command.commandId())) {
                        got.add(new Receipt.Audit(a, json));
                    }
                } catch (CommandFormatException e) {
                    LOG.warn("an audit record at {}-{}@{} names command {} but cannot be read: {}", r.topic(),
                            r.partition(), r.offset(), command.commandId(), e.getMessage());
                }
            }
        }
        return got;
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic)
            throws CommandSendException {
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(topic, timeout);
        } catch (TimeoutException e) {
            throw unavailable(e);
        }
        if (infos == null || infos.isEmpty()) {
            throw new CommandSendException(CommandSendException.Kind.NO_TOPIC, "topic " + topic + " does not exist; "
                    + "the watcher daemon creates it when it starts", null);
        }
        return infos.stream().map(p -> new TopicPartition(topic, p.partition()))
                .sorted((a, b) -> Integer.compare(a.partition(), b.partition())).toList();
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private CommandSendException failure(KafkaException e) {
        if (e instanceof TimeoutException || e instanceof RetriableException) {
            return unavailable(e);
        }
        return new CommandSendException(CommandSendException.Kind.REFUSED_BY_KAFKA, "Kafka refused: " + e.getMessage(),
                e);
    }

    private CommandSendException unavailable(Throwable cause) {
        return new CommandSendException(CommandSendException.Kind.UNAVAILABLE, "no Kafka broker answered at "
                + consumerConfig.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG) + " within " + timeout.toSeconds()
                + " s", cause);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Closes the producer (after sending what it holds). */
    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
