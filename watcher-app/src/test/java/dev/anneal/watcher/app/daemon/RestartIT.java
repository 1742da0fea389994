package dev.anneal.watcher.app.daemon;

import static dev.anneal.watcher.app.daemon.ItSupport.field;
import static dev.anneal.watcher.app.daemon.ItSupport.get;
import static dev.anneal.watcher.app.daemon.ItSupport.healthy;
import static dev.anneal.watcher.app.daemon.ItSupport.ppo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.app.config.WatcherConfig;
import dev.anneal.watcher.app.daemon.ItSupport.CapturedLogs;
import dev.anneal.watcher.app.daemon.ItSupport.Names;
import dev.anneal.watcher.testkit.Await;
import dev.anneal.watcher.testkit.KafkaTopics;
import dev.anneal.watcher.testkit.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon in embedded mode (its own broker, on a free port and a data dir of its own) stopped
 * and started again: on the same state and broker dirs, and once more with the local state
 * deleted, so the run state comes back from the changelog topic. A FREEZE latch survives both, and
 * a record after the restart publishes no duplicate recommendation.
 */
class RestartIT {

    @TempDir
    Path dir;

    @Test
    void aFreezeLatchSurvivesRestartsAndNoRecommendationIsRepeated() throws Exception {
        Names names = Names.fresh("restart");
        Path brokerDir = dir.resolve("kafka");
        Path stateDir = dir.resolve("streams");
        WatcherConfig config = ItSupport.config(Optional.empty(), brokerDir, stateDir, names, List.of("anneal-gates"),
                false);

        // First life: PASS, then a grad_norm spike freezes the run, then a healthy record leaves it latched.
        WatcherApp first;
        try (CapturedLogs logs = new CapturedLogs()) {
            first = ItSupport.startRunning(config);
            assertThat(logs.messages("dev.anneal.watcher.app.daemon.WatcherApp"))
                    .anySatisfy(m -> assertThat(m).startsWith("embedded mode: started Kafka broker on 127.0.0.1:")
                            .contains("(data in " + brokerDir.toAbsolutePath()));
        }
        assertThat(first.embeddedBroker()).isPresent();
        String bootstrap = first.bootstrapServers();
        List<String> before;
        try {
            KafkaTopics.send(bootstrap, names.input(), "run-f", healthy(), ppo(1.37, 0.01, 3.5), healthy());
            try (TopicReader recommendations = new TopicReader(bootstrap, names.recommendations())) {
                before = recommendations.await(3).stream().map(r -> new String(r.value(), StandardCharsets.UTF_8))
                        .toList();
            }
            assertThat(before).extracting(v -> field(v, "action") + " " + field(v, "latched"))
                    .containsExactly("PASS false", "FREEZE false", "FREEZE true");
        } finally {
            first.stop();
        }

        // Second life on the same broker and state dirs.
        assertLatchedAndQuiet(config, names, before.size(), 4);

        // Third life with the local state deleted: the run state is restored from the changelog.
        deleteRecursively(stateDir);
        assertLatchedAndQuiet(config, names, before.size(), 5);
    }

    /** Starts the app, sends one more healthy record, and checks that nothing new is recommended. */
    private static void assertLatchedAndQuiet(WatcherConfig config, Names names, int recommendationsSoFar,
            int recordsSoFar) throws Exception {
        WatcherApp app = ItSupport.startRunning(config);
        try {
            String bootstrap = app.bootstrapServers();
            KafkaTopics.send(bootstrap, names.input(), "run-f", healthy());
            Await.until("the record is consumed", () -> app.registry().find("watcher_records_consumed_total")
                    .counter() != null && app.registry().find("watcher_records_consumed_total").counter().count() >= 1);
            // Once the daemon has committed its input offset past the record, whatever it publishes for
            // the record is committed too (the same transaction): a duplicate would be on the topic now.
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                KafkaTopics.awaitCommitted(admin, names.applicationId(), names.input());
            }
            try (TopicReader recommendations = new TopicReader(bootstrap, names.recommendations())) {
                assertThat(recommendations.readToEnd()).as("no duplicate recommendation")
                        .hasSize(recommendationsSoFar);
            }
            ItSupport.Response run = get(app.httpUrl() + "/api/runs/run-f");
            assertThat(run.status()).isEqualTo(200);
            assertThat(field(run.body(), "latched")).isEqualTo("FREEZE");
            assertThat(run.body()).contains("\"action\":\"FREEZE\",\"latched\":true");
            assertThat(get(app.httpUrl() + "/api/runs").body()).contains("\"run_id\":\"run-f\",\"action\":\"FREEZE\"");
            try (TopicReader input = new TopicReader(bootstrap, names.input())) {
                assertThat(input.await(recordsSoFar)).hasSize(recordsSoFar);
            }
        } finally {
            app.stop();
        }
        assertThat(app.failure()).isEmpty();
    }

    private static void deleteRecursively(Path root) throws Exception {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
