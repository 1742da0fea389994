package dev.anneal.watcher.app.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.core.stream.RuleSetHolder;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.load.RuleSetCompiler;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code watcher_build_info} and {@code watcher_rule_set_info} as Prometheus scrapes them: always 1,
 * one series each, with HELP text, and the rule set's series follows a reload.
 */
class InfoMetricsTest {

    @Test
    void buildAndRuleSetInfoAreScrapedAsOneSeriesEachAndFollowAReload() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RuleSet one = RuleSetCompiler.compile(List.of(BuiltinPacks.load("anneal-gates")), Map.of());
        RuleSetHolder holder = new RuleSetHolder(one);
        InfoMetrics.registerBuild(registry);
        InfoMetrics.registerRuleSet(registry, holder::ruleSet);

        String scrape = registry.scrape();
        assertThat(scrape).containsPattern("(?m)^# HELP watcher_build_info \\S")
                .contains("watcher_build_info{java=\"" + System.getProperty("java.version") + "\",version=\""
                        + BuildInfo.version() + "\"} 1")
                .containsPattern("(?m)^# HELP watcher_rule_set_info \\S")
                .contains("watcher_rule_set_info{digest=\"" + one.digest() + "\",packs=\"anneal-gates\"} 1");

        RuleSet two = RuleSetCompiler.compile(List.of(BuiltinPacks.load("anneal-gates"),
                BuiltinPacks.load("townlet-watch")), Map.of());
        holder.swap(two);
        String after = registry.scrape();
        assertThat(after).contains("watcher_rule_set_info{digest=\"" + two.digest()
                + "\",packs=\"anneal-gates,townlet-watch\"} 1");
        assertThat(after.lines().filter(l -> l.startsWith("watcher_rule_set_info{"))).hasSize(1);
    }
}
