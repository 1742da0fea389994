package dev.anneal.watcher.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/prometheus} and {@code deploy/alertmanager} with the tools that read them:
 * {@code promtool check rules}, {@code promtool test rules}, {@code promtool check config},
 * {@code amtool check-config} (Debian packages prometheus and prometheus-alertmanager).
 */
class PrometheusFilesTest {

    private static final Path DIR = DeployFiles.deploy("prometheus");

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        ExternalTool.Result r = ExternalTool.PROMTOOL.run(DIR, "check", "rules", "watcher-rules.yml");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.output()).contains("SUCCESS: " + DeployQueries.rules().size() + " rules found");
    }

    @Test
    void theRulesPassTheirUnitTests() throws Exception {
        ExternalTool.Result r = ExternalTool.PROMTOOL.run(DIR, "test", "rules", "watcher-rules-test.yml");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertIsTestedFiringAndQuiet() {
        Set<String> fires = new LinkedHashSet<>();
        Set<String> quiet = new LinkedHashSet<>();
        for (JsonNode test : DeployFiles.yaml(DIR.resolve("watcher-rules-test.yml")).path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                String alert = check.path("alertname").asText();
                (check.path("exp_alerts").isEmpty() ? quiet : fires).add(alert);
            }
        }
        assertThat(fires).as("alerts with a case where they fire").containsAll(DeployQueries.alertNames());
        assertThat(quiet).as("alerts with a case where they stay quiet").containsAll(DeployQueries.alertNames());
    }

    @Test
    void promtoolAcceptsTheScrapeConfigs() throws Exception {
        ExternalTool.Result r = ExternalTool.PROMTOOL.run(DIR, "check", "config", "prometheus.yml",
                "prometheus-kubernetes.yml");
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    @Test
    void bothScrapeConfigsHaveTheJobTheRulesSelect() {
        for (String file : List.of("prometheus.yml", "prometheus-kubernetes.yml")) {
            List<String> jobs = new ArrayList<>();
            DeployFiles.yaml(DIR.resolve(file)).path("scrape_configs")
                    .forEach(job -> jobs.add(job.path("job_name").asText()));
            assertThat(jobs).as(file).contains("watcher");
            assertThat(DeployFiles.yaml(DIR.resolve(file)).path("rule_files").get(0).asText())
                    .as(file).isEqualTo("watcher-rules.yml");
        }
        for (DeployQueries.Query q : DeployQueries.rules()) {
            boolean readsScrapedMetrics = !DeployQueries.recordedNames().containsAll(q.metricNames());
            if (readsScrapedMetrics) {
                assertThat(q.expr()).as(q.where()).contains("job=\"watcher\"");
            }
        }
    }

    @Test
    void everyAlertHasASeverityAndARunbookSectionThatExists() {
        String readme = DeployFiles.read(DeployFiles.deploy("README.md"));
        Set<String> anchors = new LinkedHashSet<>();
        Matcher heading = Pattern.compile("(?m)^#+ (.+)$").matcher(readme);
        while (heading.find()) {
            anchors.add(heading.group(1).trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "")
                    .replace(' ', '-'));
        }
        for (JsonNode group : DeployFiles.yaml(DeployQueries.RULES).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("alert")) {
                    String name = rule.path("alert").asText();
                    assertThat(rule.path("labels").path("severity").asText()).as(name).isIn("critical", "warning");
                    String runbook = rule.path("annotations").path("runbook").asText();
                    assertThat(runbook).as(name).startsWith("deploy/README.md#");
                    assertThat(anchors).as(name + " runbook " + runbook)
                            .contains(runbook.substring("deploy/README.md#".length()));
                }
            }
        }
    }

    @Test
    void amtoolAcceptsTheAlertmanagerConfig() throws Exception {
        ExternalTool.Result r = ExternalTool.AMTOOL.run(DeployFiles.deploy("alertmanager"), "check-config",
                "alertmanager.yml");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }
}
