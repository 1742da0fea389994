package dev.anneal.watcher.app.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.watcher.core.decode.Rejection;
import dev.anneal.watcher.core.output.AlertJson;
import dev.anneal.watcher.core.output.RecommendationJson;
import dev.anneal.watcher.core.replay.Replay;
import dev.anneal.watcher.core.replay.ReplayListener;
import dev.anneal.watcher.core.replay.ReplayOptions;
import dev.anneal.watcher.core.replay.ReplayResult;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.Recommendation;
import dev.anneal.watcher.testkit.TopicReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;

/**
 * The two sides of the crash test's comparison, in one normal form: per run id, in order, the
 * alert transitions (firing and resolved, the ones the daemon publishes) and the recommendation
 * changes, each as its JSON object with
 * <ul>
 *   <li>every position ({@code source}, {@code started_at}, and both in each evidence entry) in
 *       replay's terms: a daemon position {@code anneal.telemetry/<p>:<offset + 1>} becomes
 *       {@code crash.jsonl:<line>}, the file line that was produced to that partition and
 *       offset (known exactly from the producer's acknowledgements);</li>
 *   <li>alert ids ({@code id}, evidence {@code alert_id}) left out: they are digests of the start
 *       position, which differs by construction and is itself compared, mapped.</li>
 * </ul>
 * Everything else (rule, run_id, state, severity, action, value, threshold, event_time, labels,
 * annotations, synthetic, rule_set; latched, reasons and the evidence) is compared as written.
 */
public final class CrashOutputs {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One side: per run, in order, normalised JSON texts. */
    public record Side(Map<String, List<String>> alerts, Map<String, List<String>> recommendations, long rejections) {
        public long alertCount() {
            return alerts.values().stream().mapToLong(List::size).sum();
        }

        public long recommendationCount() {
            return recommendations.values().stream().mapToLong(List::size).sum();
        }
    }

    private CrashOutputs() {
    }

    // ------------------------------------------------------------------ replay

    /** Replays the stream's file with {@code rules}: the expected outputs. */
    public static Side replay(RuleSet rules, CrashStream stream) throws Exception {
        Map<String, List<String>> alerts = new TreeMap<>();
        Map<String, List<String>> recs = new TreeMap<>();
        long[] rejections = {0};
        Replay replay = new Replay(rules, ReplayOptions.defaults(), new ReplayListener() {
            @Override
            public void alert(AlertEvent alert) {
                if (alert.state() == AlertState.FIRING || alert.state() == AlertState.RESOLVED) {
                    alerts.computeIfAbsent(alert.runId(), r -> new ArrayList<>())
                            .add(normalAlert(AlertJson.toJson(alert), UnaryOperator.identity()));
                }
            }

            @Override
            public void recommendation(Recommendation rec) {
                recs.computeIfAbsent(rec.runId(), r -> new ArrayList<>())
                        .add(normalRecommendation(RecommendationJson.toJson(rec), UnaryOperator.identity()));
            }

            @Override
            public void rejected(Rejection rejection) {
                rejections[0]++;
            }
        });
        try (InputStream in = Files.newInputStream(stream.file())) {
            replay.replay(CrashStream.FILE_NAME, in, "crash");
        }
        ReplayResult result = replay.finish();
        if (result.counts().read() != stream.records()) {
            throw new AssertionError("replay read " + result.counts().read() + " records, expected "
                    + stream.records());
        }
        return new Side(alerts, recs, rejections[0]);
    }

    // ------------------------------------------------------------------ daemon

