package dev.anneal.watcher.app.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.watcher.core.kafka.TopicFollower;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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

    private final String alertsTopic;
    private TopicFollower follower;

    private OutputLog(String alertsTopic) {
        this.alertsTopic = alertsTopic;
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
        OutputLog log = new OutputLog(alertsTopic);
        log.follower = TopicFollower.start("output-log", clientConfig, List.of(alertsTopic, recommendationsTopic),
                TopicFollower.Start.END, timeout, log::log);
        return log;
    }

    private void log(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return;
        }
        try {
            JsonNode v = MAPPER.readTree(r.value());
            if (r.topic().equals(alertsTopic)) {
                logAlert(v);
            } else {
                logRecommendation(v);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read the output at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
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

    /** Stops reading; waits briefly for the follower's thread, which closes the consumer. */
    @Override
    public void close() {
        follower.close();
    }
}
