package dev.anneal.watcher.app.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.core.stream.TopicSetup;
import dev.anneal.watcher.core.stream.WatcherTopics;
import dev.anneal.watcher.core.stream.WatcherTopology;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.load.RuleSets;
import dev.anneal.watcher.testkit.Await;
import dev.anneal.watcher.testkit.KafkaBroker;
import dev.anneal.watcher.testkit.KafkaTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash test: {@code kill -9} the daemon several times while it consumes a 100,000-record
 * stream, restart it on the same state dir each time, and require that the output topics read
 * with {@code read_committed} equal the replay of the same records exactly: nothing lost,
 * nothing duplicated.
 *
 * <h2>How</h2>
 * <ol>
 *   <li>A single-node broker runs in this JVM ({@link KafkaBroker}), so it outlives every
 *       daemon; the daemon's topics are created with {@link TopicSetup} ({@value #PARTITIONS}
 *       partitions, the recommendations topic compacted, as the daemon creates them).</li>
 *   <li>{@link CrashStream} generates 100,000 PPO records ({@value #SEGMENTS} segments of
 *       {@link dev.anneal.watcher.core.generate.PpoStreamGenerator} output, {@value #RUNS} runs each,
 *       some drifting so that alerts fire and recommendations change all along the stream), writes
 *       them to a file and produces them, keyed by run id, before the first daemon starts.</li>
 *   <li>The daemon is the real executable, {@code watcher run} ({@code dev.anneal.watcher.app.Main}),
 *       in a child JVM with the default {@code exactly_once_v2} guarantee. Before each kill the
 *       test waits until the consumer group's committed input offsets pass a seeded random
 *       threshold (so every life commits progress, and each kill lands at a different point of the
 *       stream), then, for up to {@value #PENDING_WAIT_MS} ms, until an output partition holds
 *       records of an open transaction (high watermark above the last stable offset), and sends
 *       SIGKILL at once, while outputs are in flight.</li>
 *   <li>A last life runs until the committed offsets reach the end of the input, and is stopped
 *       with SIGTERM (graceful, exit 0).</li>
 *   <li>The alerts, recommendations and dead-letter topics are read with {@code read_committed}
 *       and compared with {@link dev.anneal.watcher.core.replay.Replay} of the file, per run and in
 *       order ({@link CrashOutputs} describes the normal form: positions mapped to file lines,
 *       alert ids left out, every other field compared). Reading them once more with
 *       {@code read_uncommitted} counts the records of aborted transactions: what an
 *       at-least-once daemon would have duplicated.</li>
 * </ol>
 *
 * <h2>Knobs</h2>
 * System properties (the wrapper {@code scripts/crash-test.sh} passes them through):
 * {@code crash.seed} (the stream and the kill points), {@code crash.kills}, {@code crash.records},
 * {@code crash.sessionTimeoutMs}, {@code crash.childJvmOptions} (space separated), and
 * {@code crash.processingGuarantee}: with {@code at_least_once} the test must fail, listing the
 * alerts and recommendations published twice (the negative control of the test itself).
 *
 * <p>The consumer session timeout is lowered to 6 s for the daemon (Kafka's minimum; the default
 * is 45 s): a SIGKILLed member never leaves its group, so each restarted daemon waits one session
 * timeout before its tasks are assigned. That wait is the only thing the setting changes.
 */
class CrashIT {

    static final int PARTITIONS = 3;
    static final int SEGMENTS = 20;
    static final int RUNS = 50;
    static final long PENDING_WAIT_MS = 2_000;

    private static final int RECORDS = Integer.getInteger("crash.records", 100_000);
    private static final int KILLS = Integer.getInteger("crash.kills", 4);
    private static final long SEED = Long.getLong("crash.seed", 20260301L);
    private static final int SESSION_TIMEOUT_MS = Integer.getInteger("crash.sessionTimeoutMs", 6_000);
    /** exactly_once_v2, the default; at_least_once shows what the test catches (it must then fail). */
    private static final String GUARANTEE = System.getProperty("crash.processingGuarantee", "exactly_once_v2");
    private static final List<String> CHILD_JVM = List.of(System.getProperty("crash.childJvmOptions",
            "-Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto").trim().split("\\s+"));
    /** How long one life may take to reach its kill point, or the last life to finish. */
    private static final Duration LIFE_TIMEOUT = Duration.ofSeconds(180);
    private static final String APPLICATION_ID = "watcher-crash";
    /** Lines of the daemon's output log (OutputLog): one per published alert or recommendation. */
    private static final Pattern OUTPUT_LOG = Pattern.compile(" dev\\.anneal\\.watcher\\.(alerts|recommendations) - ");
    private static final String CHANGELOG = APPLICATION_ID + "-" + WatcherTopology.STORE + "-changelog";

    /** The broker keeps its data when the test fails, and prints where. */
    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.create();

    /** Kept when the test fails: the daemon logs ({@code daemon-<life>.log}) and the input file. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private final long t0 = System.nanoTime();
    private CrashDaemon daemon;

    /** What one kill found. */
    private record Kill(int life, long pid, long threshold, long committedBefore, long committedAfter,
            boolean pendingOutputs, Duration age, int exitCode) {
    }

    @AfterEach
    void tearDown() {
        if (daemon != null) {
            daemon.destroyQuietly();
        }
    }

    @Test
    void killNineWhileConsumingLosesAndDuplicatesNothing() throws Exception {
        log("seed %d, %d records, %d kills, %s, child JVM %s; work dir %s (kept if the test fails)", SEED, RECORDS,
                KILLS, GUARANTEE, CHILD_JVM, dir);
        String bootstrap = KAFKA.bootstrapServers();
        WatcherTopics topics = WatcherTopics.defaults();
        String input = topics.inputTopics().get(0);
        log("broker on %s", bootstrap);

        List<Kill> kills = new ArrayList<>();
        Admin admin = KAFKA.admin();
        TopicSetup.createMissing(admin, topics, new TopicSetup.Settings(PARTITIONS, (short) -1),
                Duration.ofSeconds(60));

        // Event times a day ahead of the wall clock (see CrashStream), whole seconds.
        Instant base = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        CrashStream stream = CrashStream.generateAndProduce(dir, RECORDS, SEGMENTS, RUNS, SEED, base, bootstrap,
                input, PARTITIONS);
        long total = stream.records();
        Map<TopicPartition, Long> inputEnds = ends(admin, List.of(input), IsolationLevel.READ_UNCOMMITTED);
        for (int p = 0; p < PARTITIONS; p++) {
            assertThat(inputEnds.get(new TopicPartition(input, p))).as("input partition %d", p)
                    .isEqualTo(stream.recordsIn(p));
        }
        log("produced %d records to %s (%s per partition)", total, input, inputEnds.values());

        // Kill points: one per slice of the stream, at a seeded random place inside it.
        SplittableRandom random = new SplittableRandom(SEED);
        long committed = 0;
        int life = 0;
        for (int k = 0; k < KILLS; k++) {
            double fraction = 0.05 + 0.8 * (k + 0.2 + 0.6 * random.nextDouble()) / KILLS;
            long threshold = Math.max((long) (fraction * total), committed + 1_000);
            daemon = startDaemon(++life, bootstrap);
            long reached = awaitCommitted(admin, input, threshold);
            boolean pending = awaitPendingOutputs(admin, topics);
            long before = committed(admin, input);
            Duration age = daemon.age();
            int exit = daemon.kill();
            long after = committed(admin, input);
            logProblems(daemon);
            Kill kill = new Kill(life, daemon.pid(), threshold, before, after, pending, age, exit);
            kills.add(kill);
            log("kill -9 #%d: life %d (pid %d) after %.1f s; committed input offsets %d at the threshold %d, "
                            + "%d at the kill, %d after it; outputs in flight: %s; exit %d", k + 1, life,
                    kill.pid(), age.toMillis() / 1000.0, reached, threshold, before, after,
                    pending ? "yes" : "none seen", exit);
            assertThat(after).as("kill #%d: committed offsets went back", k + 1).isGreaterThanOrEqualTo(before);
            committed = after;
        }

        // The last life consumes to the end and stops gracefully.
        daemon = startDaemon(++life, bootstrap);
        awaitCommitted(admin, input, total);
        int exit = daemon.stop(Duration.ofSeconds(60));
        logProblems(daemon);
        log("life %d committed all %d records in %.1f s; SIGTERM -> exit %d", life, total,
                daemon.age().toMillis() / 1000.0, exit);
        assertThat(exit).as("graceful stop exit code\n%s", daemon.logTail(40)).isZero();
        assertThat(committed(admin, input)).isEqualTo(total);

        // The kills really happened mid-stream, while the daemon was consuming.
        long previous = 0;
        for (Kill k : kills) {
            assertThat(k.exitCode()).as("SIGKILL exit status of life %d", k.life()).isEqualTo(128 + 9);
            assertThat(k.committedBefore()).as("life %d committed progress before its kill", k.life())
                    .isGreaterThan(previous).isLessThan(total);
            assertThat(k.committedAfter()).as("life %d died before the end of the input", k.life()).isLessThan(total);
            previous = k.committedAfter();
        }
        assertThat(kills).as("kills").hasSize(KILLS);
        assertThat(kills).as("kills while an output transaction was open").anyMatch(Kill::pendingOutputs);

        // Expected: replay of the same lines. Actual: the topics, read_committed.
        long tReplay = System.nanoTime();
        RuleSet rules = RuleSets.compile(List.of(BuiltinPacks.DEFAULT), Map.of());
        CrashOutputs.Side expected = CrashOutputs.replay(rules, stream);
        log("replay: %d alert transitions, %d recommendations over %d runs, %d rejections (%d ms)",
                expected.alertCount(), expected.recommendationCount(), expected.recommendations().size(),
                expected.rejections(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - tReplay));
        CrashOutputs.Side actual = CrashOutputs.daemon(bootstrap, input, topics.alerts(), topics.recommendations(),
                topics.dlq(), stream);
        log("daemon (read_committed): %d alert transitions, %d recommendations over %d runs, %d dead letters",
                actual.alertCount(), actual.recommendationCount(), actual.recommendations().size(),
                actual.rejections());
        Map<String, Long> aborted = new HashMap<>();
        for (String topic : List.of(topics.alerts(), topics.recommendations(), topics.dlq(), CHANGELOG)) {
            long all = CrashOutputs.readAll(bootstrap, topic, false).size();
            long committedOnly = CrashOutputs.readAll(bootstrap, topic, true).size();
            aborted.put(topic, all - committedOnly);
        }
        log("records of aborted transactions (read_uncommitted minus read_committed): %s", aborted);
        if (GUARANTEE.equals("exactly_once_v2")) {
            // Kills that found output records in flight left them in aborted transactions: the
            // records an at-least-once daemon would have published twice. None means no kill
            // exercised the abort path, and the equality below would prove less.
            assertThat(aborted.get(topics.alerts()) + aborted.get(topics.recommendations()))
                    .as("output records of aborted transactions").isPositive();
        }

        // The stream did real work, or the comparison would prove little.
        assertThat(expected.alertCount()).as("alert transitions in the replay")
                .isGreaterThanOrEqualTo(RECORDS / 1_000);
        assertThat(expected.recommendations()).as("runs with recommendations").hasSize(SEGMENTS * RUNS);
        assertThat(expected.alerts().values().stream().flatMap(List::stream))
                .as("no absence alert: they are the documented exception to equality")
                .noneMatch(a -> a.contains("\"rule\":\"stale_telemetry\""));

        String alertDiff = CrashOutputs.differences("alerts", expected.alerts(), actual.alerts(), 5);
        String recDiff = CrashOutputs.differences("recommendations", expected.recommendations(),
                actual.recommendations(), 5);
        assertThat(alertDiff + recDiff).as("daemon outputs after %d kills differ from replay (daemon logs in %s)",
                KILLS, dir).isEmpty();
        assertThat(actual.alerts()).isEqualTo(expected.alerts());
        assertThat(actual.recommendations()).isEqualTo(expected.recommendations());
        assertThat(actual.rejections()).as("dead letters").isEqualTo(expected.rejections()).isZero();
        log("equal: %d alert transitions and %d recommendations, per run and in order, after %d kills",
                actual.alertCount(), actual.recommendationCount(), KILLS);
    }

    // ------------------------------------------------------------------ the daemon

    private CrashDaemon startDaemon(int life, String bootstrap) throws Exception {
        List<String> args = List.of(
                "--bootstrap-servers", bootstrap,
                "--application-id", APPLICATION_ID,
                "--state-dir", dir.resolve("streams").toString(),
                "--http-address", "127.0.0.1:0",
                "--reload", "false",
                "--processing-guarantee", GUARANTEE,
                "--kafka-property", "consumer.session.timeout.ms=" + SESSION_TIMEOUT_MS,
                "--kafka-property", "consumer.heartbeat.interval.ms=" + Math.max(500, SESSION_TIMEOUT_MS / 3));
        CrashDaemon d = CrashDaemon.start(life, dir, CHILD_JVM, args);
        log("life %d: started daemon pid %d", life, d.pid());
        return d;
    }

    /** Waits until the committed input offsets reach {@code target}; returns them. */
    private long awaitCommitted(Admin admin, String input, long target) {
        long[] lastLog = {System.nanoTime()};
        return Await.value(LIFE_TIMEOUT, "daemon life " + daemon.life() + " commits " + target + " input offsets",
                () -> {
                    long c = committed(admin, input);
                    if (c >= target) {
                        return Optional.of(c);
                    }
                    if (!daemon.isAlive()) {
                        throw new AssertionError("daemon life " + daemon.life() + " exited by itself with "
                                + exitValue() + " at committed " + c + "\n" + daemon.logTail(60));
                    }
                    if (System.nanoTime() - lastLog[0] > TimeUnit.SECONDS.toNanos(5)) {
                        log("life %d: committed %d / %d", daemon.life(), c, target);
                        lastLog[0] = System.nanoTime();
                    }
                    return Optional.empty();
                });
    }

    private int exitValue() {
        try {
            return daemon.kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Waits (at most {@link #PENDING_WAIT_MS}) until an output partition holds records of an open
     * transaction: its high watermark is above its last stable offset. True if one did.
     */
    private boolean awaitPendingOutputs(Admin admin, WatcherTopics topics) {
        List<String> outputs = List.of(topics.alerts(), topics.recommendations());
        return Await.within(Duration.ofMillis(PENDING_WAIT_MS), () -> {
            if (!daemon.isAlive()) {
                return false;
            }
            Map<TopicPartition, Long> stable = ends(admin, outputs, IsolationLevel.READ_COMMITTED);
            Map<TopicPartition, Long> high = ends(admin, outputs, IsolationLevel.READ_UNCOMMITTED);
            return high.entrySet().stream().anyMatch(e -> e.getValue() > stable.get(e.getKey()));
        });
    }

    /** The sum of the application's committed offsets on the input topic (0 before its first commit). */
    private static long committed(Admin admin, String input) {
        return KafkaTopics.committed(admin, APPLICATION_ID, input).values().stream().mapToLong(Long::longValue).sum();
    }

    /** End offsets of every partition of {@code topicNames}: last stable offsets or high watermarks. */
    private static Map<TopicPartition, Long> ends(Admin admin, List<String> topicNames, IsolationLevel isolation) {
        Map<TopicPartition, Long> out = new HashMap<>();
        topicNames.forEach(t -> out.putAll(KafkaTopics.endOffsets(admin, t, isolation)));
        return out;
    }

    /**
     * Prints how many WARN and ERROR lines a life logged, and the first few distinct ones; the
     * output log's lines (every published alert is logged at WARN) are not problems.
     */
    private void logProblems(CrashDaemon d) {
        List<String> warnings = d.logLines(" WARN ").stream().filter(l -> !OUTPUT_LOG.matcher(l).find()).toList();
        List<String> errors = d.logLines(" ERROR ").stream().filter(l -> !OUTPUT_LOG.matcher(l).find()).toList();
        log("life %d logged %d WARN and %d ERROR lines (%s)", d.life(), warnings.size(), errors.size(), d.log());
        Set<String> distinct = new LinkedHashSet<>();
        for (String line : Stream.concat(errors.stream(), warnings.stream()).toList()) {
            // Without the time stamp and thread, so repeats collapse.
            distinct.add(line.replaceFirst("^\\S+ ", "").replaceFirst("\\[[^]]*] ", ""));
        }
        distinct.stream().limit(6).forEach(l -> log("    %s", l.length() > 300 ? l.substring(0, 300) + "..." : l));
    }

    private void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[CrashIT %6.1fs] %s%n", (System.nanoTime() - t0) / 1e9,
                String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
