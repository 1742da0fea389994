package dev.anneal.watcher.app.daemon;

import dev.anneal.watcher.core.stream.WatcherMetrics;
import dev.anneal.watcher.rules.engine.CompiledPack;
import dev.anneal.watcher.rules.engine.RuleSet;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.function.Supplier;

/**
 * The info metrics of {@code watcher run} and {@code watcher notify}, {@value WatcherMetrics#BUILD_INFO}
 * and {@value WatcherMetrics#RULE_SET_INFO}: always 1, their labels say what runs. They are
 * Prometheus info metrics, registered with the Prometheus registry behind {@code /metrics} (a
 * Micrometer gauge cannot be named {@code *_info}: the Prometheus client strips the suffix). The
 * rule set is read at each scrape, so the one series follows reloads.
 */
final class InfoMetrics {

    private InfoMetrics() {
    }

    /** Registers {@value WatcherMetrics#BUILD_INFO} with this build's version and Java. */
    static void registerBuild(PrometheusMeterRegistry registry) {
        Info build = Info.builder().name(WatcherMetrics.BUILD_INFO)
                .help("the watcher's version and Java runtime (always 1)")
                .labelNames(WatcherMetrics.TAG_VERSION, WatcherMetrics.TAG_JAVA)
                .register(registry.getPrometheusRegistry());
        build.setLabelValues(BuildInfo.version(), BuildInfo.java());
    }

    /** Registers {@value WatcherMetrics#RULE_SET_INFO}, reading the rule set in force at each scrape. */
    static void registerRuleSet(PrometheusMeterRegistry registry, Supplier<RuleSet> ruleSet) {
        registry.getPrometheusRegistry().register(new Collector() {
            @Override
            public MetricSnapshot collect() {
                RuleSet rs = ruleSet.get();
                return InfoSnapshot.builder().name(WatcherMetrics.RULE_SET_INFO)
                        .help("the rule set in force: its digest and packs (always 1; follows reloads)")
                        .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder()
                                .labels(Labels.of(WatcherMetrics.TAG_DIGEST, rs.digest(), WatcherMetrics.TAG_PACKS,
                                        String.join(",", rs.packs().stream().map(CompiledPack::name).toList())))
                                .build())
                        .build();
            }

            @Override
            public String getPrometheusName() {
                return WatcherMetrics.RULE_SET_INFO;
            }
        });
    }
}
