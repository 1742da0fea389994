package dev.anneal.watcher.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anneal.watcher.app.config.ConfigLoader;
import dev.anneal.watcher.app.config.WatcherConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/compose.yaml}: {@code docker-compose config} accepts it (it validates against the
 * Compose schema without a Docker engine), every file it mounts exists, and the services point at
 * each other: the watcher's configuration names the Kafka and Alertmanager services, Prometheus
 * scrapes the watcher's port.
 */
class ComposeFileTest {

    private static final Path COMPOSE = DeployFiles.deploy("compose.yaml");
    private final JsonNode services = DeployFiles.yaml(COMPOSE).path("services");

    @Test
    void dockerComposeAcceptsIt() throws Exception {
        ExternalTool.Result r = ExternalTool.DOCKER_COMPOSE.run(DeployFiles.projectRoot(), "-f", "deploy/compose.yaml",
                "config", "--quiet");
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    @Test
    void itRunsTheWholeStackAndMountsFilesThatExist() {
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrder("kafka", "watcher", "alertmanager", "prometheus", "grafana");
        assertThat(services.path("kafka").path("image").asText()).startsWith("apache/kafka:");
        assertThat(services.path("kafka").path("environment").path("KAFKA_PROCESS_ROLES").asText())
                .isEqualTo("broker,controller");
        for (String service : names) {
            for (JsonNode volume : services.path(service).path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith("./")) {
                    assertThat(COMPOSE.getParent().resolve(source)).as(service + " mounts " + source).exists();
                }
            }
            for (JsonNode port : services.path(service).path("ports")) {
                assertThat(port.asText()).as(service + " publishes on loopback only").startsWith("127.0.0.1:");
            }
        }
        JsonNode build = services.path("watcher").path("build");
        assertThat(COMPOSE.getParent().resolve(build.path("context").asText()).resolve(build.path("dockerfile").asText())
                .normalize()).isEqualTo(Dockerfile.FILE.normalize());
    }

    @Test
    void theServicesFindEachOther() throws Exception {
        Path file = DeployFiles.deploy("compose/watcher.yaml");
        assertThat(services.path("watcher").path("volumes").get(0).asText())
                .isEqualTo("./compose/watcher.yaml:/etc/watcher/watcher.yaml:ro");
        WatcherConfig config = ConfigLoader.parse(file.toString(), Files.readString(file), Path.of("/etc/watcher"),
                Map.of(), Map.of());

        assertThat(config.kafka().bootstrapServers()).contains("kafka:9092");
        assertThat(services.path("kafka").path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText())
                .contains("PLAINTEXT://kafka:9092");
        assertThat(config.notifier().enabled()).isTrue();
        assertThat(DeployFiles.read(file)).contains("url: http://alertmanager:9093");
        assertThat(config.http().address().port()).isEqualTo(9400);
        assertThat(services.path("watcher").path("ports").get(0).asText()).endsWith(":9400:9400");

        JsonNode prometheus = DeployFiles.yaml(DeployFiles.deploy("prometheus/prometheus.yml"));
        assertThat(prometheus.path("scrape_configs").get(0).path("static_configs").get(0).path("targets").get(0)
                .asText()).isEqualTo("watcher:9400");
        assertThat(prometheus.path("alerting").path("alertmanagers").get(0).path("static_configs").get(0)
                .path("targets").get(0).asText()).isEqualTo("alertmanager:9093");
        assertThat(services.path("prometheus").path("volumes").get(0).asText()).isEqualTo("./prometheus:/etc/prometheus:ro");
    }
}
