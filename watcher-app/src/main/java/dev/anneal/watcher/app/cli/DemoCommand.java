package dev.anneal.watcher.app.cli;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.watcher.app.config.LogFormat;
import dev.anneal.watcher.app.config.ProcessingGuarantee;
import dev.anneal.watcher.app.config.ValueType.HostPort;
import dev.anneal.watcher.app.config.WatcherConfig;
import dev.anneal.watcher.app.daemon.StartupException;
import dev.anneal.watcher.app.daemon.WatcherApp;
import dev.anneal.watcher.core.inject.Injector;
import dev.anneal.watcher.core.inject.Pacing;
import dev.anneal.watcher.core.inject.Scenario;
import dev.anneal.watcher.core.inject.ScenarioGenerator;
import dev.anneal.watcher.core.stream.StreamsConfigs;
import dev.anneal.watcher.core.stream.WatcherTopics;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code watcher demo}: the whole system in one command, for a new user on a fresh machine. Starts
 * an embedded Kafka broker on a free port with its data in a temporary directory (never 9092, so it
 * cannot clash with a running daemon) and the daemon in this process, injects a healthy run and a
 * drifting run, waits for their recommendations, tells what happened and why (rule, value,
 * threshold, action), stops everything and removes the temporary directory.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Show the whole system working: an embedded Kafka broker and the watcher daemon in this process, a healthy "
                    + "and a drifting synthetic run injected, their recommendations read back and explained.",
            "Uses a free port and a temporary directory, removed afterwards; needs nothing running."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            ExitCodes.OK + ":both runs got the recommendations the demo expects",
            ExitCodes.UNAVAILABLE + ":the embedded broker or Kafka Streams did not start",
            ExitCodes.TEMPFAIL + ":the expected recommendations did not appear within --timeout",
            ExitCodes.SOFTWARE + ":internal error"})
public final class DemoCommand implements Callable<Integer> {

