package dev.anneal.watcher.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A Kafka cluster of several brokers in this JVM, for the tests that need replication: broker
 * bounces, leader and coordinator moves. One dedicated KRaft controller (node
 * {@value #CONTROLLER_ID}, {@code process.roles=controller}, a static single-voter quorum) and
 * {@code n} brokers (nodes 1 to n, {@code process.roles=broker}), all formatted with the same
 * cluster id, each with its own data dir and fixed ports (kept across its restarts, so the
 * bootstrap servers and the quorum stay valid). Topics default to a replication factor of the
 * broker count and {@code min.insync.replicas} of one less (3 and 2 for three brokers), the
 * internal topics ({@code __consumer_offsets}, {@code __transaction_state}) likewise: losing one
 * broker loses nothing and stops nothing.
 *
 * <p>Why a dedicated controller: a broker's clean shutdown asks the active controller to move its
 * leaderships first. With combined nodes, the last ones to stop have no controller quorum left to
 * ask and wait minutes for it; here the controller outlives every broker, so bounces and the
 * final close are quick. Bouncing brokers is what the tests do; the controller is not bounced.
 *
 * <p>Why not {@link KafkaBroker}: that extension decides which single broker an ordinary test gets
 * (the embedded one, or a container); this cluster exists for the tests whose subject is the
 * cluster itself. Why not {@code EmbeddedKafkaBroker}: it is the daemon's single-node broker and
 * stays so; the few lines that format and start a node are repeated here with a multi-node
 * configuration.
 *
 * <p>{@link #stop(int)} shuts a broker down cleanly (controlled shutdown: its leaderships move
 * first), {@link #start(int)} starts it again on the same data and ports; {@link #close()} stops
 * every broker, then the controller, and deletes the data.
 */
public final class KafkaCluster implements AutoCloseable {

    /** The node id of the controller. */
    public static final int CONTROLLER_ID = 100;

    private static final String HOST = "127.0.0.1";
    private static final Duration TIMEOUT = Duration.ofSeconds(180);

    private final Path dir;
    private final String clusterId = Uuid.randomUuid().toString();
    private final Map<Integer, Map<String, String>> configs = new TreeMap<>();
    private final Map<Integer, KafkaRaftServer> running = new TreeMap<>(); // guarded by this
    private final String bootstrap;

    private KafkaCluster(Path dir, int brokers) {
        this.dir = dir;
        int controllerPort = freePort();
        String voters = CONTROLLER_ID + "@" + HOST + ":" + controllerPort;
        configs.put(CONTROLLER_ID, controllerConfig(controllerPort, voters));
        List<String> servers = new ArrayList<>();
        for (int id = 1; id <= brokers; id++) {
            int port = freePort();
            servers.add(HOST + ":" + port);
            configs.put(id, brokerConfig(id, port, voters, brokers));
        }
        bootstrap = String.join(",", servers);
    }

    /**
     * Formats and starts the controller and {@code brokers} brokers under {@code dir}, and waits
     * until every broker is a live member of the cluster.
     */
    public static KafkaCluster start(int brokers, Path dir) {
        if (brokers < 1) {
            throw new IllegalArgumentException("brokers must be positive, was " + brokers);
        }
        KafkaCluster c = new KafkaCluster(dir, brokers);
        try {
            c.configs.forEach((id, config) -> c.format(id, config));
            c.start(CONTROLLER_ID);
            List<CompletableFuture<Void>> starts = new ArrayList<>();
            for (int id : c.nodeIds()) {
                starts.add(CompletableFuture.runAsync(() -> c.start(id)));
            }
            starts.forEach(CompletableFuture::join);
            c.awaitBrokers(brokers);
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The clients' {@code bootstrap.servers}: every node. */
    public String bootstrapServers() {
        return bootstrap;
    }

    /** The brokers' node ids, 1 to n. */
    public List<Integer> nodeIds() {
        return configs.keySet().stream().filter(id -> id != CONTROLLER_ID).toList();
    }

    /** Stops broker (or the controller) {@code id} cleanly and waits until it is down. */
    public void stop(int id) {
        KafkaRaftServer s;
        synchronized (this) {
            s = running.remove(id);
        }
        if (s == null) {
            throw new IllegalStateException("node " + id + " is not running");
        }
        s.shutdown();
        s.awaitShutdown();
    }

    /** Starts broker {@code id} again on its data and ports (returns once its server has started). */
    public void start(int id) {
        KafkaRaftServer s = new KafkaRaftServer(new KafkaConfig(configs.get(id), false), Time.SYSTEM);
        s.startup();
        synchronized (this) {
            running.put(id, s);
        }
    }

    /**
     * Waits until {@code count} brokers are registered and every partition of every topic has all
     * its replicas in sync again: after a restart, the point from which another node can go down
     * without any partition falling below {@code min.insync.replicas}.
     */
    public void awaitHealthy(Admin admin, int count) {
        awaitBrokers(count);
        Await.until(TIMEOUT, "every partition fully replicated", () -> {
            try {
                Collection<String> names = admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions()
                        .listInternal(true)).names().get(30, TimeUnit.SECONDS);
                Map<String, TopicDescription> all = admin.describeTopics(names).allTopicNames()
                        .get(30, TimeUnit.SECONDS);
                for (TopicDescription d : all.values()) {
                    for (TopicPartitionInfo p : d.partitions()) {
                        if (p.leader() == null || p.isr().size() < p.replicas().size()) {
                            return false;
                        }
                    }
                }
                return true;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private void awaitBrokers(int count) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000))) {
            Await.until(TIMEOUT, count + " brokers in the cluster", () -> {
                try {
                    Collection<Node> nodes = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
                    return nodes.size() >= count;
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    /** Stops every broker still running (all at once), then the controller, and deletes the cluster's data. */
    @Override
    public void close() {
        List<Integer> brokers;
        synchronized (this) {
            brokers = running.keySet().stream().filter(id -> id != CONTROLLER_ID).toList();
        }
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (int id : brokers) {
            stops.add(CompletableFuture.runAsync(() -> stopQuietly(id)));
        }
        stops.forEach(CompletableFuture::join);
        boolean controller;
        synchronized (this) {
            controller = running.containsKey(CONTROLLER_ID);
        }
        if (controller) {
            stopQuietly(CONTROLLER_ID);
        }
        KafkaBroker.deleteRecursively(dir);
    }

    private void stopQuietly(int id) {
        try {
            stop(id);
        } catch (RuntimeException e) {
            System.err.println("KafkaCluster: stopping node " + id + ": " + e);
        }
    }

    private Map<String, String> controllerConfig(int controllerPort, String voters) {
        Path logDir = dir.resolve("controller");
        Map<String, String> c = new LinkedHashMap<>();
        c.put("process.roles", "controller");
        c.put("node.id", Integer.toString(CONTROLLER_ID));
        c.put("controller.quorum.voters", voters);
        c.put("controller.listener.names", "CONTROLLER");
        c.put("listeners", "CONTROLLER://" + HOST + ":" + controllerPort);
        c.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT");
        c.put("log.dirs", logDir.toString());
        c.put("metadata.log.dir", logDir.toString());
        return c;
    }

    private Map<String, String> brokerConfig(int id, int port, String voters, int brokers) {
        Path logDir = dir.resolve("broker-" + id);
        String replicas = Integer.toString(brokers);
        String minIsr = Integer.toString(Math.max(1, brokers - 1));
        Map<String, String> c = new LinkedHashMap<>();
        c.put("process.roles", "broker");
        c.put("node.id", Integer.toString(id));
        c.put("controller.quorum.voters", voters);
        c.put("controller.listener.names", "CONTROLLER");
        c.put("listeners", "PLAINTEXT://" + HOST + ":" + port);
        c.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        c.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        c.put("inter.broker.listener.name", "PLAINTEXT");
        c.put("log.dirs", logDir.toString());
        c.put("metadata.log.dir", logDir.toString());
        c.put("num.partitions", "1");
        c.put("default.replication.factor", replicas);
        c.put("min.insync.replicas", minIsr);
        c.put("auto.create.topics.enable", "false");
        c.put("offsets.topic.replication.factor", replicas);
        c.put("offsets.topic.num.partitions", "5");
        c.put("transaction.state.log.replication.factor", replicas);
        c.put("transaction.state.log.min.isr", minIsr);
        c.put("transaction.state.log.num.partitions", "5");
        c.put("share.coordinator.state.topic.replication.factor", replicas);
        c.put("share.coordinator.state.topic.min.isr", minIsr);
        c.put("group.initial.rebalance.delay.ms", "0");
        c.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        return c;
    }

    /** What {@code kafka-storage.sh format} does, for one node. */
    private void format(int id, Map<String, String> config) {
        Path file = dir.resolve("node-" + id + ".properties");
        Properties props = new Properties();
        props.putAll(config);
        try {
            Files.createDirectories(Path.of(config.get("log.dirs")));
            try (OutputStream out = Files.newOutputStream(file)) {
                props.store(out, "KafkaCluster node " + id);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exit;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exit = StorageTool.execute(new String[] {"format", "--config", file.toString(), "--cluster-id", clusterId},
                    out);
        }
        if (exit != 0) {
            throw new IllegalStateException("formatting node " + id + " failed (" + exit + "): "
                    + output.toString(StandardCharsets.UTF_8));
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
