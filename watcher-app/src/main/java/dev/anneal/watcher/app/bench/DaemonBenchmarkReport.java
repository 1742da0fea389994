package dev.anneal.watcher.app.bench;

import static dev.anneal.watcher.app.bench.ReportFormat.f1;
import static dev.anneal.watcher.app.bench.ReportFormat.f2;
import static dev.anneal.watcher.app.bench.ReportFormat.gib;
import static dev.anneal.watcher.app.bench.ReportFormat.n;
import static dev.anneal.watcher.app.bench.ReportFormat.pct;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The figures of one {@link DaemonBenchmark} run, printable as markdown for
 * {@code docs/performance.md}.
 *
 * @param setup      what was run, as configured
 * @param ceiling    the timed passes of the ceiling (per-key count), in order; empty when skipped
 * @param parsing    the timed passes of the diagnostic ceiling that also parses every value, in order
 * @param watcher    the timed passes of the watcher topology, in order; empty when skipped
 * @param ceilingOut count updates the last ceiling pass published
 * @param work       what the last watcher pass published; null when skipped
 * @param expected   what replay publishes over the same records (the daemon must publish the same); null when skipped
 * @param latency    the latency measurement; null when skipped
 * @param machine    where it ran
 * @param loads      the 1-minute system load average at moments of the run, in order
 */
