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
import java.util.stream.Collectors;
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
 * A Kafka cluster of several nodes in this JVM, for the tests that need replication: broker
 * bounces, leader and coordinator moves. Each node is both a broker and a KRaft controller (one
 * combined controller quorum of all nodes, {@code controller.quorum.voters} static), formatted with
 * the same cluster id, with its own data dir and fixed ports (kept across its restarts, so the
 * bootstrap servers and the quorum stay valid). Topics default to a replication factor of the node
 * count and {@code min.insync.replicas} of one less (3 and 2 for three nodes), the internal topics
 * ({@code __consumer_offsets}, {@code __transaction_state}) likewise: losing one node loses nothing
 * and stops nothing.
 *
 * <p>Why not {@link KafkaBroker}: that extension decides which single broker an ordinary test gets
 * (the embedded one, or a container); this cluster exists for the tests whose subject is the
 * cluster itself. Why not {@code EmbeddedKafkaBroker}: it is the daemon's single-node broker and
 * stays so; the few lines that format and start a node are repeated here with a multi-node
 * configuration.
 *
 * <p>{@link #stop(int)} shuts a node down cleanly (controlled shutdown: its leaderships move
 * first), {@link #start(int)} starts it again on the same data and ports; {@link #close()} stops
 * every node and deletes the data.
 */
public final class KafkaCluster implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final Duration TIMEOUT = Duration.ofSeconds(180);

    private final Path dir;
    private final String clusterId = Uuid.randomUuid().toString();
    private final Map<Integer, Map<String, String>> configs = new TreeMap<>();
    private final Map<Integer, KafkaRaftServer> running = new TreeMap<>(); // guarded by this
    private final String bootstrap;

    private KafkaCluster(Path dir, int nodes) {
        this.dir = dir;
        Map<Integer, int[]> ports = new LinkedHashMap<>();
        for (int id = 1; id <= nodes; id++) {
            ports.put(id, new int[] {freePort(), freePort()});
        }
        String voters = ports.entrySet().stream().map(e -> e.getKey() + "@" + HOST + ":" + e.getValue()[1])
                .collect(Collectors.joining(","));
        bootstrap = ports.values().stream().map(p -> HOST + ":" + p[0]).collect(Collectors.joining(","));
        ports.forEach((id, p) -> configs.put(id, nodeConfig(id, p[0], p[1], voters, nodes)));
    }

    /**
     * Formats and starts {@code nodes} nodes under {@code dir} and waits until every one of them
     * is a live broker of the cluster.
     */
    public static KafkaCluster start(int nodes, Path dir) {
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes must be positive, was " + nodes);
        }
        KafkaCluster c = new KafkaCluster(dir, nodes);
        try {
            c.configs.forEach((id, config) -> c.format(id, config));
            // A node's start waits for a controller quorum, which takes a majority of them: start all at once.
            List<CompletableFuture<Void>> starts = new ArrayList<>();
            for (int id : c.configs.keySet()) {
                starts.add(CompletableFuture.runAsync(() -> c.start(id)));
            }
            starts.forEach(CompletableFuture::join);
            c.awaitBrokers(nodes);
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

    /** The node ids, 1 to n. */
    public List<Integer> nodeIds() {
        return List.copyOf(configs.keySet());
    }

    /** Stops node {@code id} cleanly and waits until it is down. */
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

    /** Starts node {@code id} again on its data and ports (returns once its server has started). */
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

    /**
     * Stops every node still running, all at once, and deletes the cluster's data. One at a time,
     * the last node's controlled shutdown would wait minutes for a controller quorum that the
     * earlier ones took away with them.
     */
    @Override
    public void close() {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        List<Integer> ids;
        synchronized (this) {
            ids = List.copyOf(running.keySet());
        }
        for (int id : ids) {
            stops.add(CompletableFuture.runAsync(() -> {
                try {
                    stop(id);
                } catch (RuntimeException e) {
                    System.err.println("KafkaCluster: stopping node " + id + ": " + e);
                }
            }));
        }
        stops.forEach(CompletableFuture::join);
        KafkaBroker.deleteRecursively(dir);
    }

    private Map<String, String> nodeConfig(int id, int port, int controllerPort, String voters, int nodes) {
        Path logDir = dir.resolve("node-" + id);
        String replicas = Integer.toString(nodes);
        String minIsr = Integer.toString(Math.max(1, nodes - 1));
        Map<String, String> c = new LinkedHashMap<>();
        c.put("process.roles", "broker,controller");
        c.put("node.id", Integer.toString(id));
        c.put("controller.quorum.voters", voters);
        c.put("controller.listener.names", "CONTROLLER");
        c.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
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
