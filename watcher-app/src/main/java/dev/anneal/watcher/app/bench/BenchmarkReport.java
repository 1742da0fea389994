package dev.anneal.watcher.app.bench;

import static dev.anneal.watcher.app.bench.ReportFormat.f1;
import static dev.anneal.watcher.app.bench.ReportFormat.f2;
import static dev.anneal.watcher.app.bench.ReportFormat.gib;
import static dev.anneal.watcher.app.bench.ReportFormat.mb;
import static dev.anneal.watcher.app.bench.ReportFormat.n;
import static dev.anneal.watcher.app.bench.ReportFormat.pct;

import dev.anneal.watcher.rules.model.Action;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The figures of one {@link ReplayBenchmark} run, printable as markdown for
 * {@code docs/performance.md}.
 *
 * @param file          the replayed file
 * @param records       non-blank lines in it
 * @param bytes         its size
 * @param rules         the {@code --rules} value replayed with
 * @param warmupRecords records each warm-up pass read
 * @param tokens        the token-only reference passes
 * @param readTree      the {@code readTree} ceiling passes
 * @param decode        the decode-only passes (a diagnostic: replay without validation and rules)
 * @param replay        the replay passes
 * @param work          what the last timed replay pass concluded
 * @param memory        the memory series (empty when skipped)
 * @param machine       where it ran
 * @param loadAtStart   the 1-minute system load average when the benchmark started (negative if unknown)
 * @param loadAtEnd     the same when it ended: other work on the machine skews every figure
 */
