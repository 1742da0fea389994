package dev.anneal.watcher.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.watcher.app.bench.DaemonBenchmarkReport.Work;
import dev.anneal.watcher.core.generate.PpoStreamGenerator;
import dev.anneal.watcher.core.generate.PpoStreamGenerator.Config;
import dev.anneal.watcher.core.generate.PpoStreamGenerator.Drift;
import dev.anneal.watcher.rules.engine.RuleSet;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon benchmark's record edits, and that the latency stream flips every record's recommendation. */
class DaemonInputTest {

    @TempDir
    Path dir;

    private static final String LINE = "{\"run_id\":\"bench-r0007\",\"ts\":\"2025-10-15T00:01:00.060Z\",\"data\":"
            + "{\"epoch\":1.0,\"kl_divergence\":0.012345,\"grad_norm\":1.5}}";

    @Test
    void readsTheRunIdAndRestampsTsAndKlOnTheRawBytes() {
        byte[] b = ("xx" + LINE + "yy").getBytes(StandardCharsets.UTF_8);
        int off = 2;
        int len = LINE.length();
        assertThat(DaemonInput.runId(b, off, len)).isEqualTo("bench-r0007");

        long t = Instant.parse("2026-11-28T09:00:00.123Z").toEpochMilli();
        assertThat(new String(DaemonInput.restamp(b, off, len, t, null), StandardCharsets.UTF_8))
                .isEqualTo(LINE.replace("2025-10-15T00:01:00.060Z", "2026-11-28T09:00:00.123Z"));
        assertThat(new String(DaemonInput.restamp(b, off, len, t, "0.07"), StandardCharsets.UTF_8))
                .isEqualTo(LINE.replace("2025-10-15T00:01:00.060Z", "2026-11-28T09:00:00.123Z")
                        .replace("0.012345", "0.07"));
        // A whole second prints without millis, as Instant.toString does; the decoder reads both.
        long whole = Instant.parse("2026-11-28T09:00:00Z").toEpochMilli();
        assertThat(new String(DaemonInput.restamp(b, off, len, whole, null), StandardCharsets.UTF_8))
                .contains("\"ts\":\"2026-11-28T09:00:00Z\"");
    }

    @Test
    void refusesLinesWithoutTheFieldsItEdits() {
        byte[] noTs = "{\"run_id\":\"r\",\"data\":{}}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> DaemonInput.restamp(noTs, 0, noTs.length, 0, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no envelope ts");
        byte[] noKl = "{\"run_id\":\"r\",\"ts\":\"x\",\"data\":{}}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> DaemonInput.restamp(noKl, 0, noKl.length, 0, "0.07"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no kl_divergence");
        byte[] noRun = "{\"ts\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> DaemonInput.runId(noRun, 0, noRun.length))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no run_id");
    }

    @Test
    void plainInputHandsOutEveryRecordWithItsKey() throws Exception {
        Path file = dir.resolve("ppo.jsonl");
        PpoStreamGenerator g = new PpoStreamGenerator(new Config(120, 6, 3));
        g.writeTo(file);
        Map<String, Integer> perRun = new HashMap<>();
        try (DaemonInput in = DaemonInput.plain(file)) {
            while (in.next()) {
                perRun.merge(in.runId(), 1, Integer::sum);
                assertThat(in.breaching()).isFalse();
                String value = new String(in.value(1_000L), StandardCharsets.UTF_8);
                assertThat(value).startsWith("{\"run_id\":\"" + in.runId() + "\",\"ts\":\"1970-01-01T00:00:01Z\"");
            }
            assertThat(in.read()).isEqualTo(120);
        }
        assertThat(perRun).hasSize(6).allSatisfy((run, n) -> assertThat(n).isEqualTo(20));
    }

    /**
     * The latency stream's promise: on healthy runs every record changes its run's recommendation
     * (HOLD on a kl breach, PASS on the next record) and yields exactly one published alert
     * transition. Checked with replay, which runs the same engine as the daemon.
     */
    @Test
    void theFlippingStreamChangesTheRecommendationOnEveryRecord() throws Exception {
        int runs = 40;
        PpoStreamGenerator g = new PpoStreamGenerator(new Config(2_000, runs, 11));
        Path file = dir.resolve("latency.jsonl");
        g.writeTo(file);
        Set<String> drifting = new HashSet<>();
        for (int r = 0; r < runs; r++) {
            if (g.drift(r) != Drift.NONE) {
                drifting.add(g.runId(r));
            }
        }
        assertThat(drifting).isNotEmpty();

        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<Boolean> breaches = new ArrayList<>();
        long records = 0;
        try (DaemonInput in = DaemonInput.flipping(file, drifting)) {
            long t = Instant.parse("2026-11-28T09:00:00Z").toEpochMilli();
            Map<String, Integer> seen = new HashMap<>();
            while (in.next()) {
                assertThat(drifting).doesNotContain(in.runId());
                int k = seen.merge(in.runId(), 1, Integer::sum) - 1;
                assertThat(in.breaching()).as("record %d of %s", k, in.runId()).isEqualTo(k % 2 == 0);
                breaches.add(in.breaching());
                byte[] value = in.value(t += 1);
                assertThat(new String(value, StandardCharsets.UTF_8).contains("\"kl_divergence\":0.07,"))
                        .isEqualTo(in.breaching());
                stream.write(value);
                stream.write('\n');
                records++;
            }
        }
        assertThat(records).isEqualTo(2_000L / runs * (runs - drifting.size()));
        assertThat(breaches).contains(true, false);

        Path flipped = dir.resolve("flipped.jsonl");
        Files.write(flipped, stream.toByteArray());
        RuleSet rules = ReplayBenchmark.compileRules("anneal-gates");
        Work work = DaemonBenchmark.replayWork(rules, flipped);
        assertThat(work.records()).isEqualTo(records);
        assertThat(work.recommendations()).as("one recommendation change per record").isEqualTo(records);
        assertThat(work.alerts()).as("one published alert transition per record").isEqualTo(records);
        assertThat(work.firingByRule()).containsOnlyKeys("kl_gate");
        assertThat(work.deadLetters()).isZero();
    }
}
