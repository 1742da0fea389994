package dev.anneal.watcher.app.daemon;

import static dev.anneal.watcher.app.daemon.ItSupport.field;
import static dev.anneal.watcher.app.daemon.ItSupport.healthy;
import static dev.anneal.watcher.app.daemon.ItSupport.ppo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.core.output.CommandJson;
import dev.anneal.watcher.core.stream.TopicSetup;
import dev.anneal.watcher.core.stream.WatcherTopics;
import dev.anneal.watcher.rules.model.CommandType;
import dev.anneal.watcher.rules.model.OperatorCommand;
import dev.anneal.watcher.testkit.KafkaBroker;
import dev.anneal.watcher.testkit.KafkaTopics;
import dev.anneal.watcher.testkit.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator command sent just before a {@code kill -9} of the daemon is applied exactly once:
 * the real executable ({@code watcher run}, a child JVM, as in {@link CrashIT}) latches a
 * ROLLBACK, a {@code clear} is produced to the commands topic and the daemon is killed at once,
 * whether or not it got to the command; a restarted daemon on the same state dir carries on, and a
 * client's retry of the same command id follows. Read with {@code read_committed}, the audit topic
 * holds the clear once as applied and once as a duplicate, and the recommendations topic the
 * recomputed PASS once.
 */
class CommandCrashIT {

    private static final String APPLICATION_ID = "watcher-command-crash";
    private static final List<String> CHILD_JVM = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final int SESSION_TIMEOUT_MS = 6_000;

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.create();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private CrashDaemon daemon;

    @AfterEach
    void tearDown() {
        if (daemon != null) {
            daemon.destroyQuietly();
        }
    }

    @Test
    void aCommandSentJustBeforeAKillIsAppliedExactlyOnce() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        WatcherTopics topics = WatcherTopics.defaults();
        String input = topics.inputTopics().get(0);
        Admin admin = KAFKA.admin();
        TopicSetup.createMissing(admin, topics, new TopicSetup.Settings(2, (short) -1), Duration.ofSeconds(60));

        KafkaTopics.send(bootstrap, input, "run-a", healthy(), ppo(1.37, 0.07, 2.6), healthy());
        daemon = start(1, bootstrap);
        try (TopicReader recs = new TopicReader(bootstrap, topics.recommendations())) {
            assertThat(recs.await(3)).extracting(r -> field(TopicReader.value(r), "action") + " "
                    + field(TopicReader.value(r), "latched")).containsExactly("PASS false", "ROLLBACK false",
                    "ROLLBACK true");
        }
        KafkaTopics.awaitCommitted(admin, APPLICATION_ID, input);

        String clear = CommandJson.toJson(new OperatorCommand("clear-1", CommandType.CLEAR, "run-a", "alice",
                "kl and grad recovered", Instant.now().toEpochMilli(), null, null, 0, null, false));
        KafkaTopics.send(bootstrap, topics.commands(), "run-a", clear);
        assertThat(daemon.kill()).as("SIGKILL exit status").isEqualTo(128 + 9);

        daemon = start(2, bootstrap);
        // The client did not hear back, so it retries with the same command id.
        KafkaTopics.send(bootstrap, topics.commands(), "run-a", clear);
        KafkaTopics.awaitCommitted(admin, APPLICATION_ID, topics.commands());
        assertThat(daemon.stop(Duration.ofSeconds(60))).as("graceful stop\n%s", daemon.logTail(40)).isZero();

        List<String> audit = readCommitted(bootstrap, topics.audit());
        assertThat(audit).extracting(a -> field(a, "command_id") + " " + field(a, "outcome"))
                .containsExactly("clear-1 applied", "clear-1 duplicate");
        assertThat(field(audit.get(0), "detail")).isEqualTo("ROLLBACK latch released; recommendation now PASS");
        assertThat(readCommitted(bootstrap, topics.recommendations()))
                .extracting(r -> field(r, "action") + " " + field(r, "latched"))
                .containsExactly("PASS false", "ROLLBACK false", "ROLLBACK true", "PASS false");
    }

    private CrashDaemon start(int life, String bootstrap) throws Exception {
        return CrashDaemon.start(life, dir, CHILD_JVM, List.of(
                "--bootstrap-servers", bootstrap,
                "--application-id", APPLICATION_ID,
                "--state-dir", dir.resolve("streams").toString(),
                "--http-address", "127.0.0.1:0",
                "--reload", "false",
                "--kafka-property", "consumer.session.timeout.ms=" + SESSION_TIMEOUT_MS,
                "--kafka-property", "consumer.heartbeat.interval.ms=" + SESSION_TIMEOUT_MS / 3));
    }

    private static List<String> readCommitted(String bootstrap, String topic) {
        try (TopicReader reader = new TopicReader(bootstrap, topic, IsolationLevel.READ_COMMITTED)) {
            return reader.readToEnd().stream().map(TopicReader::value).toList();
        }
    }
}