public record DaemonBenchmarkReport(Setup setup, List<ThroughputRun> ceiling, List<ThroughputRun> parsing,
        List<ThroughputRun> watcher,
        long ceilingOut, Work work, Work expected, Latency latency, MachineInfo machine, List<Load> loads) {

    /** The throughput target: the daemon at least this share of the ceiling's rate. */
    public static final double THROUGHPUT_TARGET = 0.70;
    /** The latency target: p99 at most this many milliseconds ... */
    public static final long P99_TARGET_MILLIS = 150;
    /** ... at this input rate ... */
    public static final double TARGET_RATE = 2_000;
    /** ... with this commit interval. */
    public static final long TARGET_COMMIT_INTERVAL_MS = 100;

    public DaemonBenchmarkReport {
        Objects.requireNonNull(setup, "setup");
        ceiling = List.copyOf(ceiling);
        parsing = List.copyOf(parsing);
        watcher = List.copyOf(watcher);
        loads = List.copyOf(loads);
    }

    /**
     * The 1-minute system load average at one moment: other work on the machine skews every figure.
     *
     * @param moment when it was read ("start", "end", ...)
     * @param value  the load average, negative if the platform does not say
     */
    public record Load(String moment, double value) {
    }

    /**
     * The configuration of the run.
     *
     * @param rules            the rule pack (or file) of the watcher topology
     * @param partitions       partitions of each input topic
     * @param streamThreads    {@code num.stream.threads} of every Streams application
     * @param commitIntervalMs {@code commit.interval.ms} of every Streams application
     * @param records          records in the throughput topic
     * @param runs             runs they are spread over
     * @param recordBytes      bytes of the throughput topic's record values
     * @param seed             the generator's seed
     * @param warmupRecords    records of the untimed warm-up topic (0 for none)
     * @param passes           timed passes per application
     * @param produceNanos     how long producing the throughput topic took
     */
    public record Setup(String rules, int partitions, int streamThreads, long commitIntervalMs, long records,
            int runs, long recordBytes, long seed, long warmupRecords, int passes, long produceNanos) {
    }

    /**
     * One timed pass of one Streams application over the throughput topic.
     *
     * @param application   which application
     * @param pass          1-based pass number
     * @param records       records in the topic
     * @param startupNanos  from {@code KafkaStreams.start()} to the state RUNNING
     * @param runNanos      from RUNNING to the first observation of the application's committed
     *                      offsets at the end of every input partition
     * @param steadyRecords records committed between the first observation at or past 10 % and the end
     * @param steadyNanos   the time between those two observations
     * @param cpuNanos      CPU time of the whole process (broker, Streams, clients) over startup and run
     * @param changelogBytes bytes the application wrote to its state changelog topics over the pass
     */
    public record ThroughputRun(String application, int pass, long records, long startupNanos, long runNanos,
            long steadyRecords, long steadyNanos, long cpuNanos, long changelogBytes) {

        public double recordsPerSecond() {
            return records / (runNanos / 1e9);
        }

        public double steadyRecordsPerSecond() {
            return steadyNanos <= 0 ? Double.NaN : steadyRecords / (steadyNanos / 1e9);
        }

        /** Average busy cores of the process over startup and run. */
        public double cpuCores() {
            return (double) cpuNanos / (startupNanos + runNanos);
        }
    }

    /**
     * What a watcher (or replay) published over the throughput records.
     *
     * @param records         input records
     * @param alerts          alert transitions published (firing and resolved)
     * @param firingByRule    firing transitions per rule
     * @param recommendations recommendation changes published
     * @param deadLetters     records sent to the dead-letter topic
     */
    public record Work(long records, long alerts, Map<String, Long> firingByRule, long recommendations,
            long deadLetters) {
        public Work {
            firingByRule = Map.copyOf(firingByRule);
        }

        public long firing() {
            return firingByRule.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Same counts, ignoring the record count (replay rejects nothing here, so dead letters must be 0 too). */
        public boolean sameOutputs(Work other) {
            return alerts == other.alerts && recommendations == other.recommendations
                    && firingByRule.equals(other.firingByRule) && deadLetters == other.deadLetters;
        }
    }

    /**
     * The latency measurement: produced -> readable by a read_committed consumer.
     *
     * @param rate                 the paced producer's target rate, records/s
     * @param warmupSeconds        seconds produced before the measured window (not measured)
     * @param seconds              seconds of the measured window
     * @param runs                 runs of the latency stream (healthy runs only)
     * @param sent                 records sent in the measured window
     * @param achievedRate         records sent in the window per second of the window
     * @param maxSendLagMicros     how far the producer fell behind its schedule at worst
     * @param recommendations      sorted latencies (ms) of the recommendations of the window's records
     * @param alerts               sorted latencies (ms) of the alert transitions of the window's records
     * @param missing              window records whose recommendation was not read within the drain time
     * @param cpuNanos             CPU time of the whole process over the window
     * @param windowNanos          the window's wall time (first to last measured send)
     * @param meanForwardMillis    the daemon's own mean "input timestamp -> recommendation forwarded"
     *                             ({@code watcher_event_to_output_seconds}) over the window
     * @param firstTenthP50        median recommendation latency of the records sent in the window's first tenth
     * @param lastTenthP50         the same for its last tenth: much higher means the daemon fell behind the rate
     * @param threadMetrics        Kafka Streams stream-thread metrics at the end of the window (name -> value)
     * @param floor                sorted latencies (ms) of the ceiling's count updates under the same paced
     *                             input (empty when not measured): the floor of Streams' exactly-once commit cycle
     * @param floorThreadMetrics   the ceiling's stream-thread metrics at the end of its window
     */
    public record Latency(double rate, int warmupSeconds, int seconds, int runs, long sent, double achievedRate,
            long maxSendLagMicros, long[] recommendations, long[] alerts, long missing, long cpuNanos,
            long windowNanos, double meanForwardMillis, long firstTenthP50, long lastTenthP50,
            Map<String, Double> threadMetrics, long[] floor, Map<String, Double> floorThreadMetrics) {

        public Latency {
            recommendations = sorted(recommendations);
            alerts = sorted(alerts);
            threadMetrics = Map.copyOf(threadMetrics);
            floor = sorted(floor);
            floorThreadMetrics = Map.copyOf(floorThreadMetrics);
        }

        public double cpuCores() {
            return windowNanos <= 0 ? Double.NaN : (double) cpuNanos / windowNanos;
        }

        /**
         * Whether the daemon kept up with the rate: the median latencies of the window's first and
         * last tenths are both under a second, and the last is within 100 ms or 2x of the first. A
         * backlog makes latency grow through the window, or shrink from seconds while it drains.
         */
        public boolean keptUp() {
            return firstTenthP50 >= 0 && firstTenthP50 <= 1_000 && lastTenthP50 <= 1_000
                    && lastTenthP50 <= Math.max(firstTenthP50 + 100, 2 * firstTenthP50);
        }

        /** p99 of the recommendations, or -1 when there is none. */
        public long p99() {
            return percentile(recommendations, 0.99);
        }
    }

    /**
     * The nearest-rank percentile of sorted values: the smallest value with at least {@code q} of
     * the values at or below it; -1 when there are none.
     */
    public static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return -1;
        }
        if (q <= 0) {
            return sorted[0];
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }

    private static long[] sorted(long[] values) {
        long[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }

    /** The best (fastest) pass. */
    public static ThroughputRun best(List<ThroughputRun> runs) {
        return runs.stream().max(Comparator.comparingDouble(ThroughputRun::recordsPerSecond)).orElseThrow();
    }

    /** The watcher's best rate as a share of the ceiling's best rate (NaN when either was skipped). */
    public double throughputShare() {
        if (ceiling.isEmpty() || watcher.isEmpty()) {
            return Double.NaN;
        }
        return best(watcher).recordsPerSecond() / best(ceiling).recordsPerSecond();
    }

    /** The same share on the steady-state rates. */
    public double steadyShare() {
        if (ceiling.isEmpty() || watcher.isEmpty()) {
            return Double.NaN;
        }
        double w = watcher.stream().mapToDouble(ThroughputRun::steadyRecordsPerSecond).max().orElse(Double.NaN);
        double c = ceiling.stream().mapToDouble(ThroughputRun::steadyRecordsPerSecond).max().orElse(Double.NaN);
        return w / c;
    }

    public boolean throughputTargetMet() {
        return throughputShare() >= THROUGHPUT_TARGET;
    }

    /** Whether the latency run had the target's conditions: the rate (within 2 %) and commit interval. */
    public boolean latencyAtTargetConditions() {
        return latency != null && setup.commitIntervalMs() == TARGET_COMMIT_INTERVAL_MS
                && latency.rate() == TARGET_RATE && latency.achievedRate() >= 0.98 * TARGET_RATE;
    }

    public boolean latencyTargetMet() {
        return latency != null && latency.missing() == 0 && latency.recommendations().length > 0
                && latency.p99() <= P99_TARGET_MILLIS;
    }

    // ------------------------------------------------------------------------------------- markdown

    /** The whole report as markdown. */
    public String toMarkdown() {
        StringBuilder md = new StringBuilder();
        md.append("### Daemon benchmark: ").append(setup.rules()).append(" on an embedded broker\n\n");
        md.append("Setup: one embedded KRaft broker (`EmbeddedKafkaBroker`, in this JVM, data in a temporary")
                .append(" directory). Every Streams application: `processing.guarantee=exactly_once_v2`, ")
                .append("`commit.interval.ms=").append(setup.commitIntervalMs()).append("`, ")
                .append(setup.streamThreads()).append(setup.streamThreads() == 1 ? " stream thread" : " stream threads")
                .append(", byte[] serdes, one persistent (RocksDB) changelogged and cached store, the daemon's ")
                .append("`StreamsConfigs.defaults`, a fresh `application.id` per pass.")
                .append(" Input topics have ").append(setup.partitions()).append(" partitions; records are")
                .append(" `PpoStreamGenerator` envelopes (seed ").append(setup.seed()).append("), keyed by run id,")
                .append(" with `ts` restamped to the produce time.\n\n");
        if (!ceiling.isEmpty() || !watcher.isEmpty()) {
            throughputMarkdown(md);
        }
        if (latency != null) {
            latencyMarkdown(md);
        }
        machineMarkdown(md);
        return md.toString();
    }

    private void throughputMarkdown(StringBuilder md) {
        md.append("#### Throughput\n\n");
        md.append("Input: ").append(n(setup.records())).append(" records over ").append(n(setup.runs()))
                .append(" runs, ").append(f1(setup.recordBytes() / 1e6)).append(" MB (")
                .append(n(Math.round((double) setup.recordBytes() / Math.max(1, setup.records()))))
                .append(" bytes per record), produced once before the passes (")
                .append(f1(setup.produceNanos() / 1e9)).append(" s) and read by every pass from the earliest offset.\n");
        md.append("Method: ");
        if (setup.warmupRecords() > 0) {
            md.append("both applications first ran untimed over a separate topic of ").append(n(setup.warmupRecords()))
                    .append(" records (JIT warm-up); then ");
        }
        md.append(setup.passes()).append(setup.passes() == 1 ? " timed pass" : " timed passes")
                .append(" each, interleaved (ceiling, diagnostic, watcher, ceiling, ...). A pass is timed from the state RUNNING")
                .append(" to the first time (polled every " + ThroughputPasses.POLL_MILLIS + " ms) the application's committed offsets reach the end")
                .append(" of every input partition; \"steady\" counts from the first poll at or past 10 % of the")
                .append(" records. The best pass counts. CPU is the whole process's (broker included), in busy")
                .append(" cores out of ").append(machine.processors()).append(". Changelog bytes: what the pass wrote")
                .append(" to its state store's changelog topic (read from the broker's log dirs after the pass).\n\n");
        md.append("| Application | Pass | Start to RUNNING (s) | RUNNING to end committed (s) | Records/s")
                .append(" | Steady records/s | Process CPU (cores) | Changelog bytes per record |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        List<ThroughputRun> all = new ArrayList<>();
        int passes = Math.max(ceiling.size(), Math.max(parsing.size(), watcher.size()));
        for (int i = 0; i < passes; i++) {
            for (List<ThroughputRun> app : List.of(ceiling, parsing, watcher)) {
                if (i < app.size()) {
                    all.add(app.get(i));
                }
            }
        }
        for (ThroughputRun r : all) {
            md.append("| ").append(r.application()).append(" | ").append(r.pass()).append(" | ")
                    .append(f2(r.startupNanos() / 1e9)).append(" | ").append(f2(r.runNanos() / 1e9)).append(" | ")
                    .append(n(Math.round(r.recordsPerSecond()))).append(" | ")
                    .append(Double.isNaN(r.steadyRecordsPerSecond()) ? "-" : n(Math.round(r.steadyRecordsPerSecond())))
                    .append(" | ").append(f2(r.cpuCores())).append(" | ")
                    .append(n(Math.round((double) r.changelogBytes() / Math.max(1, r.records())))).append(" |\n");
        }
        md.append('\n');
        if (!ceiling.isEmpty() && !watcher.isEmpty()) {
            ThroughputRun w = best(watcher);
            ThroughputRun c = best(ceiling);
            md.append("Target: watcher >= ").append(pct(THROUGHPUT_TARGET)).append(" of the ceiling's rate: **")
                    .append(throughputTargetMet() ? "met" : "not met").append("** (best passes: ")
                    .append(n(Math.round(w.recordsPerSecond()))).append(" vs ").append(n(Math.round(c.recordsPerSecond())))
                    .append(" records/s = ").append(pct(throughputShare())).append("; steady rates: ")
                    .append(pct(steadyShare())).append(").");
            if (!parsing.isEmpty()) {
                ThroughputRun p = best(parsing);
                md.append(" The diagnostic that only adds a Jackson `readTree` of each value to the ceiling runs at ")
                        .append(n(Math.round(p.recordsPerSecond()))).append(" records/s (")
                        .append(pct(p.recordsPerSecond() / c.recordsPerSecond()))
                        .append(" of the ceiling); the watcher reaches ")
                        .append(pct(w.recordsPerSecond() / p.recordsPerSecond())).append(" of it.");
            }
            md.append("\n\n");
        }
        if (work != null) {
            md.append("Watcher work (last pass, read back from its output topics): ").append(n(work.records()))
                    .append(" records in; ").append(n(work.alerts())).append(" alert transitions published, ")
                    .append(n(work.firing())).append(" of them firing (").append(byRule(work.firingByRule()))
                    .append("); ").append(n(work.recommendations())).append(" recommendation changes; ")
                    .append(n(work.deadLetters())).append(" dead letters.");
            if (expected != null) {
                md.append(" Replay of the same records publishes ").append(n(expected.alerts()))
                        .append(" alert transitions and ").append(n(expected.recommendations()))
                        .append(" recommendation changes: **")
                        .append(work.sameOutputs(expected) ? "the same counts" : "different counts").append("**.");
            }
            md.append(" Ceiling (last pass): ").append(n(ceilingOut)).append(" count updates published")
                    .append(" (the KTable cache forwards each key's latest count once per commit).\n\n");
        }
    }

    private void latencyMarkdown(StringBuilder md) {
        Latency l = latency;
        md.append("#### Latency\n\n");
        md.append("Method: the watcher topology alone, fresh `application.id`, its own input topic. A paced producer")
                .append(" (acks=all, linger.ms 5) sends ").append(n(Math.round(l.rate()))).append(" records/s for ")
                .append(l.warmupSeconds()).append(" s (warm-up, not measured) and then ").append(l.seconds())
                .append(" s (measured), over ").append(n(l.runs())).append(" healthy runs round-robin; each record's")
                .append(" Kafka timestamp and envelope `ts` are its send time. Each run's records alternate between")
                .append(" `kl_divergence` ").append(DaemonInput.BREACH_KL).append(" (above `kl_gate`, HOLD) and its")
                .append(" healthy value (PASS), so every record changes its run's recommendation and yields exactly")
                .append(" one recommendation and one alert transition, which carry the input record's timestamp.")
                .append(" A read_committed consumer in the same JVM polls the recommendations and alerts topics;")
                .append(" latency = the wall clock when a record is returned by poll minus that timestamp (ms).\n\n");
        md.append("| Output | Samples | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | mean (ms) |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        latencyRow(md, "recommendation (the target)", l.recommendations());
        latencyRow(md, "alert transition", l.alerts());
        if (l.floor().length > 0) {
            latencyRow(md, "ceiling's count update, same input (diagnostic: the floor)", l.floor());
        }
        md.append('\n');
        md.append("Target: p99 <= ").append(P99_TARGET_MILLIS).append(" ms at ").append(n(Math.round(TARGET_RATE)))
                .append(" records/s with commit interval ").append(TARGET_COMMIT_INTERVAL_MS).append(" ms: **")
                .append(latencyTargetMet() ? "met" : "not met").append("** (p99 ").append(l.p99()).append(" ms at ")
                .append(n(Math.round(l.achievedRate()))).append(" records/s achieved, commit interval ")
                .append(setup.commitIntervalMs()).append(" ms")
                .append(latencyAtTargetConditions() ? "" : "; not the target's conditions").append(").\n\n");
        md.append("Window: ").append(n(l.sent())).append(" records sent at ").append(f1(l.achievedRate()))
                .append(" records/s; median latency ").append(l.firstTenthP50()).append(" ms over its first tenth and ")
                .append(l.lastTenthP50()).append(" ms over its last: ")
                .append(l.keptUp() ? "the daemon kept up with the rate"
                        : "**the daemon fell behind the rate** (a growing backlog, so the percentiles measure the"
                                + " backlog, not the commit interval)")
                .append("; the producer fell behind its schedule by at most ")
                .append(f1(l.maxSendLagMicros() / 1000.0)).append(" ms; ").append(n(l.missing()))
                .append(" recommendations missing after the drain; process CPU ").append(f2(l.cpuCores()))
                .append(" busy cores. The daemon's own input timestamp -> recommendation forwarded")
                .append(" (`watcher_event_to_output_seconds`) averaged ").append(f1(l.meanForwardMillis()))
                .append(" ms: the rest of the latency is waiting for the transaction commit and the consumer's fetch.");
        if (!l.threadMetrics().isEmpty()) {
            md.append(" Watcher's stream thread (Kafka Streams metrics at the end of the window): ")
                    .append(metrics(l.threadMetrics())).append('.');
        }
        if (l.floor().length > 0) {
            md.append(" The floor: the ceiling (per-key count, the same configuration) fed the same paced records")
                    .append(" right after, latency of its count updates (each carries the timestamp of the latest")
                    .append(" record of its key; the store's cache forwards them at the commit)");
            if (!l.floorThreadMetrics().isEmpty()) {
                md.append("; its stream thread: ").append(metrics(l.floorThreadMetrics()));
            }
            md.append('.');
        }
        md.append("\n\n");
    }

    private static void latencyRow(StringBuilder md, String name, long[] sorted) {
        double mean = Arrays.stream(sorted).average().orElse(Double.NaN);
        md.append("| ").append(name).append(" | ").append(n(sorted.length)).append(" | ")
                .append(percentile(sorted, 0.50)).append(" | ").append(percentile(sorted, 0.90)).append(" | ")
                .append(percentile(sorted, 0.99)).append(" | ").append(sorted.length == 0 ? -1 : sorted[sorted.length - 1])
                .append(" | ").append(f1(mean)).append(" |\n");
    }

    private void machineMarkdown(StringBuilder md) {
        md.append("#### Machine\n\n");
        md.append("- CPU: ").append(machine.cpu()).append(", ").append(machine.processors())
                .append(" available processors\n");
        md.append("- Memory: ").append(machine.physicalBytes() < 0 ? "unknown" : gib(machine.physicalBytes()))
                .append(" physical; max heap ").append(gib(machine.maxHeapBytes())).append('\n');
        md.append("- JDK: ").append(machine.java()).append('\n');
        md.append("- OS: ").append(machine.os()).append('\n');
        md.append("- GC: ").append(machine.gc()).append('\n');
        md.append("- System load average (1 min): ").append(loads.isEmpty() ? "unknown"
                : loads.stream().map(l -> l.moment() + " " + (l.value() < 0 ? "unknown" : f2(l.value())))
                        .collect(Collectors.joining(", "))).append('\n');
        md.append("- JVM arguments: ").append(machine.jvmArguments().isEmpty() ? "(none)"
                : "`" + String.join(" ", machine.jvmArguments()) + "`").append('\n');
    }

    private static String metrics(Map<String, Double> metrics) {
        return metrics.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> "`" + e.getKey() + "` " + f1(e.getValue())).collect(Collectors.joining(", "));
    }

    private static String byRule(Map<String, Long> byRule) {
        return byRule.isEmpty() ? "none" : byRule.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " " + n(e.getValue())).collect(Collectors.joining(", "));
    }
}