    /** Reads the daemon's outputs with read_committed: the actual outputs. */
    public static Side daemon(String bootstrap, String inputTopic, String alertsTopic, String recommendationsTopic,
            String dlqTopic, CrashStream stream) {
        Pattern daemonPosition = Pattern.compile("^" + Pattern.quote(inputTopic) + "/(\\d+):(\\d+)(\\[\\d+])?$");
        UnaryOperator<String> map = position -> {
            Matcher m = daemonPosition.matcher(position);
            if (!m.matches()) {
                throw new AssertionError("not a daemon position of " + inputTopic + ": " + position);
            }
            int line = stream.line(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)) - 1);
            return CrashStream.FILE_NAME + ":" + line + (m.group(3) == null ? "" : m.group(3));
        };
        Map<String, List<String>> alerts = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(bootstrap, alertsTopic, true)) {
            String json = new String(r.value(), StandardCharsets.UTF_8);
            alerts.computeIfAbsent(keyOf(r, json), k -> new ArrayList<>()).add(normalAlert(json, map));
        }
        Map<String, List<String>> recs = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(bootstrap, recommendationsTopic, true)) {
            String json = new String(r.value(), StandardCharsets.UTF_8);
            recs.computeIfAbsent(keyOf(r, json), k -> new ArrayList<>()).add(normalRecommendation(json, map));
        }
        long dead = readAll(bootstrap, dlqTopic, true).size();
        return new Side(alerts, recs, dead);
    }

    /** The record's key, checked against the run_id in its JSON (the daemon keys outputs by run id). */
    private static String keyOf(ConsumerRecord<byte[], byte[]> r, String json) {
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        String runId = parse(json).path("run_id").asText(null);
        if (key == null || !key.equals(runId)) {
            throw new AssertionError("output keyed " + key + " but for run " + runId + " at " + r.topic() + "/"
                    + r.partition() + "@" + r.offset());
        }
        return key;
    }

    /**
     * Every record of {@code topic} from its beginning to its end (its high watermarks when reading
     * starts), as a consumer with {@code isolation.level=read_committed} (or read_uncommitted) sees
     * them; call this once no transaction is open.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, boolean committed) {
        try (TopicReader reader = new TopicReader(bootstrap, topic,
                committed ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED)) {
            return reader.readToEnd(Duration.ofSeconds(120));
        }
    }

    // ------------------------------------------------------------------ normal form

    private static String normalAlert(String json, UnaryOperator<String> map) {
        ObjectNode node = parse(json);
        node.remove("id");
        mapPosition(node, "source", map);
        mapPosition(node, "started_at", map);
        return node.toString();
    }

    private static String normalRecommendation(String json, UnaryOperator<String> map) {
        ObjectNode node = parse(json);
        mapPosition(node, "source", map);
        for (JsonNode e : node.withArray("evidence")) {
            ObjectNode evidence = (ObjectNode) e;
            evidence.remove("alert_id");
            mapPosition(evidence, "source", map);
            mapPosition(evidence, "started_at", map);
        }
        return node.toString();
    }

    private static void mapPosition(ObjectNode node, String field, UnaryOperator<String> map) {
        if (node.hasNonNull(field)) {
            node.put(field, map.apply(node.get(field).asText()));
        }
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ differences

    /**
     * A readable account of how {@code actual} differs from {@code expected} (per run: missing,
     * extra and reordered entries), at most {@code limit} runs; empty when they are equal.
     */
    public static String differences(String what, Map<String, List<String>> expected, Map<String, List<String>> actual,
            int limit) {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        TreeMap<String, Boolean> runs = new TreeMap<>();
        expected.keySet().forEach(k -> runs.put(k, true));
        actual.keySet().forEach(k -> runs.put(k, true));
        for (String run : runs.keySet()) {
            List<String> e = expected.getOrDefault(run, List.of());
            List<String> a = actual.getOrDefault(run, List.of());
            if (e.equals(a)) {
                continue;
            }
            if (shown++ >= limit) {
                sb.append("  ... and more runs\n");
                break;
            }
            sb.append("  ").append(what).append(" of run ").append(run).append(": expected ").append(e.size())
                    .append(", got ").append(a.size()).append('\n');
            int i = 0;
            while (i < Math.min(e.size(), a.size()) && e.get(i).equals(a.get(i))) {
                i++;
            }
            sb.append("    first difference at #").append(i).append('\n');
            if (i < e.size()) {
                sb.append("    expected: ").append(e.get(i)).append('\n');
            }
            if (i < a.size()) {
                sb.append("    got:      ").append(a.get(i)).append('\n');
            }
            List<String> missing = new ArrayList<>(e);
            a.forEach(missing::remove);
            List<String> extra = new ArrayList<>(a);
            e.forEach(extra::remove);
            sb.append("    missing ").append(missing.size()).append(", extra (duplicated or unexpected) ")
                    .append(extra.size()).append('\n');
            extra.stream().limit(3).forEach(x -> sb.append("      extra: ").append(x).append('\n'));
            missing.stream().limit(3).forEach(x -> sb.append("      missing: ").append(x).append('\n'));
        }
        return sb.toString();
    }
}
