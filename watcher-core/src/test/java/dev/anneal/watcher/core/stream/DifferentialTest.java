package dev.anneal.watcher.core.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.watcher.core.decode.Rejection;
import dev.anneal.watcher.core.output.AlertJson;
import dev.anneal.watcher.core.output.AuditJson;
import dev.anneal.watcher.core.output.CommandJson;
import dev.anneal.watcher.core.output.RecommendationJson;
import dev.anneal.watcher.core.replay.CommandSchedule;
import dev.anneal.watcher.core.replay.Replay;
import dev.anneal.watcher.core.replay.ReplayListener;
import dev.anneal.watcher.core.replay.ReplayOptions;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.engine.RunStateCodec;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.load.RuleSetCompiler;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.Recommendation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The differential acceptance test: the same recorded stream through the daemon's topology and
 * through {@code Replay} gives the same alert transitions, recommendations and rejections.
 *
 * <p>Inputs: every NDJSON recording under {@code testdata/townlet} (the PPO logs, and the
 * world-telemetry stream, which is all rejections), plus {@code stream/synthetic_runs.ndjson}:
 * eleven runs interleaved, with event times, breaching every kind of anneal-gates rule (KL+grad,
 * grad spike, entropy shift, loss drift, queue drift, trainer flags, BC dips, rehearsals up to
 * PROMOTE), latches and an escalation, a QA-injected record, and bad lines. Each runs under the
 * default pack and under all built-in packs together (whose requirements reject most synthetic
 * records, which must then be rejected alike).
 *
 * <p>How they are fed: replay reads the file; the daemon gets every line, blank ones included, as
 * one message on partition 0, keyed by the run id replay uses for it (the envelope's
 * {@code run_id}, else the file's run id), with Kafka timestamps one second apart.
 *
 * <p>What is compared: the sequences, in order, of
 * <ul>
 *   <li>alert transitions (firing and resolved, the ones the daemon publishes): the whole JSON
 *       object except {@code id} and {@code event_time};</li>
 *   <li>recommendations: the whole JSON object except {@code event_time} and each evidence
 *       entry's {@code alert_id};</li>
 *   <li>rejections: position and reason (the daemon's dead letters for blank lines excepted,
 *       since replay skips blank lines).</li>
 * </ul>
 * Positions differ by construction (replay {@code file:line}, the daemon
 * {@code topic/partition:offset+1}); because every line is one message, offset + 1 is the line,
 * so daemon positions are mapped to replay's by replacing {@code anneal.telemetry/0} with the
 * file name, and then compared exactly. Alert ids are digests of the start position, so they
 * differ with it and are left out (the start position itself is compared). Event times differ
 * for records without an envelope ts (replay's ordinal, the daemon's Kafka timestamp) and are
 * left out. Absence rules are the documented exception to equality (the daemon fires them on the
 * wall clock), and no input here is silent for the pack's 600 s.
 */
class DifferentialTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DAEMON_SOURCE = WatcherTopics.DEFAULT_INPUT + "/0";
    private static final Pattern DAEMON_POSITION = Pattern.compile("^" + Pattern.quote(DAEMON_SOURCE) + ":(.*)$");
    private static final Map<String, RuleSet> RULE_SETS = Map.of(
            "anneal-gates", StreamHarness.annealGates(),
            "all packs", allPacks());

    @TempDir
    Path stateDir;

    static Stream<Arguments> streams() throws IOException {
        Path data = projectRoot().resolve("testdata/townlet");
        List<Arguments> out = new ArrayList<>();
        for (String rules : List.of("anneal-gates", "all packs")) {
            out.add(Arguments.of(rules, "synthetic_runs.ndjson", resource("stream/synthetic_runs.ndjson")));
            try (Stream<Path> files = Files.walk(data)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
                    out.add(Arguments.of(rules, data.relativize(f).toString().replace('\\', '/'),
                            Files.readAllBytes(f)));
                }
            }
        }
        assertThat(out).as("recorded files found under " + data).hasSizeGreaterThan(4);
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("streams")
    void theDaemonDecidesExactlyAsReplayDoes(String rulesName, String name, byte[] bytes) throws Exception {
        RuleSet rules = RULE_SETS.get(rulesName);
        Outputs replay = replay(rules, name, bytes);
        Outputs daemon = daemon(rules, name, bytes);

        assertThat(daemon.alerts).as("alert transitions").isEqualTo(replay.alerts);
        assertThat(daemon.recommendations).as("recommendations").isEqualTo(replay.recommendations);
        assertThat(daemon.rejections).as("rejections").isEqualTo(replay.rejections);
        assertThat(replay.recommendations.size() + replay.rejections.size()).as("the input did something")
                .isPositive();
        if (name.startsWith("synthetic") && rulesName.equals("anneal-gates")) {
            // 41 transitions, and 3 resolved when the rehearsal summary ends run-promote.
            assertThat(replay.alerts).as("the synthetic stream breaches rules").hasSize(44);
            assertThat(replay.rejections).hasSize(3);
            assertThat(replay.recommendations).extracting(r -> WatcherTopologyTest.field(r, "action"))
                    .as("every rung of the ladder is reached").contains("PROMOTE", "PASS", "HOLD", "FREEZE", "ROLLBACK");
        }
    }

    private record Outputs(List<String> alerts, List<String> recommendations, List<String> rejections) {
    }

    /**
     * Operator commands too ({@code stream/synthetic_commands.ndjson}: refused and applied clears,
     * acks, a silence and its unsilence, a silence of every run, an end, a duplicate, a command
     * for a run nobody knows): replay applies them with {@code --commands} semantics, the daemon
     * gets each on the commands topic right after the record that makes it due (found from the
     * run's record count in the store), stamped with that record's event time. Alerts,
     * recommendations and the audit records must be the same.
     */
    @Test
    void commandsAreAppliedAsReplayAppliesThem() throws Exception {
        RuleSet rules = StreamHarness.annealGates();
        String name = "synthetic_runs.ndjson";
        byte[] bytes = resource("stream/" + name);
        CommandSchedule schedule;
        try (InputStream in = new ByteArrayInputStream(resource("stream/synthetic_commands.ndjson"))) {
            schedule = CommandSchedule.read("synthetic_commands.ndjson", in);
        }
        List<String> replayAudit = new ArrayList<>();
        Outputs replay = replay(rules, name, bytes, schedule, replayAudit);

        List<String> daemonAudit = new ArrayList<>();
        Outputs daemon;
        List<CommandSchedule.Entry> pending = new ArrayList<>(schedule.entries());
        try (StreamHarness h = new StreamHarness(stateDir.resolve("commands"), rules)) {
            sendDue(h, pending, null, 0, 0, 0);
            long timestamp = h.clock.millis();
            for (String line : lines(bytes)) {
                String runId = runIdOf(line, name);
                h.input.pipeInput(runId, line, timestamp);
                long eventTime = eventTimeOf(line, timestamp);
                timestamp += 1_000;
                sendDue(h, pending, runId, recordsOf(h, rules, runId), totalRecords(h, rules), eventTime);
            }
            assertThat(pending).as("every command was sent").isEmpty();
            daemon = outputs(h, name);
            h.audit.readValuesToList().forEach(a -> daemonAudit.add(normalAudit(a)));
        }
        assertThat(daemon.alerts).as("alert transitions").isEqualTo(replay.alerts);
        assertThat(daemon.recommendations).as("recommendations").isEqualTo(replay.recommendations);
        assertThat(daemonAudit).as("audit records").isEqualTo(replayAudit).hasSize(10);
        assertThat(replayAudit).extracting(a -> WatcherTopologyTest.field(a, "command_id") + " "
                + WatcherTopologyTest.field(a, "outcome")).containsExactly("ghost-1 refused", "kl-1 refused",
                "grad-1 applied", "grad-2 applied", "kl-2 refused", "kl-3 applied", "kl-3 duplicate", "all-1 applied",
                "entropy-1 applied", "grad-3 applied");
        assertThat(replay.alerts).as("the ack and the silences re-publish alerts with their marks")
                .anyMatch(a -> a.contains("\"acked\":{\"command_id\":\"grad-1\""))
                .anyMatch(a -> a.contains("\"silenced\":{\"silence_id\":\"grad-2\""))
                .anyMatch(a -> a.contains("\"silenced\":{\"silence_id\":\"all-1\""))
                .anyMatch(a -> a.contains("run ended: operator dave: run stopped by hand"));
    }

    /** Pipes the pending commands now due, in file order, and drops them from {@code pending}. */
    private static void sendDue(StreamHarness h, List<CommandSchedule.Entry> pending, String runId, long runRecords,
            long totalRecords, long timestamp) {
        for (java.util.Iterator<CommandSchedule.Entry> it = pending.iterator(); it.hasNext(); ) {
            CommandSchedule.Entry e = it.next();
            boolean due = e.command().allRuns() ? e.afterRecords() <= totalRecords
                    : runId == null ? e.afterRecords() == 0
                    : e.command().runId().equals(runId) && e.afterRecords() <= runRecords;
            if (due) {
                h.commands.pipeInput(e.command().runId(), CommandJson.toJson(e.command()), timestamp);
                it.remove();
            }
        }
    }

    private static long recordsOf(StreamHarness h, RuleSet rules, String runId) {
        byte[] stored = h.store().get(runId);
        return stored == null ? 0 : new RunStateCodec(rules).decode(stored).records();
    }

    private static long totalRecords(StreamHarness h, RuleSet rules) {
        long total = 0;
        try (var it = h.store().all()) {
            while (it.hasNext()) {
                total += new RunStateCodec(rules).decode(it.next().value).records();
            }
        }
        return total;
    }

    /** A line's envelope ts in epoch milliseconds, else the Kafka timestamp it is sent with. */
    private static long eventTimeOf(String line, long kafkaTimestamp) {
        try {
            JsonNode node = JSON.readTree(line);
            if (node != null && node.path("ts").isTextual()) {
                return Instant.parse(node.get("ts").asText()).toEpochMilli();
            }
        } catch (IOException e) {
            // not JSON: rejected, so no command is due after it
        }
        return kafkaTimestamp;
    }

    private static Outputs replay(RuleSet rules, String name, byte[] bytes) throws Exception {
        return replay(rules, name, bytes, CommandSchedule.NONE, new ArrayList<>());
    }

    private static Outputs replay(RuleSet rules, String name, byte[] bytes, CommandSchedule commands,
            List<String> audit) throws Exception {
        List<String> alerts = new ArrayList<>();
        List<String> recs = new ArrayList<>();
        List<String> rejections = new ArrayList<>();
        Replay replay = new Replay(rules, ReplayOptions.defaults(), new ReplayListener() {
            @Override
            public void alert(AlertEvent alert) {
                if (alert.state() == AlertState.FIRING || alert.state() == AlertState.RESOLVED) {
                    alerts.add(normalAlert(AlertJson.toJson(alert), name));
                }
            }

            @Override
            public void recommendation(Recommendation recommendation) {
                recs.add(normalRecommendation(RecommendationJson.toJson(recommendation), name));
            }

            @Override
            public void rejected(Rejection rejection) {
                rejections.add(rejection.position() + " " + rejection.reason());
            }

            @Override
            public void audit(AuditRecord record) {
                audit.add(normalAudit(AuditJson.toJson(record)));
            }
        }).commands(commands);
        replay.replay(name, new ByteArrayInputStream(bytes), name);
        replay.finish();
        return new Outputs(alerts, recs, rejections);
    }

    private Outputs daemon(RuleSet rules, String name, byte[] bytes) {
        try (StreamHarness h = new StreamHarness(stateDir.resolve(name.replace('/', '_')), rules)) {
            long timestamp = h.clock.millis();
            for (String line : lines(bytes)) {
                h.input.pipeInput(runIdOf(line, name), line, timestamp);
                timestamp += 1_000;
            }
            return outputs(h, name);
        }
    }

    private static Outputs outputs(StreamHarness h, String name) {
        List<String> alerts = new ArrayList<>();
        List<String> recs = new ArrayList<>();
        List<String> rejections = new ArrayList<>();
        h.alerts.readValuesToList().forEach(v -> alerts.add(normalAlert(v, name)));
        h.recommendations.readValuesToList().forEach(v -> recs.add(normalRecommendation(v, name)));
        for (TestRecord<byte[], byte[]> dead : h.dlq.readRecordsToList()) {
            Map<String, String> headers = StreamHarness.headers(dead);
            String reason = headers.get(WatcherTopics.HEADER_REASON);
            if (!reason.equals(WatcherProcessor.EMPTY_MESSAGE)) {
                rejections.add(position(headers.get(WatcherTopics.HEADER_POSITION), name) + " " + reason);
            }
        }
        return new Outputs(alerts, recs, rejections);
    }

    /** The input's lines as replay numbers them: split at {@code \n}, without the empty text after a final one. */
    private static List<String> lines(byte[] bytes) {
        List<String> lines = new ArrayList<>(Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    /** The run id replay gives the line's records: the envelope's run_id, else the file's run id. */
    private static String runIdOf(String line, String fileRunId) {
        try {
            JsonNode node = JSON.readTree(line);
            if (node != null && node.path("data").isContainerNode() && node.path("run_id").isTextual()) {
                return node.get("run_id").asText();
            }
        } catch (IOException e) {
            // not JSON: the file's run id, as replay would use if it could decode the line
        }
        return fileRunId;
    }

    private static String normalAlert(String json, String name) {
        ObjectNode node = parse(json);
        node.remove("id");
        node.remove("event_time");
        mapPosition(node, "source", name);
        mapPosition(node, "started_at", name);
        // "run ended: rehearsal at POSITION" names the position that ended the run.
        mapPositionIn(node, "resolved_by", name);
        mapPositionIn((ObjectNode) node.get("annotations"), "resolved_by", name);
        return node.toString();
    }

    /** Details name alerts by id, a digest of their start position, which differs by construction. */
    private static String normalAudit(String json) {
        return json.replaceAll("alert [0-9a-f]{16} ", "alert ID ");
    }

    private static void mapPositionIn(ObjectNode node, String field, String name) {
        if (node.hasNonNull(field)) {
            node.put(field, node.get(field).asText().replace(DAEMON_SOURCE + ":", name + ":"));
        }
    }

    private static String normalRecommendation(String json, String name) {
        ObjectNode node = parse(json);
        node.remove("event_time");
        mapPosition(node, "source", name);
        for (JsonNode e : node.withArray("evidence")) {
            ObjectNode evidence = (ObjectNode) e;
            evidence.remove("alert_id");
            mapPosition(evidence, "source", name);
            mapPosition(evidence, "started_at", name);
        }
        return node.toString();
    }

    private static void mapPosition(ObjectNode node, String field, String name) {
        if (node.hasNonNull(field)) {
            node.put(field, position(node.get(field).asText(), name));
        }
    }

    /** A daemon position ({@code anneal.telemetry/0:N[i]}) as replay writes it ({@code name:N[i]}). */
    private static String position(String position, String name) {
        Matcher m = DAEMON_POSITION.matcher(position);
        return m.matches() ? name + ":" + m.group(1) : position;
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RuleSet allPacks() {
        try {
            return RuleSetCompiler.compile(BuiltinPacks.all(), Map.of());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = DifferentialTest.class.getClassLoader().getResourceAsStream(path)) {
            return Objects.requireNonNull(in, path).readAllBytes();
        }
    }

    /** The directory holding {@code .mvn}, found by walking up from the working directory. */
    static Path projectRoot() {
        Path start = Path.of("").toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve(".mvn"))) {
                return p;
            }
        }
        throw new IllegalStateException("no directory containing .mvn above " + start);
    }
}
