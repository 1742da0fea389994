package dev.anneal.watcher.core.stream;

import static dev.anneal.watcher.core.stream.Telemetry.healthy;
import static dev.anneal.watcher.core.stream.Telemetry.spike;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.engine.RuleSet;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon counts what it consumes, rejects, evaluates and publishes, under the documented names. */
class MetricsTest {

    private static final RuleSet RULES = StreamHarness.annealGates();

    @TempDir
    Path stateDir;

    @Test
    void recordsRejectionsEvaluationsAlertsRecommendationsAndLatencyAreCounted() {
        WatcherMetrics metrics = new WatcherMetrics();
        MeterRegistry registry = metrics.registry();
        StreamHarness.MutableClock clock = new StreamHarness.MutableClock(StreamHarness.START);
        try (StreamHarness h = new StreamHarness(stateDir, new RuleSetHolder(RULES), metrics, clock)) {
            long now = clock.millis();
            // Produced 250 ms before the daemon's clock: every output it causes is 0.25 s late.
            h.input.pipeInput("run-a", healthy(), now - 250);
            h.input.pipeInput("run-a", spike(), now - 250);
            h.input.pipeInput("run-a", "{not json", now);
            h.input.pipeInput("run-a", "[{\"schema_version\": 1, \"tick\": 1}, {\"schema_version\": 1, \"tick\": 2}]",
                    now);
        }

        assertThat(count(registry, WatcherMetrics.RECORDS_CONSUMED)).isEqualTo(4);
        assertThat(count(registry, WatcherMetrics.RECORDS_ACCEPTED)).isEqualTo(2);
        assertThat(registry.get(WatcherMetrics.RECORDS_REJECTED).tag(WatcherMetrics.TAG_REASON, "invalid_json")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get(WatcherMetrics.RECORDS_REJECTED).tag(WatcherMetrics.TAG_REASON, "world_telemetry")
                .counter().count()).isEqualTo(2);
        long ppoRules = RULES.rules().stream()
                .filter(r -> r.kinds().contains(dev.anneal.watcher.rules.model.RecordKind.PPO)).count();
        assertThat(count(registry, WatcherMetrics.RULE_EVALUATIONS)).isEqualTo(2.0 * ppoRules);
        assertThat(registry.get(WatcherMetrics.ALERTS).tag(WatcherMetrics.TAG_RULE, "kl_grad_rollback")
                .tag(WatcherMetrics.TAG_SEVERITY, "critical").tag(WatcherMetrics.TAG_STATE, "firing")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get(WatcherMetrics.ALERTS).tag(WatcherMetrics.TAG_STATE, "firing").counters())
                .hasSize(3);
        assertThat(registry.get(WatcherMetrics.RECOMMENDATIONS).tag(WatcherMetrics.TAG_ACTION, "PASS")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get(WatcherMetrics.RECOMMENDATIONS).tag(WatcherMetrics.TAG_ACTION, "ROLLBACK")
                .counter().count()).isEqualTo(1);
        Timer alerts = registry.get(WatcherMetrics.EVENT_TO_OUTPUT)
                .tag(WatcherMetrics.TAG_OUTPUT, WatcherMetrics.OUTPUT_ALERT).timer();
        assertThat(alerts.count()).isEqualTo(3);
        assertThat(alerts.max(TimeUnit.MILLISECONDS)).isEqualTo(250.0);
        Timer recs = registry.get(WatcherMetrics.EVENT_TO_OUTPUT)
                .tag(WatcherMetrics.TAG_OUTPUT, WatcherMetrics.OUTPUT_RECOMMENDATION).timer();
        assertThat(recs.count()).isEqualTo(2);
        assertThat(recs.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(500.0);
        assertThat(count(registry, WatcherMetrics.STATE_ERRORS)).isZero();
        assertThat(registry.get(WatcherMetrics.ERRORS).counters()).as("only bad input so far").hasSize(1);
        assertThat(registry.get(WatcherMetrics.ERRORS).tag(WatcherMetrics.TAG_ERROR_CLASS, "bad_input")
                .counter().count()).as("every rejected record").isEqualTo(3);
    }

    @Test
    void ruleErrorsAreCountedPerRule() {
        // batch_entropy_mean is not required by the pack, so a string passes validation and
        // entropy_shift's window fails on it.
        WatcherMetrics metrics = new WatcherMetrics();
        try (StreamHarness h = new StreamHarness(stateDir, new RuleSetHolder(RULES), metrics,
                new StreamHarness.MutableClock(StreamHarness.START))) {
            h.send("run-a", "{\"epoch\": 1.0, \"loss_total\": 1.37, \"kl_divergence\": 0.01, \"grad_norm\": 1.0, "
                    + "\"batch_entropy_mean\": \"high\"}");
        }
        assertThat(metrics.registry().get(WatcherMetrics.RULE_ERRORS).tag(WatcherMetrics.TAG_RULE, "entropy_shift")
                .counter().count()).isEqualTo(1);
        assertThat(metrics.registry().get(WatcherMetrics.ERRORS).tag(WatcherMetrics.TAG_ERROR_CLASS, "bad_config")
                .counter().count()).isEqualTo(1);
    }

    @Test
    void aStoredStateThatCannotBeReadIsAFatalError() {
        WatcherMetrics metrics = new WatcherMetrics();
        try (StreamHarness h = new StreamHarness(stateDir, new RuleSetHolder(RULES), metrics,
                new StreamHarness.MutableClock(StreamHarness.START))) {
            h.store().put("run-a", "not a state".getBytes(StandardCharsets.UTF_8));
            h.send("run-a", healthy());
        }
        assertThat(count(metrics.registry(), WatcherMetrics.STATE_ERRORS)).isEqualTo(1);
        assertThat(metrics.registry().get(WatcherMetrics.ERRORS).tag(WatcherMetrics.TAG_ERROR_CLASS, "fatal")
                .counter().count()).isEqualTo(1);
    }

    @Test
    void reloadsAreCountedByResult() {
        WatcherMetrics metrics = new WatcherMetrics();
        metrics.reloadApplied();
        metrics.reloadRefused();
        metrics.reloadRefused();
        assertThat(metrics.registry().get(WatcherMetrics.RULE_RELOADS).tag(WatcherMetrics.TAG_RESULT, "refused")
                .counter().count()).isEqualTo(2);
        assertThat(metrics.registry().get(WatcherMetrics.RULE_RELOADS).tag(WatcherMetrics.TAG_RESULT, "applied")
                .counter().count()).isEqualTo(1);
        assertThat(metrics.registry().get(WatcherMetrics.ERRORS).tag(WatcherMetrics.TAG_ERROR_CLASS, "bad_config")
                .counter().count()).as("a refused reload is bad configuration").isEqualTo(2);
    }

    private static double count(MeterRegistry registry, String name) {
        return registry.get(name).counter().count();
    }
}
