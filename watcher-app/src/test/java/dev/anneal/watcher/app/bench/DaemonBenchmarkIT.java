package dev.anneal.watcher.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.app.bench.DaemonBenchmarkReport.Latency;
import dev.anneal.watcher.app.bench.DaemonBenchmarkReport.ThroughputRun;
import dev.anneal.watcher.core.stream.WatcherTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A smoke test of the daemon benchmark on a real (embedded) broker with a few hundred records:
 * counts and structure only, never speed.
 */
class DaemonBenchmarkIT {

    @TempDir
    Path dir;

    @Test
    void runsBothApplicationsAndTheLatencyMeasurementAndReportsTheWork() throws Exception {
        DaemonBenchmark.Options options = new DaemonBenchmark.Options(600, 12, 2, 1, 120, "anneal-gates", 5, 100, 1,
                WatcherTopology.DEFAULT_RUN_STATE_CACHE, true, 100, 2, 1, 12, true, true, dir);
        List<String> progress = new ArrayList<>();

        DaemonBenchmarkReport report = new DaemonBenchmark(options, progress::add).run();

        assertThat(report.ceiling()).hasSize(1);
        assertThat(report.parsing()).hasSize(1);
        assertThat(report.watcher()).hasSize(1);
        for (ThroughputRun r : List.of(report.ceiling().get(0), report.parsing().get(0), report.watcher().get(0))) {
            assertThat(r.records()).isEqualTo(600);
            assertThat(r.pass()).isEqualTo(1);
            assertThat(r.startupNanos()).isPositive();
            assertThat(r.runNanos()).isPositive();
            assertThat(r.changelogBytes()).as("%s wrote its state changelog", r.application()).isPositive();
        }
        assertThat(report.setup().records()).isEqualTo(600);
        assertThat(report.setup().recordBytes()).isGreaterThan(600L * 1_000);
        assertThat(report.ceilingOut()).as("at least one count per key").isGreaterThanOrEqualTo(12);

        assertThat(report.expected().records()).isEqualTo(600);
        assertThat(report.expected().firing()).isPositive();
        assertThat(report.work().records()).isEqualTo(600);
        assertThat(report.work().deadLetters()).isZero();
        assertThat(report.work().sameOutputs(report.expected()))
                .as("the daemon publishes what replay publishes: %s vs %s", report.work(), report.expected()).isTrue();
        assertThat(report.work().firingByRule()).doesNotContainKey("stale_telemetry");

        Latency l = report.latency();
        assertThat(l.sent()).isEqualTo(200);
        assertThat(l.missing()).isZero();
        assertThat(l.recommendations()).hasSize(200);
        assertThat(l.alerts()).hasSize(200);
        assertThat(l.recommendations()[0]).as("sorted, smallest first").isGreaterThanOrEqualTo(0);
        assertThat(l.runs()).isLessThan(12).isPositive();
        assertThat(l.floor()).as("the ceiling's count updates under the same input").isNotEmpty();

        assertThat(report.toMarkdown()).contains("#### Throughput", "| ceiling: per-key count | 1 |",
                "| diagnostic: per-key count + readTree of each value | 1 |",
                "| watcher: anneal-gates | 1 |", "**the same counts**", "#### Latency",
                "| recommendation (the target) | 200 |", "#### Machine");
        assertThat(progress).anyMatch(p -> p.startsWith("pass 1 watcher"));
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("the temporary directory is deleted").isEmpty();
        }
    }
}
