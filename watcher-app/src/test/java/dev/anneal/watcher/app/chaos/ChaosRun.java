package dev.anneal.watcher.app.chaos;

import dev.anneal.watcher.app.daemon.CrashOutputs;
import dev.anneal.watcher.app.daemon.CrashStream;
import dev.anneal.watcher.core.stream.TopicSetup;
import dev.anneal.watcher.core.stream.WatcherMetrics;
import dev.anneal.watcher.core.stream.WatcherTopics;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.load.RuleSets;
import dev.anneal.watcher.testkit.Await;
import dev.anneal.watcher.testkit.KafkaTopics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * One chaos scenario's fixture and its measurements: the topics (named after the scenario, all
 * with the input's partition count, so a run's outputs land in the partition number of its input),
 * the input produced steadily in the background ({@link CrashStream#startProducing}), progress as
 * the application's committed input offsets, the failover time, the final
 * {@link ExactlyOnceCheck} against replay, the at-least-once control, and the figures line.
 */
final class ChaosRun {

    /** How long the daemons may take to consume everything once the faults are over. */
    static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(5);

    private final String scenario;
    private final String bootstrap;
    private final Admin admin;
    private final Path dir;
    private final int partitions;
    private final short replicationFactor;
    private final WatcherTopics topics;
    private final String applicationId;
    private final long t0 = System.nanoTime();

    /**
     * What a failover took.
     *
     * @param moved             the input partitions the killed instance held
     * @param time              from the kill until a survivor had committed new input on each of them
     * @param restoreMaxSeconds the longest store restoration the survivors report ({@code watcher_restore_seconds_max})
     * @param restoredRecords   changelog records the survivors restored in all so far
     */
    record Failover(Set<Integer> moved, Duration time, double restoreMaxSeconds, double restoredRecords) {
        String describe() {
            return String.format(Locale.ROOT, "failover %.1f s (partitions %s), longest restore %.2f s, %.0f records "
                    + "restored", time.toMillis() / 1000.0, moved, restoreMaxSeconds, restoredRecords);
        }
    }

    ChaosRun(String scenario, String bootstrap, Admin admin, Path dir, int partitions, short replicationFactor) {
        this.scenario = scenario;
        this.bootstrap = bootstrap;
        this.admin = admin;
        this.dir = dir;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.applicationId = "chaos-" + scenario;
        this.topics = new WatcherTopics(List.of(scenario + ".telemetry"), null, scenario + ".alerts",
                scenario + ".recommendations", scenario + ".telemetry.dlq", null, null);
    }

    /** Starts a scenario: logs its settings and creates its topics. */
    static ChaosRun begin(String scenario, String bootstrap, Admin admin, Path dir, int partitions,
            short replicationFactor) throws Exception {
        ChaosRun run = new ChaosRun(scenario, bootstrap, admin, dir, partitions, replicationFactor);
        run.log("%s; brokers %s; work dir %s", ChaosSettings.describe(), bootstrap, dir);
        run.createTopics();
        return run;
    }

    /** A fleet of one exactly-once instance, "a", started and ready ({@code extraArgs}: more flags). */
    Fleet startSingle(List<String> extraArgs) throws IOException {
        Fleet fleet = new Fleet(dir, Fleet.Settings.exactlyOnce(bootstrap, applicationId, topics, 0)
                .withExtraArgs(extraArgs));
        fleet.start("a");
        fleet.awaitReady("a");
        return fleet;
    }

    /** Waits until the whole input is produced and committed by the fleet; returns it. */
    CrashStream drain(Fleet fleet, CrashStream.Production production) throws Exception {
        CrashStream stream = production.await(DRAIN_TIMEOUT);
        awaitCommitted(stream.records(), fleet, DRAIN_TIMEOUT);
        return stream;
    }

    WatcherTopics topics() {
        return topics;
    }

    String applicationId() {
        return applicationId;
    }

    String input() {
        return topics.inputTopics().get(0);
    }

    Path dir() {
        return dir;
    }

    /** Creates the daemon's topics with the scenario's partitions and replication. */
    void createTopics() throws Exception {
        TopicSetup.createMissing(admin, topics, new TopicSetup.Settings(partitions, replicationFactor),
                Duration.ofSeconds(60));
    }

    /** Starts producing the scenario's input at {@code rate} records per second. */
    CrashStream.Production produce(int records, double rate) {
        // Event times a day ahead, so absence rules stay quiet in both daemon and replay (CrashStream).
        return produce(records, rate, Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS));
    }

    /** Starts producing the scenario's input with event times from {@code base} on. */
    CrashStream.Production produce(int records, double rate, Instant base) {
        log("producing %d records to %s at %.0f/s", records, input(), rate);
        return CrashStream.startProducing(dir, records, ChaosSettings.SEGMENTS, ChaosSettings.RUNS,
                ChaosSettings.SEED, base, bootstrap, input(), partitions, rate);
    }

    /** The application's committed offset of each input partition (absent: none yet). */
    Map<TopicPartition, Long> committedPerPartition() {
        return KafkaTopics.committed(admin, applicationId, input());
    }

    /** The sum of the application's committed input offsets. */
    long committed() {
        return committedPerPartition().values().stream().mapToLong(Long::longValue).sum();
    }

    /** Waits until the committed input offsets reach {@code target}, failing if an instance of {@code fleet} died. */
    void awaitCommitted(long target, Fleet fleet, Duration timeout) {
        Await.until(timeout, scenario + ": the daemons commit " + target + " input records", () -> {
            fleet.requireAllAlive();
            return committed() >= target;
        });
    }

    /**
     * Kills instance {@code victim} with SIGKILL and measures the failover: from the kill until,
     * on every input partition it held, a survivor has committed past the victim's last commit
     * (the input keeps coming; a partition it no longer reaches once {@code production} has
     * ended is left out). Under exactly-once that commit is the moment the survivor's
     * first outputs for the moved partitions become visible.
     */
    Failover killAndMeasureFailover(Fleet fleet, String victim, CrashStream.Production production)
            throws InterruptedException {
        Set<Integer> moved = GroupView.partitionsOf(admin, applicationId, input(), fleet.clientId(victim));
        if (moved.isEmpty()) {
            throw new AssertionError(victim + " holds no partition of " + input() + ": "
                    + GroupView.assignment(admin, applicationId, input()));
        }
        long killNanos = System.nanoTime();
        int exit = fleet.kill(victim);
        // Read once the victim is dead: until then it commits every 100 ms itself.
        Map<TopicPartition, Long> before = committedPerPartition();
        log("kill -9 %s (exit %d) holding partitions %s, at committed %d", victim, exit, moved, committed());
        Await.until(Duration.ofSeconds(180), "the survivors take over " + moved + " from " + victim, () -> {
            fleet.requireAllAlive();
            Map<TopicPartition, Long> now = committedPerPartition();
            // Input that has ended without reaching a moved partition again leaves nothing to wait for there.
            boolean ended = production.isDone();
            Map<TopicPartition, Long> ends = KafkaTopics.endOffsets(admin, input(), IsolationLevel.READ_UNCOMMITTED);
            return moved.stream().map(p -> new TopicPartition(input(), p)).allMatch(tp -> {
                long was = before.getOrDefault(tp, 0L);
                return now.getOrDefault(tp, 0L) > was || ended && ends.get(tp) <= was;
            });
        });
        Duration time = Duration.ofNanos(System.nanoTime() - killNanos);
        double restoreMax = 0;
        double restored = 0;
        for (String name : fleet.runningNames()) {
            Fleet.Instance i = fleet.instance(name);
            restoreMax = Math.max(restoreMax, Fleet.metric(i, WatcherMetrics.RESTORE_DURATION + "_max", "").orElse(0.0));
            restored += Fleet.metric(i, WatcherMetrics.RESTORED_RECORDS, "").orElse(0.0);
        }
        Failover f = new Failover(moved, time, restoreMax, restored);
        log("%s", f.describe());
        return f;
    }

    /**
     * Reads the outputs with read_committed, replays the input, and compares them
     * ({@link ExactlyOnceCheck#outputs}); logs the verdict.
     */
    ExactlyOnceCheck.Verdict check(CrashStream stream) throws Exception {
        return check(stream, Map.of());
    }

    /** As {@link #check(CrashStream)}, replaying with the daemon's parameter overrides {@code params}. */
    ExactlyOnceCheck.Verdict check(CrashStream stream, Map<String, String> params) throws Exception {
        CrashOutputs.Side expected = CrashOutputs.replay(RuleSets.compile(List.of(BuiltinPacks.DEFAULT), params),
                stream);
        CrashOutputs.Side actual = CrashOutputs.daemon(bootstrap, input(), topics.alerts(), topics.recommendations(),
                topics.dlq(), stream);
        ExactlyOnceCheck.Verdict v = ExactlyOnceCheck.outputs(scenario, expected, actual);
        log("%s", v.summary());
        if (expected.alertCount() == 0 || expected.recommendations().isEmpty()) {
            throw new AssertionError("the stream published nothing to compare: " + v.summary());
        }
        return v;
    }

    /**
     * The at-least-once control: the instances {@code names} run under {@code at_least_once}
     * with a commit interval longer than the test, so every output published after the
     * instances settled is uncommitted. Once instance {@code victim} has published some, it is
     * killed (between {@code beforeKill} and {@code afterKill}, the scenario's own fault), the survivors are stopped
     * gracefully (committing what they did) and everything starts again with a short commit
     * interval: the victim's uncommitted outputs are published again, and the check must report
     * the duplicates.
     */
    ExactlyOnceCheck.Verdict atLeastOnceControl(Fleet.Settings exactlyOnce, List<String> names, String victim,
            ThrowingRunnable beforeKill, ThrowingRunnable afterKill) throws Exception {
        Fleet.Settings alos = exactlyOnce.withGuarantee("at_least_once", 3_600_000);
        try (Fleet fleet = new Fleet(dir, alos)) {
            for (String n : names) {
                fleet.start(n);
            }
            names.forEach(fleet::awaitReady);
            CrashStream.Production production = produce(ChaosSettings.RECORDS / 2, ChaosSettings.RATE * 2);
            Set<Integer> held = GroupView.partitionsOf(admin, applicationId, input(), fleet.clientId(victim));
            long outputsBefore = outputsIn(held);
            Await.until(Duration.ofSeconds(120), victim + " publishes outputs it has not committed", () -> {
                fleet.requireAllAlive();
                return outputsIn(held) > outputsBefore;
            });
            log("control: kill -9 %s after it published %d outputs on %s without committing", victim,
                    outputsIn(held) - outputsBefore, held);
            beforeKill.run();
            fleet.kill(victim);
            afterKill.run();
            // The survivors would not commit for an hour: a graceful stop commits what they did, and
            // every next life commits every 100 ms, so the end of the input can be awaited.
            Fleet.Settings finish = alos.withGuarantee("at_least_once", 100);
            for (String n : fleet.runningNames()) {
                fleet.stop(n);
            }
            for (String n : names) {
                fleet.start(n, finish);
            }
            CrashStream stream = drain(fleet, production);
            fleet.stopAll();
            ExactlyOnceCheck.Verdict v = check(stream).requireDifference();
            if (v.duplicates() == 0) {
                throw new AssertionError("the control's kill duplicated nothing: " + v.summary());
            }
            return v;
        }
    }

    /** Records on the alerts and recommendations topics' partitions {@code held}. */
    private long outputsIn(Set<Integer> held) {
        long n = 0;
        for (String t : List.of(topics.alerts(), topics.recommendations())) {
            Map<TopicPartition, Long> ends = KafkaTopics.endOffsets(admin, t, IsolationLevel.READ_UNCOMMITTED);
            n += held.stream().mapToLong(p -> ends.getOrDefault(new TopicPartition(t, p), 0L)).sum();
        }
        return n;
    }

    /** A step that may throw. */
    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /**
     * Prints the scenario's figures (the rows of docs/reliability.md) and appends them to the
     * file named by {@code chaos.figures}, if any.
     */
    void figures(ExactlyOnceCheck.Verdict v, long recordsIn, String times) {
        String line = String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %s |", scenario, recordsIn, v.actual(),
                v.duplicates(), v.lost(), times);
        log("FIGURES %s", line);
        if (!ChaosSettings.FIGURES.isEmpty()) {
            try {
                Files.writeString(Path.of(ChaosSettings.FIGURES), line + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Where a fault landed in the stream, for the log. */
    String at(CrashStream.Production p) {
        return String.format(Locale.ROOT, "%d of %d records produced, %d committed", p.sent(), p.records(),
                committed());
    }

    void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[chaos %s %6.1fs] %s%n", scenario,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) / 1000.0, String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
