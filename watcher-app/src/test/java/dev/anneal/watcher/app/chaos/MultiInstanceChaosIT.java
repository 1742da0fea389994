package dev.anneal.watcher.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.app.daemon.CrashStream;
import dev.anneal.watcher.core.stream.WatcherMetrics;
import dev.anneal.watcher.testkit.KafkaBroker;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chaos scenario 1: three instances of {@code watcher run} (separate processes, one
 * {@code application.id}) share an input topic of {@value #PARTITIONS} partitions while the input
 * arrives steadily. One is killed with {@code kill -9} mid-stream (the failover is measured: kill
 * to the survivors' first commit on the moved partitions) and started again later; then the
 * group is scaled down gracefully from three instances to one and back up to three. The outputs
 * read with {@code read_committed} must equal the replay of the input exactly
 * ({@link ExactlyOnceCheck}); the survivors' {@code /metrics} and {@code /readyz} must show the
 * rebalances.
 *
 * <p>The control runs two instances under {@code at_least_once} and kills one after it
 * published outputs it had not committed: the check must report the duplicates.
 */
class MultiInstanceChaosIT {

    static final int PARTITIONS = 12;

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.create();

    /** Kept when a test fails: the daemons' logs ({@code <name>-<life>.log}) and the input file. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void killNineThenScaleDownAndUpLoseAndDuplicateNothing() throws Exception {
        ChaosRun run = ChaosRun.begin("multi-instance", KAFKA.bootstrapServers(), KAFKA.admin(), dir, PARTITIONS,
                (short) -1);
        Fleet.Settings settings = Fleet.Settings.exactlyOnce(KAFKA.bootstrapServers(), run.applicationId(),
                run.topics(), ChaosSettings.STANDBYS);
        try (Fleet fleet = new Fleet(dir, settings)) {
            for (String name : List.of("a", "b", "c")) {
                fleet.start(name);
            }
            List.of("a", "b", "c").forEach(fleet::awaitReady);
            run.log("three instances ready: %s", GroupView.assignment(KAFKA.admin(), run.applicationId(), run.input()));

            CrashStream.Production production = run.produce(ChaosSettings.RECORDS, ChaosSettings.RATE);
            run.awaitCommitted(ChaosSettings.RECORDS / 6, fleet, ChaosRun.DRAIN_TIMEOUT);
            run.log("kill -9 b at %s", run.at(production));
            ChaosRun.Failover failover = run.killAndMeasureFailover(fleet, "b", production);

            fleet.start("b");
            fleet.awaitReady("b");
            run.log("b is back at %s: %s", run.at(production),
                    GroupView.assignment(KAFKA.admin(), run.applicationId(), run.input()));

            // Graceful scale-down from three instances to one, and back up.
            fleet.stop("b");
            fleet.stop("c");
            long atOne = run.committed();
            run.log("scaled down to a alone at %s", run.at(production));
            run.awaitCommitted(Math.min(atOne + ChaosSettings.RECORDS / 10, ChaosSettings.RECORDS), fleet,
                    ChaosRun.DRAIN_TIMEOUT);
            fleet.start("b");
            fleet.start("c");
            fleet.awaitReady("b");
            fleet.awaitReady("c");
            run.log("scaled up to three at %s: %s", run.at(production),
                    GroupView.assignment(KAFKA.admin(), run.applicationId(), run.input()));

            CrashStream stream = run.drain(fleet, production);

            // The rebalances are visible on the instance that saw them all.
            Fleet.Instance a = fleet.instance("a");
            double rebalances = Fleet.metric(a, WatcherMetrics.REBALANCES, "").orElseThrow();
            assertThat(rebalances).as("rebalances a saw (b killed, b back, b and c gone, b and c back)")
                    .isGreaterThanOrEqualTo(3);
            assertThat(Fleet.metric(a, WatcherMetrics.STREAMS_STATE, "state=\"RUNNING\"")).contains(1.0);
            assertThat(Fleet.get(a, "/readyz").orElseThrow().body()).startsWith("ready: Kafka Streams is RUNNING (")
                    .contains("rebalances");
            fleet.stopAll();

            ExactlyOnceCheck.Verdict v = run.check(stream).requireExact();
            run.figures(v, stream.records(), String.format(Locale.ROOT,
                    "kill -9 of 1 of 3 instances (%d standby): failover %.1f s, longest restore %.2f s; %.0f "
                            + "rebalances seen by the instance that stayed", ChaosSettings.STANDBYS,
                    failover.time().toMillis() / 1000.0, failover.restoreMaxSeconds(), rebalances));
        }
    }

    @Test
    void controlAtLeastOnceDuplicatesWhatAKilledInstanceHadNotCommitted() throws Exception {
        ChaosRun run = new ChaosRun("multi-instance-control", KAFKA.bootstrapServers(), KAFKA.admin(), dir,
                PARTITIONS, (short) -1);
        run.createTopics();
        Fleet.Settings settings = Fleet.Settings.exactlyOnce(KAFKA.bootstrapServers(), run.applicationId(),
                run.topics(), 0);
        ExactlyOnceCheck.Verdict v = run.atLeastOnceControl(settings, List.of("a", "b"), "b", () -> { }, () -> { });
        run.log("control, as required: %s", v.summary());
    }
}
