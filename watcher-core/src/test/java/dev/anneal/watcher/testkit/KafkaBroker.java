package dev.anneal.watcher.testkit;

import dev.anneal.watcher.core.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Kafka broker of an integration test, as a JUnit 5 extension: it starts a broker before the
 * tests, hands out its bootstrap servers, an admin client and topic creation, and stops it after
 * them, deleting its data (kept, with the place printed, when a test failed).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaBroker KAFKA = KafkaBroker.create();   // one broker for the class
 * }</pre>
 *
 * Registered on an instance field instead, it starts a broker for each test. Tests share a
 * class's broker by using topic names (and consumer groups) of their own.
 *
 * <p>This class is the one place that decides which broker the tests run against
 * ({@link #startBroker()}); the tests only see bootstrap servers. The system property
 * {@value #BROKER_PROPERTY} chooses:
 * <ul>
 *   <li>{@code embedded}: the in-process {@link EmbeddedKafkaBroker}, the one {@code watcher run}
 *       embeds;</li>
 *   <li>{@code testcontainers}: a Kafka container ({@link ContainerBroker}, image
 *       {@value ContainerBroker#IMAGE_PROPERTY}); fails when no Docker engine answers;</li>
 *   <li>{@code auto} (the default): the container when a Docker engine answers
 *       ({@link DockerProbe}: a quick local check, never a wait on an absent engine), the
 *       embedded broker otherwise, as on the machines this project runs on today.</li>
 * </ul>
 * The choice, and why, is printed once per JVM. A broker the test stops and starts again at the
 * same address ({@link #createRestartable()}) is always the embedded one: a container's mapped
 * port changes when it restarts.
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {

    /** The system property that chooses the broker: {@code embedded}, {@code testcontainers} or {@code auto}. */
    public static final String BROKER_PROPERTY = "watcher.test.broker";

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Set<String> ANNOUNCED = ConcurrentHashMap.newKeySet();

    private final boolean restartable;
    private Running running;
    private boolean perTest;
    private boolean failed;
    private Admin admin;

    private KafkaBroker(boolean restartable) {
        this.restartable = restartable;
    }

    /** An extension that starts a broker for the class (static field) or for each test (instance field). */
    public static KafkaBroker create() {
        return new KafkaBroker(false);
    }

    /**
     * An extension whose broker the test can stop and start again at the same address and on the
     * same data ({@link #stopBroker()}, {@link #startBrokerAgain()}): always the embedded broker.
     */
    public static KafkaBroker createRestartable() {
        return new KafkaBroker(true);
    }

    /** A broker while it runs: its address, and how to stop it. */
    interface Running {
        String bootstrapServers();

        /** Stops the broker; keeps its data where it can be looked at when {@code keepData}. */
        void close(boolean keepData);
    }

    /** Starts the broker the tests get, as {@value #BROKER_PROPERTY} says (see the class comment). */
    private Running startBroker() {
        String wanted = System.getProperty(BROKER_PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        if (restartable) {
            announce("embedded", "the test restarts its broker at the same address");
            return EmbeddedRunning.start();
        }
        switch (wanted) {
            case "embedded" -> {
                announce("embedded", BROKER_PROPERTY + "=embedded");
                return EmbeddedRunning.start();
            }
            case "testcontainers" -> {
                DockerProbe.Result docker = DockerProbe.probe();
                if (!docker.available()) {
                    throw new IllegalStateException(BROKER_PROPERTY + "=testcontainers, but " + docker.reason());
                }
                announce("testcontainers", BROKER_PROPERTY + "=testcontainers; " + docker.reason());
                return ContainerBroker.start();
            }
            case "auto" -> {
                DockerProbe.Result docker = DockerProbe.probe();
                if (docker.available()) {
                    announce("testcontainers", "auto: " + docker.reason());
                    return ContainerBroker.start();
                }
                announce("embedded", "auto: " + docker.reason());
                return EmbeddedRunning.start();
            }
            default -> throw new IllegalArgumentException(BROKER_PROPERTY + " must be embedded, testcontainers or auto, "
                    + "was '" + wanted + "'");
        }
    }

    private static void announce(String broker, String why) {
        if (ANNOUNCED.add(broker + why)) {
            System.out.println("KafkaBroker: the tests' Kafka broker is " + broker + " (" + why + ")");
        }
    }

    /** The in-process broker, on a free port chosen at the first start and kept across restarts. */
    private static final class EmbeddedRunning implements Running {
        private final Path dir;
        private EmbeddedKafkaBroker broker;
        private final int port;

        private EmbeddedRunning(Path dir, EmbeddedKafkaBroker broker) {
            this.dir = dir;
            this.broker = broker;
            this.port = broker.port();
        }

        static EmbeddedRunning start() {
            Path dir;
            try {
                dir = Files.createTempDirectory("watcher-it-kafka-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the broker's data directory", e);
            }
            return new EmbeddedRunning(dir, EmbeddedKafkaBroker.start(0, dir));
        }

        @Override
        public synchronized String bootstrapServers() {
            return "127.0.0.1:" + port;
        }

        synchronized void stop() {
            if (broker == null) {
                throw new IllegalStateException("the broker is already stopped");
            }
            broker.close();
            broker = null;
        }

        synchronized void startAgain() {
            if (broker != null) {
                throw new IllegalStateException("the broker is running");
            }
            broker = EmbeddedKafkaBroker.start(port, dir);
        }

        @Override
        public synchronized void close(boolean keepData) {
            if (broker != null) {
                broker.close();
                broker = null;
            }
            if (keepData) {
                System.err.println("KafkaBroker: a test failed; the broker's data is kept in " + dir);
            } else {
                deleteRecursively(dir);
            }
        }
    }

    /**
     * Stops the broker of a {@link #createRestartable()} extension, keeping its data and address;
     * clients see it gone until {@link #startBrokerAgain()}.
     */
    public synchronized void stopBroker() {
        restartableBroker().stop();
    }

    /** Starts the stopped broker again at the same address, on its data. */
    public synchronized void startBrokerAgain() {
        restartableBroker().startAgain();
    }

    private EmbeddedRunning restartableBroker() {
        if (!restartable || !(running instanceof EmbeddedRunning e)) {
            throw new IllegalStateException("only a running KafkaBroker.createRestartable() can be stopped and started");
        }
        return e;
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (running == null) {
            running = startBroker();
        }
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        if (running == null) {
            running = startBroker();
            perTest = true;
        }
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        failed |= context.getExecutionException().isPresent();
        if (perTest) {
            stop();
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        failed |= context.getExecutionException().isPresent();
        stop();
    }

    private void stop() {
        try {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
            if (running != null) {
                running.close(failed);
            }
        } finally {
            admin = null;
            running = null;
            perTest = false;
            failed = false;
        }
    }

    /** The running broker's {@code bootstrap.servers}. */
    public synchronized String bootstrapServers() {
        if (running == null) {
            throw new IllegalStateException("the broker is not running: register KafkaBroker with @RegisterExtension "
                    + "and use it inside tests or @BeforeAll/@BeforeEach methods");
        }
        return running.bootstrapServers();
    }

    /** Client configuration with the bootstrap servers, to add to. */
    public Map<String, Object> clientConfig() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    }

    /** An admin client of the broker, shared by the tests; closed with the broker. */
    public synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(clientConfig());
        }
        return admin;
    }

    /** Creates the topics and waits until the broker has them. */
    public void createTopics(NewTopic... topics) {
        try {
            admin().createTopics(List.of(topics)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot create topics " + List.of(topics) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while creating topics", e);
        }
    }

    static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("KafkaBroker: cannot delete " + root + ": " + e);
        }
    }
}
