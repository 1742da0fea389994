package dev.anneal.watcher.app.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every PromQL expression that {@code deploy/} runs against the watcher's metrics: the Grafana
 * dashboard's panel queries and variable queries, and the Prometheus rules' expressions.
 */
final class DeployQueries {

    static final Path DASHBOARD = DeployFiles.deploy("grafana/dashboards/watcher.json");
    static final Path RULES = DeployFiles.deploy("prometheus/watcher-rules.yml");

    /** {@code label_values(<expr>, <label>)}: a Grafana query variable. */
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*\\w+\\s*\\)");

    /** One expression and where it comes from (for messages). */
    record Query(String where, String expr) {
        /** The metric names it reads. */
        Set<String> metricNames() {
            return PromQl.metricNames(expr);
        }
    }

    private DeployQueries() {
    }

    /** The dashboard's panel queries (rows' nested panels included) and its variables' queries. */
    static List<Query> dashboard() {
        JsonNode dash = DeployFiles.json(DASHBOARD);
        List<Query> out = new ArrayList<>();
        for (JsonNode panel : panels(dash)) {
            for (JsonNode target : panel.path("targets")) {
                out.add(new Query("panel '" + panel.path("title").asText() + "' query "
                        + target.path("refId").asText(), target.path("expr").asText()));
            }
        }
        for (JsonNode variable : dash.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                String q = variable.path("query").isObject() ? variable.path("query").path("query").asText()
                        : variable.path("query").asText();
                Matcher m = LABEL_VALUES.matcher(q);
                out.add(new Query("variable $" + variable.path("name").asText(), m.matches() ? m.group(1) : q));
            }
        }
        return out;
    }

    /** Every panel that is not a row, rows' collapsed panels included. */
    static List<JsonNode> panels(JsonNode dash) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode panel : dash.path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                panel.path("panels").forEach(out::add);
            } else {
                out.add(panel);
            }
        }
        return out;
    }

    /** The expressions of the alerting and recording rules. */
    static List<Query> rules() {
        List<Query> out = new ArrayList<>();
        for (JsonNode group : DeployFiles.yaml(RULES).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.has("alert") ? "alert " + rule.path("alert").asText()
                        : "recording rule " + rule.path("record").asText();
                out.add(new Query(name, rule.path("expr").asText()));
            }
        }
        return out;
    }

    /** Names the rules file defines itself (recording rules): they are not exported by the daemon. */
    static Set<String> recordedNames() {
        Set<String> out = new TreeSet<>();
        for (JsonNode group : DeployFiles.yaml(RULES).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("record")) {
                    out.add(rule.path("record").asText());
                }
            }
        }
        return out;
    }

    /** The names of the alerting rules, in file order. */
    static Set<String> alertNames() {
        Set<String> out = new LinkedHashSet<>();
        for (Query q : rules()) {
            if (q.where().startsWith("alert ")) {
                out.add(q.where().substring("alert ".length()));
            }
        }
        return out;
    }

    /**
     * A dashboard expression with Grafana's variables replaced by values, so that promtool can
     * parse it: intervals by durations, {@code $job} and {@code $instance} by regular expressions.
     */
    static String withVariablesReplaced(String expr) {
        return expr.replace("$__rate_interval", "1m").replace("$__range", "1h").replace("$__interval", "1m")
                .replace("$job", "watcher").replace("$instance", ".*");
    }
}
