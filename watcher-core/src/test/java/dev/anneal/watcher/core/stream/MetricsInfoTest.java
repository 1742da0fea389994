package dev.anneal.watcher.core.stream;

import static dev.anneal.watcher.core.stream.Telemetry.healthy;
import static dev.anneal.watcher.core.stream.Telemetry.spike;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.load.RuleSetCompiler;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The meters added for operators: the build and rule-set info gauges, the {@code synthetic} label of
 * the output meters, and a description (Prometheus HELP) on every watcher meter.
 */
class MetricsInfoTest {

    private static final RuleSet RULES = StreamHarness.annealGates();

    @TempDir
    Path stateDir;

    @Test
    void buildAndRuleSetInfoAreOneSeriesEachAndTheRuleSetIsReplacedOnReload() throws Exception {
        WatcherMetrics metrics = new WatcherMetrics();
        MeterRegistry registry = metrics.registry();
        WatcherMetrics.buildInfo(registry, "1.2.3", "17.0.15");
        metrics.ruleSet(RULES);
        RuleSet two = RuleSetCompiler.compile(List.of(BuiltinPacks.load("anneal-gates"),
                BuiltinPacks.load("townlet-watch")), Map.of());
        metrics.ruleSet(two);

        Gauge build = registry.get(WatcherMetrics.BUILD_INFO).gauge();
        assertThat(build.value()).isEqualTo(1);
        assertThat(build.getId().getTag(WatcherMetrics.TAG_VERSION)).isEqualTo("1.2.3");
        assertThat(build.getId().getTag(WatcherMetrics.TAG_JAVA)).isEqualTo("17.0.15");
        assertThat(registry.get(WatcherMetrics.RULE_SET_INFO).gauges()).as("the old rule set's series is gone")
                .hasSize(1);
        Gauge ruleSet = registry.get(WatcherMetrics.RULE_SET_INFO).gauge();
        assertThat(ruleSet.value()).isEqualTo(1);
        assertThat(ruleSet.getId().getTag(WatcherMetrics.TAG_DIGEST)).isEqualTo(two.digest());
        assertThat(ruleSet.getId().getTag(WatcherMetrics.TAG_PACKS)).isEqualTo("anneal-gates,townlet-watch");
    }

    @Test
    void outputsOfSyntheticRecordsAreCountedApartAndEveryMeterHasADescription() {
        WatcherMetrics metrics = new WatcherMetrics();
        MeterRegistry registry = metrics.registry();
        StreamHarness.MutableClock clock = new StreamHarness.MutableClock(StreamHarness.START);
        try (StreamHarness h = new StreamHarness(stateDir, new RuleSetHolder(RULES), metrics, clock)) {
            long now = clock.millis();
            h.input.pipeInput("run-a", healthy(), now);
            h.input.pipeInput("run-a", spike(), now);
            h.input.pipeInput("qa-1", drill(healthy()), now);
            h.input.pipeInput("qa-1", drill(spike()), now);
            h.input.pipeInput("qa-1", "{not json", now);
        }
        metrics.reloadApplied();
        metrics.ruleSet(RULES);

        for (String synthetic : List.of("true", "false")) {
            assertThat(registry.get(WatcherMetrics.ALERTS).tag(WatcherMetrics.TAG_RULE, "kl_grad_rollback")
                    .tag(WatcherMetrics.TAG_STATE, "firing").tag(WatcherMetrics.TAG_SYNTHETIC, synthetic)
                    .counter().count()).as("synthetic=" + synthetic).isEqualTo(1);
            assertThat(registry.get(WatcherMetrics.RECOMMENDATIONS).tag(WatcherMetrics.TAG_ACTION, "ROLLBACK")
                    .tag(WatcherMetrics.TAG_SYNTHETIC, synthetic).counter().count()).isEqualTo(1);
            assertThat(registry.get(WatcherMetrics.EVENT_TO_OUTPUT).tag(WatcherMetrics.TAG_OUTPUT,
                    WatcherMetrics.OUTPUT_ALERT).tag(WatcherMetrics.TAG_SYNTHETIC, synthetic).timer().count())
                    .isEqualTo(3);
        }
        List<Meter> meters = registry.getMeters().stream().filter(m -> m.getId().getName().startsWith("watcher_"))
                .toList();
        assertThat(meters).extracting(m -> m.getId().getName()).contains(WatcherMetrics.RECORDS_REJECTED,
                WatcherMetrics.ERRORS, WatcherMetrics.RULE_RELOADS, WatcherMetrics.RULE_SET_INFO);
        assertThat(meters).allSatisfy(m -> assertThat(m.getId().getDescription()).as(m.getId().getName())
                .isNotBlank());
    }

    /** The payload as a drill sends it: an envelope marked synthetic. */
    private static String drill(String payload) {
        return "{\"synthetic\": true, \"data\": " + payload + "}";
    }
}
