package dev.anneal.watcher.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import kafka.server.KafkaConfig;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of {@link EmbeddedKafkaBroker} that need no running broker (fast; Surefire). */
class EmbeddedKafkaBrokerTest {

    @TempDir
    Path dir;

    @Test
    void configUsesOnlyKnownSettingsAndPassesKafkasOwnValidation() {
        Map<String, String> config = EmbeddedKafkaBroker.brokerConfig(9092, 9093, dir, 60_000);

        Set<String> known = KafkaConfig.configDef().names();
        assertThat(known).containsAll(config.keySet());
        KafkaConfig parsed = new KafkaConfig(config, false);
        assertThat(parsed.nodeId()).isEqualTo(EmbeddedKafkaBroker.NODE_ID);
        assertThat(config).containsEntry("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093")
                .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:9092")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:9093")
                .containsEntry("log.dirs", dir.toString())
                .containsEntry("metadata.log.dir", dir.toString())
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("min.insync.replicas", "1")
                .containsEntry("group.initial.rebalance.delay.ms", "0")
                .containsEntry("auto.create.topics.enable", "false")
                .containsEntry("num.partitions", "1");
    }

    @Test
    void formatsAFreshLogDirAndReadsItsClusterIdBack() {
        Path logDir = dir.resolve(EmbeddedKafkaBroker.LOG_DIR_NAME);
        assertThat(EmbeddedKafkaBroker.readClusterId(logDir)).isEmpty();
        Path configFile = dir.resolve(EmbeddedKafkaBroker.CONFIG_FILE_NAME);
        EmbeddedKafkaBroker.writeConfig(configFile, EmbeddedKafkaBroker.brokerConfig(9092, 9093, logDir, 60_000));
        String clusterId = Uuid.randomUuid().toString();

        EmbeddedKafkaBroker.format(configFile, clusterId, logDir);

        assertThat(EmbeddedKafkaBroker.readClusterId(logDir)).contains(clusterId);
        assertThat(logDir.resolve("__cluster_metadata-0").resolve("00000000000000000000-0000000000.checkpoint"))
                .isRegularFile();
        assertThatThrownBy(() -> EmbeddedKafkaBroker.format(configFile, clusterId, logDir))
                .isInstanceOf(EmbeddedKafkaException.class)
                .hasMessageContaining("already formatted");
    }

    @Test
    void aFormatCutShortBeforeMetaPropertiesIsSimplyRedone() throws IOException {
        Path logDir = dir.resolve(EmbeddedKafkaBroker.LOG_DIR_NAME);
        Path configFile = dir.resolve(EmbeddedKafkaBroker.CONFIG_FILE_NAME);
        EmbeddedKafkaBroker.writeConfig(configFile, EmbeddedKafkaBroker.brokerConfig(9092, 9093, logDir, 60_000));
        EmbeddedKafkaBroker.format(configFile, Uuid.randomUuid().toString(), logDir);
        Files.delete(logDir.resolve("meta.properties"));

        EmbeddedKafkaBroker.requireNothingButAnUnfinishedFormat(logDir);
        String clusterId = Uuid.randomUuid().toString();
        EmbeddedKafkaBroker.format(configFile, clusterId, logDir);
        assertThat(EmbeddedKafkaBroker.readClusterId(logDir)).contains(clusterId);
    }

    @Test
    void neverFormatsALogDirThatHoldsDataButLostItsMetaProperties() throws IOException {
        Path logDir = Files.createDirectories(dir.resolve(EmbeddedKafkaBroker.LOG_DIR_NAME));
        Files.createDirectories(logDir.resolve("events-0"));

        assertThatThrownBy(() -> EmbeddedKafkaBroker.start(0, dir))
                .isInstanceOf(EmbeddedKafkaException.class)
                .hasMessageContaining("holds data (events-0) but no meta.properties");
    }

    @Test
    void refusesTheLogDirOfAnotherNode() throws IOException {
        Path logDir = Files.createDirectories(dir.resolve(EmbeddedKafkaBroker.LOG_DIR_NAME));
        Files.writeString(logDir.resolve("meta.properties"), "version=1\ncluster.id=abc\nnode.id=7\n");

        assertThatThrownBy(() -> EmbeddedKafkaBroker.start(0, dir))
                .isInstanceOf(EmbeddedKafkaException.class)
                .hasMessageContaining("belongs to node 7");
    }

    @Test
    void refusesAPortInUseWithAClearMessage() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> EmbeddedKafkaBroker.start(port, dir))
                    .isInstanceOf(EmbeddedKafkaException.class)
                    .hasMessageContaining("127.0.0.1:" + port)
                    .hasMessageContaining("already in use");
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.start(-1, dir)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmbeddedKafkaBroker.start(65536, dir)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmbeddedKafkaBroker.start(0, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmbeddedKafkaBroker.start(0, dir, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
