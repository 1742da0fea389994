package dev.anneal.watcher.app.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Logs each alert transition and each recommendation change once, by reading them back from the
 * alerts and recommendations topics with {@code isolation.level=read_committed}.
 *
 * <h2>Why read the outputs back instead of logging in the processor</h2>
 * Under exactly-once processing a stream task may process a record, produce its outputs and then
 * abort the transaction (a rebalance, a fenced producer, a crash before the commit); the record is
 * processed again and its outputs produced again. A log line written in the processor would then
 * appear twice, and once for outputs no consumer ever sees. Reading the committed outputs logs
 * exactly what consumers of the topics see, once each.
 *
 * <p>The consumer is assigned every partition of the two topics (no consumer group, no committed
 * offsets) and starts at their end as it was when this daemon started, before Kafka Streams
 * starts producing: everything this daemon publishes is logged, nothing published before it
 * started is. With several daemons sharing the work, each logs every output of the cluster.
 */
final class OutputLog implements AutoCloseable {

    private static final Logger ALERTS = LoggerFactory.getLogger("dev.anneal.watcher.alerts");
    private static final Logger RECOMMENDATIONS = LoggerFactory.getLogger("dev.anneal.watcher.recommendations");
    private static final Logger LOG = LoggerFactory.getLogger(OutputLog.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(500);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String alertsTopic;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closing;

    private OutputLog(KafkaConsumer<byte[], byte[]> consumer, String alertsTopic) {
        this.consumer = consumer;
        this.alertsTopic = alertsTopic;
        this.thread = new Thread(this::run, "watcher-output-log");
        this.thread.setDaemon(true);
    }

    /**
     * Assigns the topics' partitions, fixes the start positions at their current ends and starts
     * logging.
     *
     * @param clientConfig consumer configuration (bootstrap servers, security)
     * @param timeout      how long to wait for the partitions and their end offsets
     */
    static OutputLog start(Map<String, Object> clientConfig, String alertsTopic, String recommendationsTopic,
            Duration timeout) {
        Map<String, Object> config = new java.util.LinkedHashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(alertsTopic, recommendationsTopic)) {
                for (PartitionInfo p : consumer.partitionsFor(topic, timeout)) {
                    partitions.add(new TopicPartition(topic, p.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            for (TopicPartition tp : partitions) {
                consumer.position(tp, timeout); // resolves the lazy seek now, before Streams produces
            }
        } catch (RuntimeException e) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            throw e;
        }
        OutputLog log = new OutputLog(consumer, alertsTopic);
        log.thread.start();
        return log;
    }

    private void run() {
        try {
            while (!closing) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    if (r.value() == null) {
                        continue;
                    }
                    try {
                        JsonNode v = MAPPER.readTree(r.value());
                        if (r.topic().equals(alertsTopic)) {
                            logAlert(v);
                        } else {
                            logRecommendation(v);
                        }
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("cannot read the output at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                                e.toString());
                    }
                }
            }
        } catch (WakeupException e) {
            if (!closing) {
                LOG.error("the output log stopped unexpectedly", e);
            }
        } catch (RuntimeException e) {
            LOG.error("the output log stopped: alert and recommendation changes are no longer logged", e);
        } finally {
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                LOG.debug("closing the output log consumer: {}", e.toString());
            }
            stopped.countDown();
        }
    }

    /** {@code alert kl_gate firing for run run-a: HOLD (warning), value 0.07 > threshold 0.05 at anneal.telemetry/0:2}. */
    static void logAlert(JsonNode v) {
        String state = text(v, "state");
        StringBuilder msg = new StringBuilder("alert ").append(text(v, "rule")).append(' ').append(state)
                .append(" for run ").append(text(v, "run_id")).append(": ").append(text(v, "action"))
                .append(" (").append(text(v, "severity")).append(')');
        if (has(v, "value")) {
            msg.append(", value ").append(v.get("value").asText());
        }
        if (has(v, "threshold")) {
            msg.append(", threshold ").append(v.get("threshold").asText());
        }
        msg.append(" at ").append(text(v, "source"));
        // The summary describes the firing condition; on other transitions it would read as false.
        JsonNode summary = v.path("annotations").get("summary");
        if ("firing".equals(state) && summary != null && summary.isTextual()) {
            msg.append(": ").append(summary.asText());
        }
        LoggingEventBuilder e = "firing".equals(state) ? ALERTS.atWarn() : ALERTS.atInfo();
        e.setMessage(msg.toString())
                .addKeyValue("event", "alert")
                .addKeyValue("rule", text(v, "rule"))
                .addKeyValue("run_id", text(v, "run_id"))
                .addKeyValue("state", state)
                .addKeyValue("severity", text(v, "severity"))
                .addKeyValue("action", text(v, "action"))
                .addKeyValue("alert_id", text(v, "id"))
                .addKeyValue("source", text(v, "source"))
                .log();
    }

    /** {@code recommendation for run run-a: FREEZE (latched) because grad_norm_spike: ... at anneal.telemetry/0:3}. */
    static void logRecommendation(JsonNode v) {
        StringBuilder msg = new StringBuilder("recommendation for run ").append(text(v, "run_id")).append(": ")
                .append(text(v, "action"));
        if (v.path("latched").asBoolean(false)) {
            msg.append(" (latched)");
        }
        List<String> reasons = new ArrayList<>();
        v.path("reasons").forEach(r -> reasons.add(r.asText()));
        if (!reasons.isEmpty()) {
            msg.append(" because ").append(String.join("; ", reasons));
        }
        msg.append(" at ").append(text(v, "source"));
        RECOMMENDATIONS.atInfo().setMessage(msg.toString())
                .addKeyValue("event", "recommendation")
                .addKeyValue("run_id", text(v, "run_id"))
                .addKeyValue("action", text(v, "action"))
                .addKeyValue("latched", v.path("latched").asBoolean(false))
                .addKeyValue("source", text(v, "source"))
                .log();
    }

    private static boolean has(JsonNode v, String field) {
        JsonNode n = v.get(field);
        return n != null && !n.isNull();
    }

    private static String text(JsonNode v, String field) {
        JsonNode n = v.get(field);
        return n == null || n.isNull() ? "-" : n.asText();
    }

    /** Stops reading; waits briefly for the thread, which closes the consumer. */
    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            if (!stopped.await(10, TimeUnit.SECONDS)) {
                LOG.warn("the output log did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
