package dev.anneal.watcher.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.app.bench.DaemonBenchmarkReport.Latency;
import dev.anneal.watcher.app.bench.DaemonBenchmarkReport.Load;
import dev.anneal.watcher.app.bench.DaemonBenchmarkReport.Setup;
import dev.anneal.watcher.app.bench.DaemonBenchmarkReport.ThroughputRun;
import dev.anneal.watcher.app.bench.DaemonBenchmarkReport.Work;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Percentiles, verdicts and the markdown of the daemon benchmark's report, on made-up figures. */
class DaemonBenchmarkReportTest {

    private static final long S = 1_000_000_000L;

    @Test
    void percentilesAreNearestRank() {
        long[] hundred = new long[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = i + 1;
        }
        assertThat(DaemonBenchmarkReport.percentile(hundred, 0.50)).isEqualTo(50);
        assertThat(DaemonBenchmarkReport.percentile(hundred, 0.99)).isEqualTo(99);
        assertThat(DaemonBenchmarkReport.percentile(hundred, 1.0)).isEqualTo(100);
        assertThat(DaemonBenchmarkReport.percentile(new long[] {7}, 0.99)).isEqualTo(7);
        assertThat(DaemonBenchmarkReport.percentile(new long[] {1, 2, 3}, 0.5)).isEqualTo(2);
        assertThat(DaemonBenchmarkReport.percentile(new long[0], 0.5)).isEqualTo(-1);
    }

    @Test
    void latencySamplesAreSortedOnTheWayIn() {
        Latency l = latency(new long[] {90, 10, 50}, 0);
        assertThat(l.recommendations()).containsExactly(10, 50, 90);
        assertThat(l.p99()).isEqualTo(90);
    }

    @Test
    void verdictsAndMarkdown() {
        Work work = new Work(1_000, 20, Map.of("kl_gate", 10L), 30, 0);
        DaemonBenchmarkReport report = new DaemonBenchmarkReport(setup(100),
                List.of(run("ceiling: per-key count", 1, 10 * S), run("ceiling: per-key count", 2, 8 * S)),
                List.of(run("diagnostic: per-key count + readTree of each value", 1, 9 * S)),
                List.of(run("watcher: anneal-gates", 1, 12 * S), run("watcher: anneal-gates", 2, 10 * S)),
                40, work, work, latency(new long[] {60, 70, 80, 140}, 0), MachineInfo.current(),
                List.of(new Load("start", 1.5), new Load("end", -1)));

        assertThat(report.throughputShare()).isEqualTo(0.8);
        assertThat(report.throughputTargetMet()).isTrue();
        assertThat(report.latencyTargetMet()).isTrue();
        assertThat(report.latencyAtTargetConditions()).isTrue();
        String md = report.toMarkdown();
        assertThat(md).contains("### Daemon benchmark: anneal-gates", "#### Throughput",
                "| Application | Pass | Start to RUNNING (s) |", "| ceiling: per-key count | 2 |",
                "| watcher: anneal-gates | 1 |", "| Changelog bytes per record |", "| 500 |",
                "Target: watcher >= 70 % of the ceiling's rate: **met** (best passes:",
                "= 80 %", "| diagnostic: per-key count + readTree of each value | 1 |",
                "the watcher reaches 90 % of it", "**the same counts**", "#### Latency", "| recommendation (the target) | 4 | 70 | 140 | 140 |",
                "Target: p99 <= 150 ms at 2,000 records/s with commit interval 100 ms: **met**",
                "the daemon kept up with the rate", "| ceiling's count update, same input (diagnostic: the floor) | 2 | 30 |",
                "`commit-rate (/s)` 9.5", "#### Machine",
                "start 1.50, end unknown");

        DaemonBenchmarkReport slow = new DaemonBenchmarkReport(setup(200),
                List.of(run("ceiling: per-key count", 1, 5 * S)), List.of(), List.of(run("watcher: anneal-gates", 1, 10 * S)),
                40, work, new Work(1_000, 21, Map.of("kl_gate", 11L), 30, 0), latency(new long[] {200}, 3),
                MachineInfo.current(), List.of());
        assertThat(slow.throughputTargetMet()).isFalse();
        assertThat(slow.latencyTargetMet()).isFalse();
        assertThat(slow.latencyAtTargetConditions()).isFalse();
        assertThat(slow.toMarkdown()).contains("**not met** (best passes:", "= 50 %", "**different counts**",
                "**not met** (p99 200 ms", "not the target's conditions",
                "**the daemon fell behind the rate**");
    }

    @Test
    void skippedPartsAreLeftOut() {
        DaemonBenchmarkReport onlyLatency = new DaemonBenchmarkReport(setup(100), List.of(), List.of(), List.of(), 0, null,
                null, latency(new long[] {1}, 0), MachineInfo.current(), List.of());
        assertThat(onlyLatency.throughputShare()).isNaN();
        assertThat(onlyLatency.toMarkdown()).doesNotContain("#### Throughput").contains("#### Latency");
        DaemonBenchmarkReport onlyThroughput = new DaemonBenchmarkReport(setup(100),
                List.of(run("c", 1, S)), List.of(), List.of(run("w", 1, S)), 0, null, null, null, MachineInfo.current(),
                List.of());
        assertThat(onlyThroughput.latencyTargetMet()).isFalse();
        assertThat(onlyThroughput.toMarkdown()).contains("#### Throughput").doesNotContain("#### Latency");
    }

    private static Setup setup(long commitIntervalMs) {
        return new Setup("anneal-gates", 4, 1, commitIntervalMs, 100_000, 1_000, 167_000_000, 1, 20_000, 2, 10 * S);
    }

    private static ThroughputRun run(String name, int pass, long nanos) {
        return new ThroughputRun(name, pass, 100_000, 2 * S, nanos, 90_000, nanos * 9 / 10, nanos, 50_000_000);
    }

    private static Latency latency(long[] recs, long missing) {
        return new Latency(2_000, 10, 60, 970, 120_000, 2_000.0, 1_500, recs, recs, missing, 60 * S, 60 * S, 20.0,
                70, missing == 0 ? 75 : 5_000, Map.of("commit-latency-avg (ms)", 25.0), new long[] {40, 30},
                Map.of("commit-rate (/s)", 9.5));
    }
}
