package dev.anneal.watcher.testkit;

import dev.anneal.watcher.core.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
 * ({@link #startBroker()}); the tests only see bootstrap servers. Today it is always the
 * in-process {@link EmbeddedKafkaBroker}, the one {@code watcher run} embeds, since the machines
 * the project runs on have no Docker.
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Running running;
    private boolean perTest;
    private boolean failed;
    private Admin admin;

    private KafkaBroker() {
    }

    /** An extension that starts a broker for the class (static field) or for each test (instance field). */
    public static KafkaBroker create() {
        return new KafkaBroker();
    }

    /** A broker while it runs: its address, and how to stop it. */
    private interface Running {
        String bootstrapServers();

        /** Stops the broker; keeps its data where it can be looked at when {@code keepData}. */
        void close(boolean keepData);
    }

    /**
     * Starts the broker the tests get: an {@link EmbeddedKafkaBroker} on a free port, with its
     * data in a new temporary directory.
     */
    private static Running startBroker() {
        Path dir;
        try {
            dir = Files.createTempDirectory("watcher-it-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker's data directory", e);
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, dir);
        return new Running() {
            @Override
            public String bootstrapServers() {
                return broker.bootstrapServers();
            }

            @Override
            public void close(boolean keepData) {
                broker.close();
                if (keepData) {
                    System.err.println("KafkaBroker: a test failed; the broker's data is kept in " + dir);
                } else {
                    deleteRecursively(dir);
                }
            }
        };
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

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("KafkaBroker: cannot delete " + root + ": " + e);
        }
    }
}
