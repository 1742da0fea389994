package dev.anneal.watcher.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard ({@code deploy/grafana/dashboards/watcher.json}) and its provisioning:
 * a Prometheus data-source variable that every panel uses, a layout without overlaps, queries
 * that parse (promtool), and provisioning that matches what Compose mounts.
 */
class GrafanaDashboardTest {

    private static final String DATASOURCE = "${datasource}";

    @TempDir
    Path tmp;

    private final JsonNode dashboard = DeployFiles.json(DeployQueries.DASHBOARD);

    @Test
    void hasAPrometheusDataSourceVariableThatEveryPanelAndQueryUses() {
        List<JsonNode> variables = new ArrayList<>();
        dashboard.path("templating").path("list").forEach(variables::add);
        assertThat(variables).filteredOn(v -> v.path("name").asText().equals("datasource")).singleElement()
                .satisfies(v -> {
                    assertThat(v.path("type").asText()).isEqualTo("datasource");
                    assertThat(v.path("query").asText()).isEqualTo("prometheus");
                });
        assertThat(variables).filteredOn(v -> v.path("type").asText().equals("query"))
                .allSatisfy(v -> assertThat(v.path("datasource").path("uid").asText()).isEqualTo(DATASOURCE));
        List<JsonNode> panels = DeployQueries.panels(dashboard);
        assertThat(panels).hasSizeGreaterThan(20).allSatisfy(p -> {
            String title = p.path("title").asText();
            assertThat(p.path("datasource").path("uid").asText()).as(title).isEqualTo(DATASOURCE);
            assertThat(p.path("targets")).as(title).isNotEmpty();
            p.path("targets").forEach(t -> {
                assertThat(t.path("datasource").path("uid").asText()).as(title).isEqualTo(DATASOURCE);
                assertThat(t.path("expr").asText()).as(title).isNotBlank();
            });
        });
    }

    @Test
    void panelsHaveUniqueIdsAndDoNotOverlap() {
        Set<Integer> ids = new HashSet<>();
        List<int[]> boxes = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            assertThat(ids.add(p.path("id").asInt())).as("id of " + p.path("title").asText() + " is unique").isTrue();
            JsonNode g = p.path("gridPos");
            int[] box = {g.path("x").asInt(), g.path("y").asInt(), g.path("w").asInt(), g.path("h").asInt()};
            assertThat(box[0] + box[2]).as(p.path("title").asText() + " fits in 24 columns").isLessThanOrEqualTo(24);
            assertThat(box[2]).isPositive();
            assertThat(box[3]).isPositive();
            for (int[] other : boxes) {
                boolean overlap = box[0] < other[0] + other[2] && other[0] < box[0] + box[2]
                        && box[1] < other[1] + other[3] && other[1] < box[1] + box[3];
                assertThat(overlap).as(p.path("title").asText() + " overlaps another panel").isFalse();
            }
            boxes.add(box);
        }
    }

    @Test
    void everyQueryParses() throws Exception {
        // promtool parses expressions in rule files: one recording rule per dashboard query.
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int n = 0;
        for (DeployQueries.Query q : DeployQueries.dashboard()) {
            rules.append("      - record: dashboard:query_").append(n++).append('\n')
                    .append("        expr: ").append(DeployFiles.JSON.writeValueAsString(
                            DeployQueries.withVariablesReplaced(q.expr()))).append('\n');
        }
        Files.writeString(tmp.resolve("dashboard-rules.yml"), rules);
        ExternalTool.Result r = ExternalTool.PROMTOOL.run(tmp, "check", "rules", "dashboard-rules.yml");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.output()).contains("SUCCESS: " + n + " rules found");
    }

    @Test
    void provisioningPointsAtWhatComposeMounts() {
        JsonNode datasources = DeployFiles.yaml(DeployFiles.deploy("grafana/provisioning/datasources/prometheus.yml"));
        assertThat(datasources.path("datasources").get(0).path("type").asText()).isEqualTo("prometheus");
        assertThat(datasources.path("datasources").get(0).path("url").asText()).isEqualTo("http://prometheus:9090");

        String path = DeployFiles.yaml(DeployFiles.deploy("grafana/provisioning/dashboards/watcher.yml"))
                .path("providers").get(0).path("options").path("path").asText();
        List<String> grafanaVolumes = new ArrayList<>();
        DeployFiles.yaml(DeployFiles.deploy("compose.yaml")).path("services").path("grafana").path("volumes")
                .forEach(v -> grafanaVolumes.add(v.asText()));
        assertThat(grafanaVolumes).contains("./grafana/dashboards:" + path + ":ro",
                "./grafana/provisioning/datasources:/etc/grafana/provisioning/datasources:ro",
                "./grafana/provisioning/dashboards:/etc/grafana/provisioning/dashboards:ro");
    }
}
