package dev.anneal.watcher.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What integration tests do with topics besides reading them ({@link TopicReader}): produce text
 * records, ask for end offsets and a consumer group's committed offsets, and wait until a group
 * has consumed everything written so far, the point after which a consumer that has not
 * published something provably will not publish it for those records.
 */
public final class KafkaTopics {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private KafkaTopics() {
    }

    /** Sends each value keyed by {@code key} (null: no key; a null value: a tombstone) and waits for the broker. */
    public static void send(String bootstrap, String topic, String key, String... values) {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String v : values) {
                get(p.send(new ProducerRecord<>(topic, utf8(key), utf8(v))), "sending to " + topic);
            }
        }
    }

    /** The end offset of every partition of {@code topic}: high watermarks, or last stable offsets. */
    public static Map<TopicPartition, Long> endOffsets(Admin admin, String topic, IsolationLevel isolation) {
        TopicDescription d = get(admin.describeTopics(List.of(topic)).allTopicNames(), "describing " + topic)
                .get(topic);
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        d.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> out = new HashMap<>();
        get(admin.listOffsets(request, new ListOffsetsOptions(isolation)).all(), "listing offsets of " + topic)
                .forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /** The offsets {@code group} has committed on the partitions of {@code topic} (absent: none yet). */
    public static Map<TopicPartition, Long> committed(Admin admin, String group, String topic) {
        Map<TopicPartition, OffsetAndMetadata> all = get(admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata(), "listing the offsets of group " + group);
        Map<TopicPartition, Long> out = new HashMap<>();
        all.forEach((tp, o) -> {
            if (tp.topic().equals(topic) && o != null) {
                out.put(tp, o.offset());
            }
        });
        return out;
    }

    /**
     * Waits until {@code group} has committed every record written to {@code topic} before this
     * call (its high watermarks now). A consumer commits after it has handled a record, so from
     * then on whatever it would publish for those records is published; for Kafka Streams under
     * exactly-once, committed in the same transaction. The topic must be written without
     * transactions: a commit marker ends a transactional topic, and a consumer that commits
     * record by record never commits past it.
     */
    public static void awaitCommitted(Admin admin, String group, String topic) {
        Map<TopicPartition, Long> ends = endOffsets(admin, topic, IsolationLevel.READ_UNCOMMITTED);
        Await.until("group " + group + " has committed " + topic + " up to " + ends, () -> {
            Map<TopicPartition, Long> c = committed(admin, group, topic);
            return ends.entrySet().stream().allMatch(e -> e.getValue() == 0
                    || c.getOrDefault(e.getKey(), -1L) >= e.getValue());
        });
    }

    private static <T> T get(Future<T> f, String what) {
        try {
            return f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError(what + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted " + what, e);
        }
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
