package dev.anneal.watcher.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.app.daemon.CrashStream;
import dev.anneal.watcher.testkit.Await;
import dev.anneal.watcher.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chaos scenario 4: the single embedded broker is stopped under a running {@code watcher run}
 * while the input arrives steadily, stays down for {@code chaos.brokerDowntimeSeconds}, and
 * starts again at the same address on its data. The daemon must reconnect and go on by itself
 * (the same process, never restarted), and its outputs read with {@code read_committed} must
 * equal the replay of the input exactly ({@link ExactlyOnceCheck}).
 *
 * <p>The control runs the daemon under {@code at_least_once} and kills it while the broker is down
 * (a daemon that gave up during the outage): its uncommitted outputs are published twice, and
 * the check must say so.
 */
class BrokerRestartChaosIT {

    static final int PARTITIONS = 3;

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.createRestartable();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void theDaemonReconnectsToARestartedBrokerAndLosesAndDuplicatesNothing() throws Exception {
        ChaosRun run = ChaosRun.begin("broker-restart", KAFKA.bootstrapServers(), KAFKA.admin(), dir, PARTITIONS,
                (short) -1);
        try (Fleet fleet = run.startSingle(List.of())) {
            CrashStream.Production production = run.produce(ChaosSettings.RECORDS, ChaosSettings.RATE);
            run.awaitCommitted(ChaosSettings.RECORDS / 4, fleet, ChaosRun.DRAIN_TIMEOUT);

            long before = run.committed();
            run.log("stopping the broker at %s", run.at(production));
            long stopNanos = System.nanoTime();
            KAFKA.stopBroker();
            // The outage itself: the daemon and the producer are left without a broker this long.
            Thread.sleep(ChaosSettings.BROKER_DOWNTIME.toMillis());
            fleet.requireAllAlive();
            KAFKA.startBrokerAgain();
            long startNanos = System.nanoTime();
            run.log("broker back after %.1f s", (startNanos - stopNanos) / 1e9);
            Await.until(Duration.ofSeconds(180), "the daemon commits again after the broker's restart", () -> {
                fleet.requireAllAlive();
                return run.committed() > before;
            });
            Duration recovery = Duration.ofNanos(System.nanoTime() - startNanos);
            run.log("the daemon committed again %.1f s after the broker was back", recovery.toMillis() / 1000.0);

            CrashStream stream = run.drain(fleet, production);
            assertThat(fleet.instance("a").life()).as("the daemon went on by itself, never restarted").isEqualTo(1);
            fleet.stopAll();

            ExactlyOnceCheck.Verdict v = run.check(stream).requireExact();
            run.figures(v, stream.records(), String.format(Locale.ROOT, "broker down %d s under the daemon: it "
                    + "committed again %.1f s after the broker was back, same process",
                    ChaosSettings.BROKER_DOWNTIME.toSeconds(), recovery.toMillis() / 1000.0));
        }
    }

    @Test
    void controlAtLeastOnceDuplicatesWhatADaemonKilledDuringTheOutageHadNotCommitted() throws Exception {
        ChaosRun run = new ChaosRun("broker-restart-control", KAFKA.bootstrapServers(), KAFKA.admin(), dir,
                PARTITIONS, (short) -1);
        run.createTopics();
        Fleet.Settings settings = Fleet.Settings.exactlyOnce(KAFKA.bootstrapServers(), run.applicationId(),
                run.topics(), 0);
        ExactlyOnceCheck.Verdict v = run.atLeastOnceControl(settings, List.of("a"), "a", KAFKA::stopBroker,
                KAFKA::startBrokerAgain);
        run.log("control, as required: %s", v.summary());
    }
}
