package dev.anneal.watcher.app.daemon;

import static dev.anneal.watcher.app.daemon.ItSupport.field;
import static dev.anneal.watcher.testkit.TopicReader.key;
import static dev.anneal.watcher.testkit.TopicReader.value;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.watcher.app.cli.Cli;
import dev.anneal.watcher.app.cli.ExitCodes;
import dev.anneal.watcher.app.config.WatcherConfig;
import dev.anneal.watcher.app.daemon.ItSupport.Names;
import dev.anneal.watcher.core.inject.Scenario;
import dev.anneal.watcher.core.stream.WatcherTopics;
import dev.anneal.watcher.testkit.Await;
import dev.anneal.watcher.testkit.KafkaBroker;
import dev.anneal.watcher.testkit.KafkaTopics;
import dev.anneal.watcher.testkit.TopicReader;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code watcher inject} and {@code watcher tail} against a real in-process broker and a running
 * daemon with the synthetic quarantine configured: every scenario leads to what {@code --list}
 * promises, {@code --set} and pacing work on a recorded file, synthetic marks propagate to alerts,
 * recommendations and dead letters, synthetic outputs stay in quarantine while real ones do not,
 * and tail filters, limits and times out as documented.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InjectIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.create();

    @TempDir
    static Path stateDir;
    @TempDir
    static Path files;

    private WatcherApp app;
    private final Names names = Names.fresh("inject");
    private String bootstrap;

    private String quarantineAlerts() {
        return names.prefix() + ".drill.alerts";
    }

    private String quarantineRecommendations() {
        return names.prefix() + ".drill.recommendations";
    }

    @BeforeAll
    void start() throws Exception {
        bootstrap = KAFKA.bootstrapServers();
        WatcherConfig c = ItSupport.config(KAFKA, stateDir, names, List.of("anneal-gates"), false);
        WatcherConfig.Topics t = c.topics();
        WatcherConfig quarantined = new WatcherConfig(c.kafka(), c.embedded(), new WatcherConfig.Topics(t.input(),
                t.inputPattern(), t.alerts(), t.recommendations(), t.dlq(), t.partitions(), t.replicationFactor(),
                Optional.of(quarantineAlerts()), Optional.of(quarantineRecommendations()), t.commands(), t.audit()),
                c.streams(), c.rules(),
                c.http(), c.log());
        app = ItSupport.startRunning(quarantined);
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    void everyScenarioLeadsToWhatListPromisesAndStaysInQuarantine() throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();
        for (Scenario s : Scenario.values()) {
            String run = "it-" + s.id();
            Result r = cli("inject", "--bootstrap-servers", bootstrap, "--topic", names.input(), "--run-id", run,
                    "--scenario", s.id());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("as run " + run + " into " + names.input(), "marked synthetic",
                    "expect: " + s.outcome());
            expected.put(run, s.expected().name());
        }
        // A real record beside the drills: its outputs must reach the real topics.
        KafkaTopics.send(bootstrap, names.input(), "real-1", ItSupport.ppo(1.37, 0.07, 2.6));
        // Once the daemon has committed every injected record, everything it publishes for them is
        // committed too (the same transactions). An absence alert comes later, from a punctuation;
        // the drill that causes one ends on the recommendation it brings, committed with it.
        KafkaTopics.awaitCommitted(KAFKA.admin(), names.applicationId(), names.input());

        try (TopicReader recs = new TopicReader(bootstrap, quarantineRecommendations());
             TopicReader alerts = new TopicReader(bootstrap, quarantineAlerts());
             TopicReader realRecs = new TopicReader(bootstrap, names.recommendations());
             TopicReader realAlerts = new TopicReader(bootstrap, names.alerts());
             TopicReader dlq = new TopicReader(bootstrap, names.dlq())) {
            Map<String, String> last = new HashMap<>();
            try {
                Await.until("every drill ends on its promised recommendation " + expected, () -> {
                    // Only the drills' runs: the other tests of this class inject runs of their own.
                    recs.poll().stream().filter(r -> expected.containsKey(key(r)))
                            .forEach(r -> last.put(key(r), field(value(r), "action")));
                    return last.equals(expected);
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; the drills ended on " + last, e);
            }
            for (ConsumerRecord<byte[], byte[]> r : recs.records()) { // every run in quarantine is synthetic
                assertThat(field(value(r), "synthetic")).isEqualTo("true");
                assertThat(headers(r)).containsEntry(WatcherTopics.HEADER_SYNTHETIC, "true");
            }

            Map<String, List<String>> fired = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> a : alerts.readToEnd()) {
                assertThat(field(value(a), "synthetic")).isEqualTo("true");
                if ("firing".equals(field(value(a), "state"))) {
                    fired.computeIfAbsent(key(a), k -> new ArrayList<>()).add(field(value(a), "rule"));
                }
            }
            for (Scenario s : Scenario.values()) {
                assertThat(fired.getOrDefault("it-" + s.id(), List.of())).as(s.id()).containsAll(s.rules());
            }

            List<ConsumerRecord<byte[], byte[]>> deadLetters = dlq.await(Scenario.MALFORMED.deadLetters());
            assertThat(deadLetters).extracting(TopicReader::key).containsOnly("it-malformed");
            assertThat(deadLetters).allSatisfy(d ->
                    assertThat(headers(d)).containsEntry(WatcherTopics.HEADER_SYNTHETIC, "true"));

            assertThat(realRecs.await(1)).extracting(TopicReader::key).containsOnly("real-1");
            assertThat(realAlerts.await(1)).extracting(TopicReader::key).containsOnly("real-1");
            assertThat(realAlerts.readToEnd()).extracting(TopicReader::key).containsOnly("real-1");
            assertThat(realRecs.readToEnd()).extracting(TopicReader::key).containsOnly("real-1");
            assertThat(realRecs.records()).allSatisfy(r ->
                    assertThat(field(value(r), "synthetic")).isEqualTo("false"));
        }

        // tail: run filter, --max, --json
        Result json = cli("tail", quarantineRecommendations(), "--bootstrap-servers", bootstrap, "--from-beginning",
                "--run-id", "it-loss-drift", "--max", "2", "--json", "--timeout", "60s");
        assertThat(json.code()).as(json.err()).isZero();
        List<String> lines = json.out().lines().toList();
        assertThat(lines).hasSize(2);
        for (String line : lines) {
            JsonNode o = JSON.readTree(line);
            assertThat(o.get("topic").asText()).isEqualTo(quarantineRecommendations());
            assertThat(o.get("key").asText()).isEqualTo("it-loss-drift");
            assertThat(o.get("headers").get(WatcherTopics.HEADER_SYNTHETIC).asText()).isEqualTo("true");
            assertThat(o.get("value").get("synthetic").asBoolean()).isTrue();
        }
        // readable, no colour off a terminal, exits at the timeout without --max
        Result human = cli("tail", quarantineAlerts(), "--bootstrap-servers", bootstrap, "--from-beginning",
                "--run-id", "it-kl-grad-spike", "--timeout", "3s");
        assertThat(human.code()).as(human.err()).isZero();
        assertThat(human.out()).contains("it-kl-grad-spike  FIRING kl_grad_rollback ROLLBACK critical")
                .contains("[synthetic]").doesNotContain("\u001b[");
        assertThat(human.out().lines()).allSatisfy(l -> assertThat(l).contains("it-kl-grad-spike"));
        // dead letters read as such
        Result dead = cli("tail", names.dlq(), "--bootstrap-servers", bootstrap, "--from-beginning", "--max", "6",
                "--timeout", "60s");
        assertThat(dead.out()).contains("DEAD LETTER  empty message", "[synthetic]");
        // fewer than --max within --timeout
        Result tooFew = cli("tail", quarantineRecommendations(), "--bootstrap-servers", bootstrap,
                "--from-beginning", "--run-id", "it-healthy", "--max", "1000", "--timeout", "2s");
        assertThat(tooFew.code()).isEqualTo(ExitCodes.TEMPFAIL);
        assertThat(tooFew.err()).contains("of 1000 records within");
        Result missing = cli("tail", "no-such-topic", "--bootstrap-servers", bootstrap, "--timeout", "2s");
        assertThat(missing.code()).isEqualTo(ExitCodes.NO_INPUT);
        assertThat(missing.err()).contains("topic no-such-topic does not exist at " + bootstrap);
    }

    @Test
    void setEditsAndPacingApplyToARecordedFile() throws Exception {
        Path recording = files.resolve("recording.jsonl");
        String healthy = ItSupport.healthy();
        Files.writeString(recording, String.join("\n",
                "{\"run_id\":\"orig\",\"ts\":\"2025-10-15T00:00:00Z\",\"data\":" + healthy + "}",
                "{\"run_id\":\"orig\",\"ts\":\"2025-10-15T00:00:01Z\",\"data\":" + healthy + "}",
                "{\"run_id\":\"orig\",\"ts\":\"2025-10-15T00:00:02Z\",\"data\":" + healthy + "}") + "\n");
        Result r = cli("inject", "--bootstrap-servers", bootstrap, "--topic", names.input(), "--run-id", "it-file",
                "--file", recording.toString(), "--set", "kl_divergence=0.07@2", "--set", "grad_norm=2.6@2-",
                "--speed", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("injected 3 records (from " + recording
                + ", edited: kl_divergence=0.07@2 grad_norm=2.6@2-) as run it-file");
        Result rated = cli("inject", "--bootstrap-servers", bootstrap, "--topic", names.input(), "--run-id",
                "it-rate", "--file", recording.toString(), "--rate", "20/s", "--count", "2");
        assertThat(rated.code()).as(rated.err()).isZero();

        try (TopicReader input = new TopicReader(bootstrap, names.input());
             TopicReader recs = new TopicReader(bootstrap, quarantineRecommendations())) {
            List<ConsumerRecord<byte[], byte[]>> file = new ArrayList<>();
            List<ConsumerRecord<byte[], byte[]>> rate = new ArrayList<>();
            Await.until("both injections are in the input topic", () -> {
                file.clear();
                rate.clear();
                for (ConsumerRecord<byte[], byte[]> in : input.poll()) {
                    if ("it-file".equals(key(in))) {
                        file.add(in);
                    } else if ("it-rate".equals(key(in))) {
                        rate.add(in);
                    }
                }
                return file.size() == 3 && rate.size() == 2;
            });
            List<JsonNode> sent = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> in : file) {
                sent.add(JSON.readTree(value(in)));
                assertThat(headers(in)).containsEntry(WatcherTopics.HEADER_SYNTHETIC, "true");
            }
            assertThat(sent).extracting(s -> s.get("run_id").asText()).containsOnly("it-file");
            assertThat(sent).extracting(s -> s.get("synthetic").asBoolean()).containsOnly(true);
            assertThat(sent).extracting(s -> s.get("data").get("kl_divergence").asDouble())
                    .containsExactly(0.01, 0.07, 0.01);
            assertThat(sent).extracting(s -> s.get("data").get("grad_norm").asDouble())
                    .containsExactly(1.0, 2.6, 2.6);
            // --speed 2 on 1 s spacing waits at least 500 ms between records; --rate 20/s at least 50 ms.
            assertThat(file.get(1).timestamp() - file.get(0).timestamp()).isGreaterThanOrEqualTo(500);
            assertThat(file.get(2).timestamp() - file.get(1).timestamp()).isGreaterThanOrEqualTo(500);
            assertThat(rate.get(1).timestamp() - rate.get(0).timestamp()).isGreaterThanOrEqualTo(50);

            Map<String, String> last = new HashMap<>();
            Await.until("the edited record rolls it-file back", () -> {
                last.clear();
                recs.poll().forEach(x -> last.put(key(x), field(value(x), "action")));
                return "ROLLBACK".equals(last.get("it-file")) && "PASS".equals(last.get("it-rate"));
            });
        }
    }

    @Test
    void usageErrorsNameTheArgumentAndAnUnreachableBrokerIsUnavailable() throws Exception {
        Result unknown = cli("inject", "--run-id", "x", "--scenario", "loss-drfit");
        assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("--scenario 'loss-drfit' is not a scenario; choose one of healthy, "
                + "loss-flag-flip, loss-drift, bc-dip, kl-grad-spike, queue-collapse, telemetry-stall, malformed");
        Result badSet = cli("inject", "--run-id", "x", "--scenario", "healthy", "--set", "loss_total=big@2");
        assertThat(badSet.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badSet.err()).contains("--set 'loss_total=big@2': value 'big' is not a JSON scalar");
        Result both = cli("inject", "--run-id", "x", "--scenario", "healthy", "--rate", "1/s", "--speed", "2");
        assertThat(both.err()).contains("give --rate or --speed, not both");
        Result noFile = cli("inject", "--run-id", "x", "--file", files.resolve("nope.jsonl").toString());
        assertThat(noFile.code()).isEqualTo(ExitCodes.NO_INPUT);

        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Result down = cli("inject", "--bootstrap-servers", "127.0.0.1:" + closedPort, "--run-id", "x", "--scenario",
                "healthy", "--timeout", "2s");
        assertThat(down.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(down.err()).contains("no Kafka broker answered at 127.0.0.1:" + closedPort + " within 2 s");
    }

    record Result(int code, String out, String err) {
    }

    private static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.execute(new ByteArrayInputStream(new byte[0]), new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> r) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Header h : r.headers()) {
            out.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        return out;
    }
}