    /** The healthy run's id. */
    static final String HEALTHY_RUN = "demo-healthy";
    /** The drifting run's id. */
    static final String DRIFT_RUN = "demo-drift";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "90s", converter = DurationConverter.class,
            description = "How long to wait for the recommendations once the records are in (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--verbose", description = "Keep the daemon's and the broker's logs (by default only warnings).")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Level> before = verbose ? Map.of() : quietLogs();
        Path dir = Files.createTempDirectory("watcher-demo");
        try {
            return demo(out, dir);
        } finally {
            restoreLogs(before);
            deleteTree(dir);
        }
    }

    private int demo(PrintWriter out, Path dir) throws Exception {
        out.println("watcher demo: a Kafka broker and the watcher daemon in this process, rule pack "
                + BuiltinPacks.DEFAULT + ", two synthetic runs.");
        out.println();
        out.flush();
        long t0 = System.nanoTime();
        WatcherApp app = new WatcherApp(config(dir));
        try {
            try {
                app.start();
            } catch (StartupException e) {
                throw new CommandFailure(RunCommand.exitCode(e.kind()), "the demo's daemon did not start: "
                        + e.getMessage());
            }
            if (!app.awaitRunning(Duration.ofSeconds(120))) {
                throw new CommandFailure(ExitCodes.UNAVAILABLE, "Kafka Streams did not reach RUNNING within 120 s ("
                        + app.streamsState().map(Object::toString).orElse("not started") + ")");
            }
            String bootstrap = app.bootstrapServers();
            out.printf(Locale.ROOT, "1. Started a Kafka broker on %s and the daemon in %.1f s.%n", bootstrap,
                    (System.nanoTime() - t0) / 1e9);

            ScenarioGenerator generator = new ScenarioGenerator();
            Injector.Result healthy = KafkaInjection.send(bootstrap, WatcherTopics.DEFAULT_INPUT,
                    generator.generate(Scenario.HEALTHY, HEALTHY_RUN, ScenarioGenerator.DEFAULT_COUNT),
                    new Pacing.AsFastAsPossible(), Clock.systemUTC(), Duration.ofSeconds(30));
            Injector.Result drift = KafkaInjection.send(bootstrap, WatcherTopics.DEFAULT_INPUT,
                    generator.generate(Scenario.LOSS_DRIFT, DRIFT_RUN, ScenarioGenerator.DEFAULT_COUNT),
                    new Pacing.AsFastAsPossible(), Clock.systemUTC(), Duration.ofSeconds(30));
            out.printf(Locale.ROOT, "2. Injected %d records into %s as run %s: %s.%n", healthy.sent(),
                    WatcherTopics.DEFAULT_INPUT, HEALTHY_RUN, Scenario.HEALTHY.description());
            out.printf(Locale.ROOT, "   Injected %d records as run %s: %s.%n", drift.sent(), DRIFT_RUN,
                    Scenario.LOSS_DRIFT.description());
            out.println("   Every record is marked synthetic, and so is everything the daemon derives from them.");
            out.flush();

            Map<String, List<JsonNode>> recs = awaitRecommendations(bootstrap, Map.of(
                    HEALTHY_RUN, Scenario.HEALTHY.expected().name(), DRIFT_RUN, Scenario.LOSS_DRIFT.expected().name()));
            out.printf(Locale.ROOT, "3. The daemon's recommendations (topic %s, read committed):%n",
                    WatcherTopics.DEFAULT_RECOMMENDATIONS);
            boolean ok = true;
            for (Map.Entry<String, String> run : Map.of(HEALTHY_RUN, Scenario.HEALTHY.expected().name(), DRIFT_RUN,
                    Scenario.LOSS_DRIFT.expected().name()).entrySet().stream()
                    .sorted(Map.Entry.comparingByKey(Comparator.reverseOrder())).toList()) {
                ok &= narrate(out, run.getKey(), run.getValue(), recs.getOrDefault(run.getKey(), List.of()));
            }
            out.println();
            if (!ok) {
                out.flush();
                throw new CommandFailure(ExitCodes.TEMPFAIL, "the expected recommendations (" + HEALTHY_RUN + " "
                        + Scenario.HEALTHY.expected() + ", " + DRIFT_RUN + " " + Scenario.LOSS_DRIFT.expected()
                        + ") did not appear within " + timeout.toSeconds() + " s; run 'watcher demo --verbose' to "
                        + "see the daemon's log");
            }
            out.println("4. Why: " + DRIFT_RUN + "'s loss rose more than 15 % above its baseline on consecutive anneal "
                    + "stages, which anneal-gates answers with ROLLBACK (it outranks the FREEZE and HOLD the trainer's "
                    + "own loss flags caused, and it latches until an operator clears it). " + HEALTHY_RUN
                    + " breached no gate and passed two rehearsals in a row, so it may be promoted.");
            out.println();
            out.println("Next: 'bin/watcher run' starts the daemon for real (embedded broker on 127.0.0.1:9092);");
            out.println("      'bin/watcher inject --list' shows the drills; 'bin/watcher tail' follows the outputs.");
            out.flush();
            return ExitCodes.OK;
        } finally {
            app.stop();
            app.awaitTermination(Duration.ofSeconds(60));
        }
    }

    /** Reads the recommendations topic until each run's latest one is the expected action, or the timeout. */
    private Map<String, List<JsonNode>> awaitRecommendations(String bootstrap, Map<String, String> expected) {
        Map<String, List<JsonNode>> byRun = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "watcher-demo"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(WatcherTopics.DEFAULT_RECOMMENDATIONS, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && !reached(byRun, expected)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        JsonNode rec = MAPPER.readTree(new String(r.value(), StandardCharsets.UTF_8));
                        byRun.computeIfAbsent(rec.path("run_id").asText(), k -> new ArrayList<>()).add(rec);
                    } catch (IOException e) {
                        LOG.warn("not a recommendation on {}: {}", tp, e.getMessage());
                    }
                }
            }
        }
        return byRun;
    }

    private static boolean reached(Map<String, List<JsonNode>> byRun, Map<String, String> expected) {
        for (Map.Entry<String, String> e : expected.entrySet()) {
            List<JsonNode> recs = byRun.get(e.getKey());
            if (recs == null || !recs.get(recs.size() - 1).path("action").asText().equals(e.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** Prints one run's story; false when it did not end as expected. */
    private static boolean narrate(PrintWriter out, String run, String expected, List<JsonNode> recs) {
        if (recs.isEmpty()) {
            out.printf(Locale.ROOT, "   %-13s no recommendation (expected %s)%n", run, expected);
            return false;
        }
        List<String> path = new ArrayList<>();
        for (JsonNode r : recs) {
            String a = r.path("action").asText();
            if (path.isEmpty() || !path.get(path.size() - 1).equals(a)) {
                path.add(a);
            }
        }
        JsonNode last = recs.get(recs.size() - 1);
        String action = last.path("action").asText();
        out.printf(Locale.ROOT, "   %-13s %s%s%s [synthetic: %s]%n", run, String.join(" -> ", path),
                last.path("latched").asBoolean() ? " (latched)" : "",
                action.equals(expected) ? "" : "   (expected " + expected + ")", last.path("synthetic").asBoolean());
        if (last.path("evidence").isEmpty()) {
            last.path("reasons").forEach(r -> out.println("                 " + r.asText()));
        }
        for (JsonNode e : last.path("evidence")) {
            out.printf(Locale.ROOT, "                 %-24s %s: value %s, threshold %s, at %s%n",
                    e.path("rule").asText(), e.path("action").asText(), number(e.get("value")),
                    number(e.get("threshold")), e.path("source").asText("?"));
        }
        return action.equals(expected);
    }

    private static String number(JsonNode n) {
        if (n == null || n.isNull()) {
            return "-";
        }
        return n.isNumber() ? String.format(Locale.ROOT, "%.4g", n.asDouble()) : n.asText();
    }

    private static WatcherConfig config(Path dir) {
        return new WatcherConfig(
                new WatcherConfig.Kafka(Optional.empty(), Map.of(), Duration.ofSeconds(120)),
                new WatcherConfig.Embedded(0, dir.resolve("kafka")),
                new WatcherConfig.Topics(List.of(WatcherTopics.DEFAULT_INPUT), Optional.empty(),
                        WatcherTopics.DEFAULT_ALERTS, WatcherTopics.DEFAULT_RECOMMENDATIONS, WatcherTopics.DEFAULT_DLQ,
                        1, -1),
                new WatcherConfig.Streams(StreamsConfigs.DEFAULT_APPLICATION_ID, dir.resolve("streams"),
                        ProcessingGuarantee.EXACTLY_ONCE_V2, 100, Duration.ofSeconds(1)),
                new WatcherConfig.Rules(List.of(BuiltinPacks.DEFAULT), Map.of(), false),
                new WatcherConfig.Http(new HostPort("127.0.0.1", 0)),
                new WatcherConfig.Log(LogFormat.TEXT));
    }

    /**
     * The narrative is the demo's output: the daemon's own log and the
     * Kafka libraries' (chatty about temporary directories and shutdown) go down to errors. Returns the
     * levels to restore, since tests run the demo inside a longer-lived JVM.
     */
    private static Map<String, Level> quietLogs() {
        Map<String, Level> quiet = Map.of(org.slf4j.Logger.ROOT_LOGGER_NAME, Level.ERROR, "dev.anneal", Level.ERROR,
                "org.apache.kafka", Level.ERROR, "kafka", Level.ERROR, "state.change.logger", Level.ERROR);
        Map<String, Level> before = new LinkedHashMap<>();
        quiet.forEach((name, level) -> {
            if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger l) {
                before.put(name, l.getLevel());
                l.setLevel(level);
            }
        });
        return before;
    }

    private static void restoreLogs(Map<String, Level> before) {
        before.forEach((name, level) -> {
            if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger l) {
                l.setLevel(level);
            }
        });
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("cannot delete {}: {}", p, e.getMessage());
                }
            });
        } catch (IOException e) {
            LOG.warn("cannot delete the demo directory {}: {}", dir, e.getMessage());
        }
    }
}
