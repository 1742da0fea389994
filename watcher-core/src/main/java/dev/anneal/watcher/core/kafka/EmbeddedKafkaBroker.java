package dev.anneal.watcher.core.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, single-node Kafka broker running inside this JVM: the embedded default of
 * {@code watcher run} and the broker of the integration tests.
 *
 * <h2>Why this exists</h2>
 * There is no Docker on the machines this project runs on, so Testcontainers (or any external
 * broker) is not an option. Kafka 4.4.0's own in-process test kit ({@code KafkaClusterTestKit})
 * is not usable either: the published artifacts reference classes of a test jar that is not
 * published. What does work with the published {@code kafka_2.13} jar alone is what the
 * {@code kafka-storage.sh format} and {@code kafka-server-start.sh} scripts do, done in-process:
 * <ol>
 *   <li>format the KRaft storage directory ({@link StorageTool} {@code format --config … --cluster-id …},
 *       which writes {@code meta.properties} and the bootstrap metadata snapshot of
 *       {@code __cluster_metadata-0}), unless it is already formatted;</li>
 *   <li>start {@link KafkaRaftServer} with {@code process.roles=broker,controller} (one combined
 *       node that is both the broker and the only KRaft controller);</li>
 *   <li>wait until an {@link Admin} client's {@code describeCluster} answers.</li>
 * </ol>
 *
 * <h2>What is configured</h2>
 * <ul>
 *   <li>Node id {@value #NODE_ID}, a static single-voter controller quorum
 *       ({@code controller.quorum.voters=1@127.0.0.1:<controller port>}, kraft.version 0) and the
 *       latest production metadata version of the Kafka on the classpath at the first format.</li>
 *   <li>Listeners bound to {@code 127.0.0.1} only, both plaintext and unauthenticated:
 *       {@code PLAINTEXT} for clients on the requested port (0 picks a free one) and
 *       {@code CONTROLLER} on a free port of its own, picked anew at every start (a static quorum
 *       keeps no controller address in the log, so a restart may use another port).</li>
 *   <li>Single-node settings for exactly-once processing: replication factor 1 and min ISR 1
 *       for {@code __consumer_offsets}, {@code __transaction_state}, {@code __share_group_state}
 *       and new topics; {@code group.initial.rebalance.delay.ms=0};
 *       {@code auto.create.topics.enable=false} (create topics explicitly); {@code num.partitions=1}.</li>
 *   <li>{@value #INTERNAL_TOPIC_PARTITIONS} partitions (not 50) for {@code __consumer_offsets}
 *       and {@code __transaction_state}, which makes their creation on first use fast; the
 *       setting only applies when they are created, so older data dirs keep what they have.</li>
 *   <li>A {@value #CLEANER_DEDUPE_BUFFER_BYTES}-byte log cleaner dedupe buffer instead of 128 MiB
 *       of heap: compaction (internal topics, Streams changelogs) still runs.</li>
 *   <li>Data under {@code <dataDir>/}{@value #LOG_DIR_NAME} (both {@code log.dirs} and
 *       {@code metadata.log.dir}); the configuration of the latest start is written to
 *       {@code <dataDir>/}{@value #CONFIG_FILE_NAME} for reference. A data dir that already holds
 *       a formatted log dir is reused as it is, with the cluster id in its {@code meta.properties},
 *       so topics, committed offsets and transactions survive a restart. A log dir that holds data
 *       but has lost its {@code meta.properties} is refused, never formatted over.</li>
 * </ul>
 *
 * <h2>What is not</h2>
 * No TLS, SASL or ACLs; no replication (one node: a lost data dir is lost data); no tuning of
 * retention (Kafka's defaults: 7 days, unbounded size), flushing (left to the OS page cache, as
 * in a production broker) or thread pools; JMX metrics as in a plain broker. Several brokers may
 * run in one JVM (on different data dirs, as parallel tests do); they all have node id 1, so their
 * JMX and Yammer metrics share names (a monitoring nuisance only). A fatal broker fault (for
 * example the data dir disappearing under a running broker) makes Kafka halt the JVM, as a
 * standalone broker would: close the broker before deleting its data dir.
 *
 * <p>Start-up cost: the first broker of a JVM loads and links a few thousand Kafka and Scala
 * classes, which is CPU-bound and slow on a small machine (seconds; tens of seconds on two busy
 * cores); later starts in the same JVM take a few seconds.
 *
 * <p>Instances are thread-safe. {@link #close()} shuts the broker down (controlled shutdown,
 * logs flushed and closed cleanly, so the next start skips log recovery) and waits for it;
 * closing again is a no-op.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /**
     * How long {@link #start(int, Path)} waits for the broker to start and answer. Generous: a first
     * start in a cold JVM took 15-37 s on two cores that were busy with other builds.
     */
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(120);

    /** The node id of the combined broker and controller. */
    public static final int NODE_ID = 1;

    /** The log (and metadata log) directory under the data dir. */
    public static final String LOG_DIR_NAME = "kraft-combined-logs";

    /** The reference copy of the configuration of the latest start, under the data dir. */
    public static final String CONFIG_FILE_NAME = "server.properties";

    static final String HOST = "127.0.0.1";
    static final String CLIENT_LISTENER = "PLAINTEXT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    static final int INTERNAL_TOPIC_PARTITIONS = 5;
    static final int CLEANER_DEDUPE_BUFFER_BYTES = 16 * 1024 * 1024;

    private static final String META_PROPERTIES = "meta.properties";
    private static final int START_ATTEMPTS = 3;
    private static final long READY_POLL_MILLIS = 100;
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private final KafkaRaftServer server;
    private final int port;
    private final int controllerPort;
    private final Path dataDir;
    private final String clusterId;
    private final boolean formatted;
    private final Duration startupTime;
    private boolean closed; // guarded by this

    private EmbeddedKafkaBroker(KafkaRaftServer server, int port, int controllerPort, Path dataDir,
            String clusterId, boolean formatted, Duration startupTime) {
        this.server = server;
        this.port = port;
        this.controllerPort = controllerPort;
        this.dataDir = dataDir;
        this.clusterId = clusterId;
        this.formatted = formatted;
        this.startupTime = startupTime;
    }

    /**
     * Starts a broker and waits (at most {@link #DEFAULT_READY_TIMEOUT}) until it answers.
     *
     * @param port    client port on 127.0.0.1; 0 picks a free one
     * @param dataDir where the broker keeps its data; created if missing, reused if formatted
     * @return the running broker
     * @throws EmbeddedKafkaException if it cannot be formatted, started or reached in time
     */
    public static EmbeddedKafkaBroker start(int port, Path dataDir) {
        return start(port, dataDir, DEFAULT_READY_TIMEOUT);
    }

    /**
     * Starts a broker and waits until it answers.
     *
     * @param port         client port on 127.0.0.1; 0 picks a free one
     * @param dataDir      where the broker keeps its data; created if missing, reused if formatted
     * @param readyTimeout how long to wait in all for the broker to start and answer
     * @return the running broker
     * @throws EmbeddedKafkaException if it cannot be formatted, started or reached in time
     */
    public static EmbeddedKafkaBroker start(int port, Path dataDir, Duration readyTimeout) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (any free port) or 1-65535, was " + port);
        }
        if (dataDir == null) {
            throw new IllegalArgumentException("dataDir is required");
        }
        if (readyTimeout == null || readyTimeout.isNegative() || readyTimeout.isZero()) {
            throw new IllegalArgumentException("readyTimeout must be positive, was " + readyTimeout);
        }
        if (port != 0) {
            requireFree(port);
        }
        long startNanos = System.nanoTime();
        long deadlineNanos = startNanos + readyTimeout.toNanos();
        Path dir = dataDir.toAbsolutePath().normalize();
        Path logDir = dir.resolve(LOG_DIR_NAME);
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new EmbeddedKafkaException("Cannot create the Kafka data dir " + logDir + ": " + e, e);
        }

        Optional<String> existing = readClusterId(logDir);
        if (existing.isEmpty()) {
            requireNothingButAnUnfinishedFormat(logDir);
        }
        String clusterId = existing.orElseGet(() -> Uuid.randomUuid().toString());
        boolean format = existing.isEmpty();

        EmbeddedKafkaException failure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int[] ports = choosePorts(port);
            Map<String, String> config = brokerConfig(ports[0], ports[1], logDir, remainingMillis(deadlineNanos));
            writeConfig(dir.resolve(CONFIG_FILE_NAME), config);
            if (format) {
                format(dir.resolve(CONFIG_FILE_NAME), clusterId, logDir);
                format = false;
            }
            try {
                KafkaRaftServer server = startServer(config, ports[0], dir);
                try {
                    awaitReady(ports[0], dir, deadlineNanos, readyTimeout);
                } catch (RuntimeException e) {
                    shutDownQuietly(server);
                    throw e;
                }
                Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
                LOG.info("Embedded Kafka broker ready at {}:{} in {} ms (cluster {}, {} data dir {})",
                        HOST, ports[0], took.toMillis(), clusterId, existing.isPresent() ? "reused" : "new", dir);
                return new EmbeddedKafkaBroker(server, ports[0], ports[1], dir, clusterId, existing.isEmpty(), took);
            } catch (EmbeddedKafkaException e) {
                failure = e;
                boolean retry = isBindFailure(e) && attempt < START_ATTEMPTS && System.nanoTime() < deadlineNanos;
                if (!retry) {
                    throw e;
                }
                LOG.warn("Embedded Kafka broker could not bind its ports (attempt {} of {}), retrying: {}",
                        attempt, START_ATTEMPTS, e.getMessage());
            }
        }
        throw failure;
    }

    /** @return {@code 127.0.0.1:<port>}, for {@code bootstrap.servers} */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** @return the client (PLAINTEXT) port */
    public int port() {
        return port;
    }

    /** @return the port of the KRaft controller listener (internal to the broker) */
    public int controllerPort() {
        return controllerPort;
    }

    /** @return the data dir, absolute */
    public Path dataDir() {
        return dataDir;
    }

    /** @return the KRaft cluster id (kept in {@code meta.properties}) */
    public String clusterId() {
        return clusterId;
    }

    /** @return whether this start formatted a new data dir (false: an existing one was reused) */
    public boolean formattedOnStart() {
        return formatted;
    }

    /** @return how long {@code start} took, from the call until the broker answered */
    public Duration startupTime() {
        return startupTime;
    }

    /**
     * Shuts the broker down and waits until it has stopped. Closing again does nothing (a second
     * caller waits until the first close is done).
     *
     * @throws EmbeddedKafkaException if the shutdown failed; the broker is then unusable
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            throw new EmbeddedKafkaException("Embedded Kafka broker at " + bootstrapServers() + " (data dir "
                    + dataDir + ") did not shut down cleanly: " + e, e);
        }
        LOG.info("Embedded Kafka broker at {} stopped in {} ms", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaBroker[" + bootstrapServers() + ", cluster " + clusterId + ", " + dataDir + "]";
    }

    /**
     * The broker configuration. Visible for the tests.
     *
     * @param port             client port
     * @param controllerPort   controller port
     * @param logDir           log and metadata log dir
     * @param maxStartupMillis how long the server may take to start before it gives up
     */
    static Map<String, String> brokerConfig(int port, int controllerPort, Path logDir, long maxStartupMillis) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("process.roles", "broker,controller");
        c.put("node.id", Integer.toString(NODE_ID));
        c.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        c.put("controller.listener.names", CONTROLLER_LISTENER);
        c.put("listeners", CLIENT_LISTENER + "://" + HOST + ":" + port + ","
                + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        c.put("advertised.listeners", CLIENT_LISTENER + "://" + HOST + ":" + port);
        c.put("listener.security.protocol.map", CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        c.put("inter.broker.listener.name", CLIENT_LISTENER);
        c.put("log.dirs", logDir.toString());
        c.put("metadata.log.dir", logDir.toString());

        c.put("num.partitions", "1");
        c.put("default.replication.factor", "1");
        c.put("min.insync.replicas", "1");
        c.put("auto.create.topics.enable", "false");
        c.put("offsets.topic.replication.factor", "1");
        c.put("offsets.topic.num.partitions", Integer.toString(INTERNAL_TOPIC_PARTITIONS));
        c.put("transaction.state.log.replication.factor", "1");
        c.put("transaction.state.log.min.isr", "1");
        c.put("transaction.state.log.num.partitions", Integer.toString(INTERNAL_TOPIC_PARTITIONS));
        c.put("share.coordinator.state.topic.replication.factor", "1");
        c.put("share.coordinator.state.topic.min.isr", "1");
        c.put("group.initial.rebalance.delay.ms", "0");
        c.put("log.cleaner.dedupe.buffer.size", Integer.toString(CLEANER_DEDUPE_BUFFER_BYTES));
        c.put("server.max.startup.time.ms", Long.toString(Math.max(1, maxStartupMillis)));
        return c;
    }

    /**
     * The cluster id of an already formatted log dir, from its {@code meta.properties}.
     *
     * @throws EmbeddedKafkaException if the file cannot be read or belongs to another node
     */
    static Optional<String> readClusterId(Path logDir) {
        Path meta = logDir.resolve(META_PROPERTIES);
        if (!Files.isRegularFile(meta)) {
            return Optional.empty();
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(meta)) {
            props.load(in);
        } catch (IOException e) {
            throw new EmbeddedKafkaException("Cannot read " + meta + ": " + e, e);
        }
        String clusterId = props.getProperty("cluster.id", "").trim();
        String nodeId = props.getProperty("node.id", "").trim();
        String version = props.getProperty("version", "").trim();
        if (clusterId.isEmpty() || !"1".equals(version)) {
            throw new EmbeddedKafkaException(meta + " is not the meta.properties of a formatted KRaft log dir"
                    + " (version " + version + ", cluster.id '" + clusterId + "'); move the data dir away to start afresh");
        }
        if (!Integer.toString(NODE_ID).equals(nodeId)) {
            throw new EmbeddedKafkaException(meta + " belongs to node " + nodeId + ", not to the embedded broker's node "
                    + NODE_ID + "; move the data dir away to start afresh");
        }
        return Optional.of(clusterId);
    }

    /**
     * A log dir without {@code meta.properties} is formatted, which is only safe if it holds no data:
     * nothing, or what a format that was cut short leaves (the bootstrap snapshot). Anything else
     * means {@code meta.properties} went missing from a log dir with data in it, and formatting
     * would pair that data with a new cluster id.
     *
     * @throws EmbeddedKafkaException if the log dir holds anything else
     */
    static void requireNothingButAnUnfinishedFormat(Path logDir) {
        String metadataDir = "__cluster_metadata-0";
        String bootstrapSnapshot = "00000000000000000000-0000000000.checkpoint";
        try (var entries = Files.list(logDir)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                boolean unfinishedFormat = entry.getFileName().toString().equals(metadataDir)
                        && Files.isDirectory(entry);
                if (unfinishedFormat) {
                    try (var files = Files.list(entry)) {
                        unfinishedFormat = files.allMatch(f -> f.getFileName().toString().startsWith(bootstrapSnapshot));
                    }
                }
                if (!unfinishedFormat) {
                    throw new EmbeddedKafkaException("The Kafka log dir " + logDir + " holds data (" + entry.getFileName()
                            + ") but no meta.properties; refusing to format it. Restore its meta.properties, or move"
                            + " the data dir away to start afresh");
                }
            }
        } catch (IOException e) {
            throw new EmbeddedKafkaException("Cannot list the Kafka log dir " + logDir + ": " + e, e);
        }
    }

    /** Writes the reference copy of the configuration (also the input of the storage tool). */
    static void writeConfig(Path file, Map<String, String> config) {
        Properties props = new Properties();
        props.putAll(config);
        try (OutputStream out = Files.newOutputStream(file)) {
            props.store(out, "Written by EmbeddedKafkaBroker at its latest start; for reference only");
        } catch (IOException e) {
            throw new EmbeddedKafkaException("Cannot write " + file + ": " + e, e);
        }
    }

    /** What {@code kafka-storage.sh format --config <file> --cluster-id <id>} does. */
    static void format(Path configFile, String clusterId, Path logDir) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exitCode = StorageTool.execute(
                    new String[] {"format", "--config", configFile.toString(), "--cluster-id", clusterId}, out);
        } catch (RuntimeException e) {
            throw new EmbeddedKafkaException("Cannot format the Kafka log dir " + logDir + ": " + e
                    + formatterOutput(output), e);
        }
        if (exitCode != 0) {
            throw new EmbeddedKafkaException("Cannot format the Kafka log dir " + logDir + ": the storage tool exited with "
                    + exitCode + formatterOutput(output));
        }
        LOG.debug("Formatted {} for cluster {}: {}", logDir, clusterId, output.toString(StandardCharsets.UTF_8).trim());
    }

    private static String formatterOutput(ByteArrayOutputStream output) {
        String text = output.toString(StandardCharsets.UTF_8).trim();
        return text.isEmpty() ? "" : "; it printed: " + text;
    }

    private static KafkaRaftServer startServer(Map<String, String> config, int port, Path dir) {
        KafkaRaftServer server;
        try {
            // KafkaConfig and KafkaRaftServer are only constructed here, never called: their supertypes live in
            // kafka-server, which kafka_2.13 brings in at runtime scope only, so javac cannot see their members.
            server = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
        } catch (RuntimeException e) {
            throw new EmbeddedKafkaException("Cannot create the embedded Kafka broker on " + HOST + ":" + port
                    + " (data dir " + dir + "): " + e, e);
        }
        try {
            server.startup();
            return server;
        } catch (RuntimeException e) {
            shutDownQuietly(server);
            throw new EmbeddedKafkaException("Embedded Kafka broker failed to start on " + HOST + ":" + port
                    + " (data dir " + dir + "): " + e, e);
        }
    }

    private static void awaitReady(int port, Path dir, long deadlineNanos, Duration readyTimeout) {
        String bootstrap = HOST + ":" + port;
        Map<String, Object> adminConfig = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-readiness",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        Throwable last = null;
        try (Admin admin = Admin.create(adminConfig)) {
            while (true) {
                long remaining = remainingMillis(deadlineNanos);
                if (remaining <= 0) {
                    break;
                }
                try {
                    DescribeClusterResult cluster = admin.describeCluster(
                            new DescribeClusterOptions().timeoutMs((int) Math.min(remaining, 10_000)));
                    Collection<Node> nodes = cluster.nodes().get(remaining, TimeUnit.MILLISECONDS);
                    if (!nodes.isEmpty()) {
                        return;
                    }
                    last = new IllegalStateException("describeCluster returned no nodes");
                } catch (ExecutionException e) {
                    last = e.getCause();
                } catch (TimeoutException e) {
                    last = e;
                }
                Thread.sleep(Math.min(READY_POLL_MILLIS, Math.max(1, remainingMillis(deadlineNanos))));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedKafkaException("Interrupted while waiting for the embedded Kafka broker at " + bootstrap, e);
        }
        throw new EmbeddedKafkaException("Embedded Kafka broker at " + bootstrap + " (data dir " + dir
                + ") did not answer describeCluster within " + readyTimeout.toMillis() + " ms"
                + (last == null ? "" : "; last error: " + last), last);
    }

    private static void shutDownQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Error while shutting down an embedded Kafka broker that failed to start", e);
        }
    }

    /** The client port (the requested one, or a free one) and a free controller port, distinct. */
    private static int[] choosePorts(int requestedPort) {
        try (ServerSocket a = openFree(); ServerSocket b = openFree()) {
            if (requestedPort != 0) {
                int controller = a.getLocalPort() != requestedPort ? a.getLocalPort() : b.getLocalPort();
                return new int[] {requestedPort, controller};
            }
            return new int[] {a.getLocalPort(), b.getLocalPort()};
        } catch (IOException e) {
            throw new EmbeddedKafkaException("Cannot find a free port on " + HOST + ": " + e, e);
        }
    }

    private static void requireFree(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
        } catch (IOException e) {
            throw new EmbeddedKafkaException("Cannot start the embedded Kafka broker on " + HOST + ":" + port
                    + ": the port is already in use (" + e.getMessage() + "); pass 0 to pick a free port", e);
        }
    }

    private static ServerSocket openFree() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
        return socket;
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
            String message = t.getMessage();
            if (message != null && message.contains("failed to bind")) {
                return true;
            }
        }
        return false;
    }

    private static long remainingMillis(long deadlineNanos) {
        return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    }
}
