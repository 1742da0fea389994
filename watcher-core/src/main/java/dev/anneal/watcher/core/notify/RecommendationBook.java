package dev.anneal.watcher.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each run's latest recommendation, kept in memory by reading the compacted recommendations topic
 * from its beginning, then following it (read_committed, every partition assigned, no consumer
 * group). Memory is one JSON object per run, which is what the compacted topic itself keeps.
 *
 * <p>This is deliberately simple rather than exact: the recommendation attached to a notification
 * is the latest one this reader has seen when the notification is built, which may lag the alert
 * by a poll, or be newer than the alert when the alert is delivered late. Receivers label it as
 * such. A GlobalKTable would give the same semantics with more machinery.
 */
public final class RecommendationBook implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RecommendationBook.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Map<String, JsonNode> latest = new ConcurrentHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    /** The end offsets when reading started; read in the reading thread only. */
    private final Map<TopicPartition, Long> startEnds;
    private volatile boolean closing;

    private RecommendationBook(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> startEnds) {
        this.consumer = consumer;
        this.startEnds = startEnds;
        this.thread = new Thread(this::run, "watcher-notify-recommendations");
        this.thread.setDaemon(true);
    }

    /**
     * Starts reading {@code topic} from its beginning.
     *
     * @param clientConfig consumer configuration (bootstrap servers, security)
     */
    public static RecommendationBook start(Map<String, Object> clientConfig, String topic, Duration timeout) {
        Map<String, Object> config = new LinkedHashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "watcher-notify-recommendations");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        Map<TopicPartition, Long> ends;
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic, timeout)) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            ends = new LinkedHashMap<>(consumer.endOffsets(partitions, timeout));
        } catch (RuntimeException e) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            throw e;
        }
        RecommendationBook book = new RecommendationBook(consumer, ends);
        book.thread.start();
        return book;
    }

    /**
     * Waits until everything that was on the topic when reading started has been read, so that
     * the first notifications carry the recommendations published before the notifier started.
     *
     * @return whether it caught up within {@code timeout}
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The run's latest recommendation seen, as published. */
    public Optional<JsonNode> latest(String runId) {
        return Optional.ofNullable(latest.get(runId));
    }

    private void run() {
        try {
            while (!closing) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    apply(r);
                }
                if (caughtUp.getCount() > 0
                        && startEnds.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            if (!closing) {
                LOG.error("the recommendations reader stopped unexpectedly", e);
            }
        } catch (RuntimeException e) {
            LOG.error("the recommendations reader stopped: notifications carry no recommendation updates", e);
        } finally {
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                LOG.debug("closing the recommendations reader: {}", e.toString());
            }
            stopped.countDown();
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        if (r.value() == null) {
            if (key != null) {
                latest.remove(key);
            }
            return;
        }
        try {
            JsonNode v = MAPPER.readTree(r.value());
            String run = v.path("run_id").asText(key);
            if (run != null) {
                latest.put(run, v);
            }
        } catch (IOException e) {
            LOG.warn("cannot read the recommendation at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                    e.toString());
        }
    }

    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            if (!stopped.await(10, TimeUnit.SECONDS)) {
                LOG.warn("the recommendations reader did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
