package dev.anneal.watcher.app.chaos;

import dev.anneal.watcher.app.daemon.CrashStream;
import dev.anneal.watcher.testkit.Await;
import dev.anneal.watcher.testkit.KafkaCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chaos scenario 2: a KRaft cluster of three brokers and a dedicated controller started by the
 * test ({@link KafkaCluster}; replication factor 3 and {@code min.insync.replicas} 2 for
 * every topic, internal ones included). While {@code watcher run} consumes a steady input, one
 * broker is bounced (stopped for {@code chaos.brokerDowntimeSeconds}, started again, and every
 * partition back in sync), then the broker that leads the daemon's transaction coordinator. The
 * daemon goes on by itself, and its outputs read with {@code read_committed} must equal the
 * replay of the input exactly ({@link ExactlyOnceCheck}).
 *
 * <p>The control runs the daemon under {@code at_least_once}, bounces a broker and kills the
 * daemon after it published outputs it had not committed: the check must report the duplicates.
 */
class BrokerClusterChaosIT {

    static final int PARTITIONS = 6;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private static Path clusterDir;
    private static KafkaCluster cluster;
    private static Admin admin;

    @BeforeAll
    static void startCluster() throws Exception {
        clusterDir = Files.createTempDirectory("watcher-chaos-cluster-");
        cluster = KafkaCluster.start(3, clusterDir);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
    }

    @AfterAll
    static void stopCluster() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void bouncingABrokerThenTheTransactionCoordinatorLosesAndDuplicatesNothing() throws Exception {
        ChaosRun run = ChaosRun.begin("broker-bounce", cluster.bootstrapServers(), admin, dir, PARTITIONS, (short) 3);
        try (Fleet fleet = run.startSingle(List.of())) {
            CrashStream.Production production = run.produce(ChaosSettings.RECORDS, ChaosSettings.RATE);
            run.awaitCommitted(ChaosSettings.RECORDS / 5, fleet, ChaosRun.DRAIN_TIMEOUT);

            int coordinator = transactionCoordinator(run.applicationId());
            int other = cluster.nodeIds().stream().filter(n -> n != coordinator).findFirst().orElseThrow();
            List<String> bounces = new ArrayList<>();
            bounces.add(bounce(run, fleet, production, other, "a broker (not the transaction coordinator)"));
            int coordinatorNow = transactionCoordinator(run.applicationId());
            bounces.add(bounce(run, fleet, production, coordinatorNow, "the transaction coordinator's broker"));

            CrashStream stream = run.drain(fleet, production);
            fleet.stopAll();

            ExactlyOnceCheck.Verdict v = run.check(stream).requireExact();
            run.figures(v, stream.records(), "3 brokers (RF 3, min ISR 2); " + String.join("; ", bounces));
        }
    }

    @Test
    void controlAtLeastOnceDuplicatesWhatADaemonKilledAfterABounceHadNotCommitted() throws Exception {
        ChaosRun run = new ChaosRun("broker-bounce-control", cluster.bootstrapServers(), admin, dir, PARTITIONS,
                (short) 3);
        run.createTopics();
        Fleet.Settings settings = Fleet.Settings.exactlyOnce(cluster.bootstrapServers(), run.applicationId(),
                run.topics(), 0);
        int node = cluster.nodeIds().get(cluster.nodeIds().size() - 1);
        ExactlyOnceCheck.Verdict v = run.atLeastOnceControl(settings, List.of("a"), "a", () -> {
            cluster.stop(node);
            cluster.start(node);
            cluster.awaitHealthy(admin, cluster.nodeIds().size());
        }, () -> { });
        run.log("control, as required: %s", v.summary());
    }

    /**
     * Stops broker {@code node}, keeps it down for the configured downtime while the daemon goes
     * on, starts it again, waits until every partition is in sync again and the daemon has
     * committed more input; returns what happened, for the figures.
     */
    private String bounce(ChaosRun run, Fleet fleet, CrashStream.Production production, int node, String what)
            throws Exception {
        long before = run.committed();
        run.log("stopping broker %d, %s, at %s", node, what, run.at(production));
        long t0 = System.nanoTime();
        cluster.stop(node);
        // The outage itself: the cluster runs on two brokers this long.
        Thread.sleep(ChaosSettings.BROKER_DOWNTIME.toMillis());
        long whileDown = run.committed() - before;
        fleet.requireAllAlive();
        cluster.start(node);
        cluster.awaitHealthy(admin, cluster.nodeIds().size());
        double back = (System.nanoTime() - t0) / 1e9;
        long atBack = run.committed();
        Await.until(Duration.ofSeconds(180), "the daemon commits after broker " + node + " is back", () -> {
            fleet.requireAllAlive();
            return run.committed() > atBack || production.isDone() && atBack >= production.records();
        });
        String line = String.format(Locale.ROOT, "%s (node %d) down %d s: %d records committed meanwhile, back in "
                + "sync after %.1f s", what, node, ChaosSettings.BROKER_DOWNTIME.toSeconds(), whileDown, back);
        run.log("%s", line);
        return line;
    }

    /** The node whose transaction coordinator serves the application's transactional producers. */
    private static int transactionCoordinator(String applicationId) {
        return Await.value(Duration.ofSeconds(60), "the transaction coordinator of " + applicationId, () -> {
            try {
                List<String> ids = admin.listTransactions().all().get(30, TimeUnit.SECONDS).stream()
                        .map(TransactionListing::transactionalId).filter(id -> id.startsWith(applicationId + "-"))
                        .toList();
                if (ids.isEmpty()) {
                    return Optional.empty();
                }
                Map<String, TransactionDescription> d = admin.describeTransactions(ids).all().get(30,
                        TimeUnit.SECONDS);
                TreeSet<Integer> nodes = new TreeSet<>();
                d.values().forEach(t -> nodes.add(t.coordinatorId()));
                return Optional.of(nodes.first());
            } catch (Exception e) {
                return Optional.empty();
            }
        });
    }
}
