package dev.anneal.watcher.core.stream;

import static dev.anneal.watcher.core.stream.Telemetry.healthy;
import static dev.anneal.watcher.core.stream.Telemetry.spike;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.engine.RuleSet;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code synthetic} label of the output meters, and a description (Prometheus HELP) on every
 * watcher meter. The info metrics ({@code watcher_build_info}, {@code watcher_rule_set_info}) are
 * the app's: {@code InfoMetricsTest}.
 */
class MetricsInfoTest {

    private static final RuleSet RULES = StreamHarness.annealGates();

    @TempDir
    Path stateDir;

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
                WatcherMetrics.ERRORS, WatcherMetrics.RULE_RELOADS);
        assertThat(meters).allSatisfy(m -> assertThat(m.getId().getDescription()).as(m.getId().getName())
                .isNotBlank());
    }

    /** The payload as a drill sends it: an envelope marked synthetic. */
    private static String drill(String payload) {
        return "{\"synthetic\": true, \"data\": " + payload + "}";
    }
}
