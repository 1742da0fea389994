package dev.anneal.watcher.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one whole topic from its beginning, as the tests' witness of what was published: every
 * partition assigned (no consumer group), {@code read_committed} unless asked otherwise, and
 * everything read kept in order of arrival.
 */
public final class TopicReader implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);

    private final String bootstrap;
    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions = new ArrayList<>();
    private final List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();

    /** A {@code read_committed} reader of {@code topic}. */
    public TopicReader(String bootstrap, String topic) {
        this(bootstrap, topic, IsolationLevel.READ_COMMITTED);
    }

    public TopicReader(String bootstrap, String topic, IsolationLevel isolation) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(topic, p.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Everything read so far, after reading until at least {@code n} records are there (or failing). */
    public List<ConsumerRecord<byte[], byte[]>> await(int n) {
        try {
            Await.until(n + " records on " + topic, () -> poll().size() >= n);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; got " + seen.size() + ": " + values(), e);
        }
        return records();
    }

    /** Everything read so far, after one more poll. */
    public List<ConsumerRecord<byte[], byte[]>> poll() {
        consumer.poll(POLL).forEach(seen::add);
        return records();
    }

    /**
     * Everything on the topic up to its high watermarks at this call. A {@code read_committed}
     * reader gets there only once every transaction that wrote before the call is committed or
     * aborted, so nothing written before the call is still to come.
     */
    public List<ConsumerRecord<byte[], byte[]>> readToEnd() {
        return readToEnd(Await.DEFAULT);
    }

    /** As {@link #readToEnd()}, failing after {@code timeout} (a big topic). */
    public List<ConsumerRecord<byte[], byte[]>> readToEnd(Duration timeout) {
        Map<TopicPartition, Long> ends;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            ends = KafkaTopics.endOffsets(admin, topic, IsolationLevel.READ_UNCOMMITTED);
        }
        Await.until(timeout, "reading " + topic + " to its end " + ends, () -> {
            if (partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.getOrDefault(tp, 0L))) {
                return true;
            }
            poll();
            return false;
        });
        return records();
    }

    /** Everything read so far. */
    public List<ConsumerRecord<byte[], byte[]>> records() {
        return List.copyOf(seen);
    }

    /** The values read so far as text (null for a tombstone). */
    public List<String> values() {
        return seen.stream().map(TopicReader::value).toList();
    }

    /** A record's value as text, or null. */
    public static String value(ConsumerRecord<byte[], byte[]> r) {
        return r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8);
    }

    /** A record's key as text, or null. */
    public static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