public record BenchmarkReport(Path file, long records, long bytes, String rules, long warmupRecords,
        Pass tokens, Pass readTree, Pass decode, Pass replay, ReplayWork work, List<MemorySeries> memory,
        MachineInfo machine, double loadAtStart, double loadAtEnd) {

    /** The target of the issue: replay at least this share of the readTree rate. */
    public static final double TARGET_SHARE = 0.60;

    public BenchmarkReport {
        memory = List.copyOf(memory);
    }

    /**
     * The timed passes of one measurement over the whole file.
     *
     * @param name  what was measured
     * @param nanos wall time of each pass, in order
     */
    public record Pass(String name, List<Long> nanos) {
        public Pass {
            nanos = List.copyOf(nanos);
            if (nanos.isEmpty()) {
                throw new IllegalArgumentException("no passes");
            }
        }

        public long bestNanos() {
            return nanos.stream().mapToLong(Long::longValue).min().orElseThrow();
        }

        public double bestSeconds() {
            return bestNanos() / 1e9;
        }
    }

    /**
     * What the replay did, so a reader sees it was real work.
     *
     * @param accepted        records accepted
     * @param rejected        records rejected
     * @param alertEvents     alert transitions published
     * @param firingByRule    transitions to FIRING, per rule
     * @param recommendations recommendation changes published
     * @param runDecisions    runs per decision
     * @param decision        the overall decision
     * @param ruleErrors      rule evaluation errors
     */
    public record ReplayWork(long accepted, long rejected, long alertEvents, Map<String, Long> firingByRule,
            long recommendations, Map<Action, Long> runDecisions, Action decision, long ruleErrors) {
        public ReplayWork {
            firingByRule = Map.copyOf(firingByRule);
            runDecisions = Map.copyOf(runDecisions);
        }

        public long firing() {
            return firingByRule.values().stream().mapToLong(Long::longValue).sum();
        }

        public long runs() {
            return runDecisions.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Used heap after {@code System.gc()} through one untimed replay.
     *
     * @param file        the replayed file
     * @param runs        runs in it
     * @param beforeBytes used heap before the first record (rules compiled, replay created)
     * @param checkpoints used heap after each tenth of the records
     */
    public record MemorySeries(Path file, long runs, long beforeBytes, List<Checkpoint> checkpoints) {
        public MemorySeries {
            checkpoints = List.copyOf(checkpoints);
        }

        public long finalBytes() {
            return checkpoints.isEmpty() ? beforeBytes : checkpoints.get(checkpoints.size() - 1).usedBytes();
        }
    }

    /** Used heap after {@code records} records. */
    public record Checkpoint(long records, long usedBytes) {
    }

    public double recordsPerSecond(Pass p) {
        return records / p.bestSeconds();
    }

    public double megabytesPerSecond(Pass p) {
        return bytes / 1e6 / p.bestSeconds();
    }

    /** Replay's best rate as a share of the readTree ceiling's best rate. */
    public double replayShareOfReadTree() {
        return (double) readTree.bestNanos() / replay.bestNanos();
    }

    /** Replay's best rate as a share of the token-only best rate. */
    public double replayShareOfTokens() {
        return (double) tokens.bestNanos() / replay.bestNanos();
    }

    public boolean targetMet() {
        return replayShareOfReadTree() >= TARGET_SHARE;
    }

    /** The whole report as markdown. */
    public String toMarkdown() {
        StringBuilder md = new StringBuilder();
        md.append("### Replay benchmark: ").append(rules).append(" over ").append(file.getFileName()).append("\n\n");
        md.append("Input: `").append(file).append("`: ").append(n(records)).append(" records, ")
                .append(n(work.runs())).append(" runs, ").append(f1(bytes / 1e6)).append(" MB (")
                .append(n(Math.round((double) bytes / Math.max(1, records)))).append(" bytes per record).\n");
        md.append("Method: each measurement first reads the first ").append(n(warmupRecords))
                .append(" records once (JIT warm-up), then the whole file ").append(replay.nanos().size())
                .append(replay.nanos().size() == 1 ? " time" : " times")
                .append(", passes interleaved (tokens, readTree, decode, replay, tokens, ...)")
                .append(" with a GC before each;")
                .append(" the best pass counts. All of them use the same 64 KiB line reading from the same file.")
                .append(" MB = 10^6 bytes.\n\n");
        md.append("| Measurement | Best pass (s) | Records/s | MB/s | % of readTree | % of tokens | All passes (s) |\n");
        md.append("|---|---:|---:|---:|---:|---:|---|\n");
        row(md, "Jackson `JsonParser.nextToken()` over every token (stricter reference)", tokens);
        row(md, "Jackson `ObjectMapper.readTree` of every line (the ceiling)", readTree);
        row(md, "`TelemetryDecoder` only (diagnostic: replay's decoding, no rules)", decode);
        row(md, "`Replay` with " + rules + " (decode, validate, evaluate, decide)", replay);
        md.append('\n');
        md.append("Target: replay >= ").append(pct(TARGET_SHARE)).append(" of the readTree rate: **")
                .append(targetMet() ? "met" : "not met").append("** (").append(pct(replayShareOfReadTree()))
                .append("; ").append(pct(replayShareOfTokens())).append(" of the token-only rate).")
                .append(" Of the replay's best pass, decoding (best decode-only pass) is ")
                .append(pct((double) decode.bestNanos() / replay.bestNanos()))
                .append(" and validation, rules and decisions the rest.\n\n");
        md.append("Replay work (last timed pass): ").append(n(work.accepted())).append(" records accepted, ")
                .append(n(work.rejected())).append(" rejected; ").append(n(work.alertEvents()))
                .append(" alert transitions, ").append(n(work.firing())).append(" of them to FIRING (")
                .append(work.firingByRule().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .map(e -> e.getKey() + " " + n(e.getValue())).collect(Collectors.joining(", ")))
                .append("); ").append(n(work.recommendations())).append(" recommendation changes; ")
                .append(n(work.ruleErrors())).append(" rule errors; run decisions ")
                .append(decisions(work.runDecisions())).append("; overall decision **").append(work.decision())
                .append("**.\n");
        if (!memory.isEmpty()) {
            md.append('\n').append(memoryMarkdown());
        }
        md.append('\n').append(machineMarkdown());
        return md.toString();
    }

    private String memoryMarkdown() {
        StringBuilder md = new StringBuilder();
        md.append("#### Memory\n\n");
        md.append("Untimed replays; used heap after `System.gc()` before the first record and after each tenth of")
                .append(" the records (\"retained\" = used minus before).\n\n");
        StringBuilder head = new StringBuilder("| Records replayed |");
        StringBuilder rule = new StringBuilder("|---:|");
        for (MemorySeries s : memory) {
            head.append(' ').append(n(s.runs())).append(" runs: used | retained |");
            rule.append("---:|---:|");
        }
        md.append(head).append('\n').append(rule).append('\n');
        md.append("| 0 (before) |");
        for (MemorySeries s : memory) {
            md.append(' ').append(mb(s.beforeBytes())).append(" | - |");
        }
        md.append('\n');
        int rows = memory.stream().mapToInt(s -> s.checkpoints().size()).max().orElse(0);
        for (int i = 0; i < rows; i++) {
            List<String> cells = new ArrayList<>();
            String records = "";
            for (MemorySeries s : memory) {
                if (i < s.checkpoints().size()) {
                    Checkpoint c = s.checkpoints().get(i);
                    records = records.isEmpty() ? n(c.records()) : records;
                    cells.add(mb(c.usedBytes()) + " | " + mb(c.usedBytes() - s.beforeBytes()));
                } else {
                    cells.add(" | ");
                }
            }
            md.append("| ").append(records).append(" | ").append(String.join(" | ", cells)).append(" |\n");
        }
        md.append('\n');
        for (MemorySeries s : memory) {
            if (s.checkpoints().size() >= 2) {
                Checkpoint first = s.checkpoints().get(0);
                Checkpoint last = s.checkpoints().get(s.checkpoints().size() - 1);
                md.append("With ").append(n(s.runs())).append(" runs, from ").append(n(first.records())).append(" to ")
                        .append(n(last.records())).append(" records (x")
                        .append(f1((double) last.records() / Math.max(1, first.records())))
                        .append(") the retained heap changes by ").append(mb(last.usedBytes() - first.usedBytes()))
                        .append(".\n");
            }
        }
        if (memory.size() >= 2) {
            MemorySeries a = memory.get(0);
            MemorySeries b = memory.get(memory.size() - 1);
            long ra = a.finalBytes() - a.beforeBytes();
            long rb = b.finalBytes() - b.beforeBytes();
            md.append("Retained after the last record: ").append(mb(ra)).append(" with ").append(n(a.runs()))
                    .append(" runs, ").append(mb(rb)).append(" with ").append(n(b.runs())).append(" runs (x")
                    .append(f1(ra == 0 ? 0 : (double) rb / ra)).append(" for x")
                    .append(f1((double) b.runs() / a.runs()))
                    .append(" runs, same record count): about ")
                    .append(n(Math.round((double) (rb - ra) / Math.max(1, b.runs() - a.runs()))))
                    .append(" bytes per run.\n");
        }
        return md.toString();
    }

    private String machineMarkdown() {
        StringBuilder md = new StringBuilder("#### Machine\n\n");
        md.append("- CPU: ").append(machine.cpu()).append(", ").append(machine.processors())
                .append(" available processors\n");
        md.append("- Memory: ").append(machine.physicalBytes() < 0 ? "unknown" : gib(machine.physicalBytes()))
                .append(" physical; max heap ").append(gib(machine.maxHeapBytes())).append('\n');
        md.append("- JDK: ").append(machine.java()).append('\n');
        md.append("- OS: ").append(machine.os()).append('\n');
        md.append("- GC: ").append(machine.gc()).append('\n');
        md.append("- System load average (1 min) at start / end: ")
                .append(loadAtStart < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", loadAtStart)).append(" / ")
                .append(loadAtEnd < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", loadAtEnd)).append('\n');
        md.append("- JVM arguments: ").append(machine.jvmArguments().isEmpty() ? "(none)"
                : "`" + String.join(" ", machine.jvmArguments()) + "`").append('\n');
        return md.toString();
    }

    private void row(StringBuilder md, String name, Pass p) {
        md.append("| ").append(name).append(" | ").append(f2(p.bestSeconds())).append(" | ")
                .append(n(Math.round(recordsPerSecond(p)))).append(" | ").append(f1(megabytesPerSecond(p)))
                .append(" | ").append(pct((double) readTree.bestNanos() / p.bestNanos())).append(" | ")
                .append(pct((double) tokens.bestNanos() / p.bestNanos())).append(" | ")
                .append(p.nanos().stream().map(t -> f2(t / 1e9)).collect(Collectors.joining(", "))).append(" |\n");
    }

    private static String decisions(Map<Action, Long> byAction) {
        List<String> parts = new ArrayList<>();
        for (Action a : Action.values()) {
            Long c = byAction.get(a);
            if (c != null && c > 0) {
                parts.add(a + " " + n(c));
            }
        }
        return parts.isEmpty() ? "(none)" : String.join(", ", parts);
    }
}
