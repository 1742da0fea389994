package dev.anneal.watcher.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.core.generate.PpoStreamGenerator;
import dev.anneal.watcher.core.generate.PpoStreamGenerator.Config;
import dev.anneal.watcher.rules.model.Action;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A smoke test of the benchmark code on a small stream: counts and structure only, never speed. */
class ReplayBenchmarkTest {

    @TempDir
    Path dir;

    @Test
    void runsEveryMeasurementAndReportsTheWork() throws Exception {
        Path file = dir.resolve("ppo-2000-20.jsonl");
        Path many = dir.resolve("ppo-2000-200.jsonl");
        new PpoStreamGenerator(new Config(2_000, 20, 5)).writeTo(file);
        new PpoStreamGenerator(new Config(2_000, 200, 5)).writeTo(many);
        List<String> progress = new ArrayList<>();

        BenchmarkReport report = new ReplayBenchmark(
                new ReplayBenchmark.Options(file, 2, 300, "anneal-gates", List.of(file, many)), progress::add).run();

        assertThat(report.records()).isEqualTo(2_000);
        assertThat(report.bytes()).isEqualTo(Files.size(file));
        assertThat(report.warmupRecords()).isEqualTo(300);
        assertThat(report.tokens().nanos()).hasSize(2);
        assertThat(report.readTree().nanos()).hasSize(2);
        assertThat(report.decode().nanos()).hasSize(2);
        assertThat(report.replay().nanos()).hasSize(2).allMatch(n -> n > 0);

        BenchmarkReport.ReplayWork work = report.work();
        assertThat(work.accepted()).isEqualTo(2_000);
        assertThat(work.rejected()).isZero();
        assertThat(work.ruleErrors()).isZero();
        assertThat(work.runs()).isEqualTo(20);
        assertThat(work.firing()).isPositive();
        assertThat(work.recommendations()).isGreaterThanOrEqualTo(20);
        assertThat(work.decision()).isEqualTo(Action.ROLLBACK);

        assertThat(report.memory()).hasSize(2);
        assertThat(report.memory().get(0).runs()).isEqualTo(20);
        assertThat(report.memory().get(1).runs()).isEqualTo(200);
        for (BenchmarkReport.MemorySeries s : report.memory()) {
            assertThat(s.checkpoints()).hasSize(ReplayBenchmark.MEMORY_CHECKPOINTS);
            assertThat(s.checkpoints()).extracting(BenchmarkReport.Checkpoint::records).isSorted();
            assertThat(s.checkpoints().get(s.checkpoints().size() - 1).records()).isEqualTo(2_000);
            assertThat(s.beforeBytes()).isPositive();
        }

        String md = report.toMarkdown();
        assertThat(md).contains("| Measurement | Best pass (s) | Records/s | MB/s | % of readTree | % of tokens |",
                "readTree", "nextToken", "Target: replay >= 60 %", "#### Memory", "#### Machine",
                "overall decision **ROLLBACK**");
        assertThat(progress).anyMatch(l -> l.startsWith("pass 2/2"));
    }

    @Test
    void referencePassesReadEveryLineAndThePrefixIsExact() throws Exception {
        Path file = dir.resolve("small.jsonl");
        new PpoStreamGenerator(new Config(500, 5, 1)).writeTo(file);
        ReplayBenchmark bench = new ReplayBenchmark(
                new ReplayBenchmark.Options(file, 1, 0, "anneal-gates", List.of()), line -> { });
        assertThat(ReplayBenchmark.countRecords(file, -1)).isEqualTo(500);
        assertThat(ReplayBenchmark.countRecords(file, 123)).isEqualTo(123);
        // one envelope object: run_id, ts, data -> 3 top-level keys per line
        assertThat(bench.readTreePass(file, -1)).isEqualTo(3 * 500);
        assertThat(bench.readTreePass(file, 100)).isEqualTo(3 * 100);
        assertThat(bench.tokenPass(file, -1)).isPositive();
        assertThat(bench.decodePass(file, -1)).isEqualTo(500);
        assertThat(bench.decodePass(file, 42)).isEqualTo(42);
    }

    @Test
    void checkpointsFireWhenTheConsumerAsksForMoreAfterEachMark() throws IOException {
        byte[] text = "a\nb\nc\nd\ne\n".getBytes(StandardCharsets.US_ASCII);
        List<Long> seen = new ArrayList<>();
        try (InputStream in = LineStreams.checkpoints(new ByteArrayInputStream(text), new long[] {2, 4}, seen::add)) {
            byte[] buf = new byte[4];
            while (in.read(buf, 0, buf.length) >= 0) {
                // drain
            }
        }
        assertThat(seen).containsExactly(2L, 4L);
    }

    @Test
    void firstLinesStopsAfterTheLastNewline() throws IOException {
        byte[] text = "one\ntwo\nthree\n".getBytes(StandardCharsets.US_ASCII);
        try (InputStream in = LineStreams.firstLines(new ByteArrayInputStream(text), 2)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("one\ntwo\n");
        }
    }
}
