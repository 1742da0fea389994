package dev.anneal.watcher.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.watcher.core.kafka.TopicFollower;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
    private TopicFollower follower;

    private RecommendationBook() {
    }

    /**
     * Starts reading {@code topic} from its beginning.
     *
     * @param clientConfig consumer configuration (bootstrap servers, security)
     */
    public static RecommendationBook start(Map<String, Object> clientConfig, String topic, Duration timeout) {
        RecommendationBook book = new RecommendationBook();
        book.follower = TopicFollower.start("notify-recommendations", clientConfig, List.of(topic),
                TopicFollower.Start.BEGINNING, timeout, book::apply);
        return book;
    }

    /**
     * Waits until everything that was on the topic when reading started has been read, so that
     * the first notifications carry the recommendations published before the notifier started.
     *
     * @return whether it caught up within {@code timeout}
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return follower.awaitCaughtUp(timeout);
    }

    /** The run's latest recommendation seen, as published. */
    public Optional<JsonNode> latest(String runId) {
        return Optional.ofNullable(latest.get(runId));
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
        follower.close();
    }
}
