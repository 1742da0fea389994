package dev.anneal.watcher.app.cli;

import dev.anneal.watcher.app.bench.BenchmarkReport;
import dev.anneal.watcher.app.bench.DaemonBenchmark;
import dev.anneal.watcher.app.bench.DaemonBenchmarkReport;
import dev.anneal.watcher.app.bench.ReplayBenchmark;
import dev.anneal.watcher.core.generate.PpoStreamGenerator;
import dev.anneal.watcher.core.generate.PpoStreamGenerator.Drift;
import dev.anneal.watcher.core.kafka.EmbeddedKafkaException;
import dev.anneal.watcher.core.stream.WatcherTopology;
import dev.anneal.watcher.rules.load.RuleLoadException;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code watcher bench}: the replay benchmark ({@link ReplayBenchmark}) on a generated PPO stream
 * ({@link PpoStreamGenerator}), printed as markdown ready for {@code docs/performance.md}: the
 * figures, the target verdict, the memory table and the machine. Progress goes to stderr.
 * {@code watcher bench daemon} ({@link Daemon}) is the daemon benchmark on an embedded broker.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        subcommands = {BenchCommand.Daemon.class, BenchRunsCommand.class},
        description = {
            "Benchmark replay against parsing the same file with Jackson alone, in one run: a token-only pass, "
                    + "an ObjectMapper.readTree pass (the ceiling) and a replay with the rule pack, each warmed up "
                    + "on a prefix and timed over the whole file; then untimed memory passes over the file and over "
                    + "one with the same records and 10x the runs.",
            "The input is a generated stream of PPO epoch records (the full v1.2 key set, in envelopes), "
                    + "written to --file first if that file does not exist.",
            "Prints a markdown report on stdout (figures, target verdict, memory, machine); progress on stderr.",
            "Give the JVM enough heap for the passes, e.g. java -Xmx4g -jar watcher.jar bench.",
            "`watcher bench daemon` benchmarks the Kafka Streams daemon instead (see its --help); `watcher bench runs` "
                    + "the daemon's run store (clock advances, expiry)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            ExitCodes.OK + ":the benchmark ran (whether or not the target was met)",
            ExitCodes.USAGE + ":bad usage",
            ExitCodes.IO_ERROR + ":the stream could not be written or read",
            ExitCodes.CONFIG + ":invalid rules"})
public final class BenchCommand implements Callable<Integer> {

    /** Ratio of runs between the memory comparison stream and the main one. */
    static final int MEMORY_RUNS_FACTOR = 10;

    @Spec
    CommandSpec spec;

    @Option(names = "--records", defaultValue = "1000000", paramLabel = "N",
            description = "Records in the generated stream (default: ${DEFAULT-VALUE}).")
    long records;

    @Option(names = "--runs", defaultValue = "1000", paramLabel = "N",
            description = "Runs the records are spread over, round-robin (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--file", paramLabel = "PATH",
            description = "The NDJSON stream to replay; generated if it does not exist (default: "
                    + "target/bench/ppo-<records>-<runs>.jsonl). An existing file is used as it is.")
    Path file;

    @Option(names = "--passes", defaultValue = "3", paramLabel = "K",
            description = "Timed passes over the whole file per measurement; the best counts "
                    + "(default: ${DEFAULT-VALUE}).")
    int passes;

    @Option(names = "--warmup", defaultValue = "100000", paramLabel = "N",
            description = "Records read once per measurement before timing, for the JIT (default: ${DEFAULT-VALUE}).")
    long warmup;

    @Option(names = "--rules", defaultValue = "anneal-gates", paramLabel = "PACK|FILE",
            description = "Built-in pack name or rule file to replay with (default: ${DEFAULT-VALUE}).")
    String rules;

    @Option(names = "--seed", defaultValue = "" + PpoStreamGenerator.DEFAULT_SEED, paramLabel = "N",
            description = "Seed of the generated streams (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-memory", description = "Skip the untimed memory passes.")
    boolean noMemory;

    @Override
    public Integer call() throws IOException, RuleLoadException {
        if (records < 1 || runs < 1 || runs > records) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--records must be >= 1 and --runs between 1 and --records");
        }
        if (passes < 1 || warmup < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--passes must be >= 1 and --warmup >= 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path main = file != null ? file : Path.of("target", "bench", fileName(records, runs));
        boolean generated = file == null || !Files.exists(main);
        ensure(main, records, runs, err);

        List<Path> memoryFiles = new ArrayList<>();
        long manyRuns = (long) runs * MEMORY_RUNS_FACTOR;
        if (!noMemory) {
            memoryFiles.add(main);
            if (manyRuns <= records && manyRuns <= Integer.MAX_VALUE) {
                Path many = main.toAbsolutePath().getParent().resolve(fileName(records, (int) manyRuns));
                ensure(many, records, (int) manyRuns, err);
                memoryFiles.add(many);
            } else {
                err.println("watcher bench: skipping the " + MEMORY_RUNS_FACTOR
                        + "x-runs memory pass: it needs --runs * " + MEMORY_RUNS_FACTOR + " <= --records");
            }
        }

        ReplayBenchmark bench = new ReplayBenchmark(
                new ReplayBenchmark.Options(main, passes, warmup, rules, memoryFiles),
                line -> {
                    err.println("watcher bench: " + line);
                    err.flush();
                });
        BenchmarkReport report = bench.run();

        out.println("Command: `" + commandLine() + "`");
        out.println();
        if (generated) {
            Map<Drift, Integer> drifts = new PpoStreamGenerator(new PpoStreamGenerator.Config(records, runs, seed))
                    .driftCounts();
            out.println("Stream: generated by `PpoStreamGenerator` (seed " + seed + "): " + runs + " runs, of which "
                    + drifts.get(Drift.LOSS_RAMP) + " with a loss ramp, " + drifts.get(Drift.KL_GRAD_SPIKE)
                    + " with a KL+grad spike and " + drifts.get(Drift.FLAG_FLIP) + " with a queue drop that flips "
                    + "the trainer's queue/intensity flags; the rest healthy.");
            out.println();
        }
        out.print(report.toMarkdown());
        out.flush();
        return ExitCodes.OK;
    }

    /** The command that reproduces this run, every option spelled out (JVM options as this JVM got them). */
    private String commandLine() {
        List<String> parts = new ArrayList<>();
        parts.add("java");
        parts.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        parts.addAll(List.of("-jar", "watcher-app/target/watcher.jar", "bench", "--records", String.valueOf(records),
                "--runs", String.valueOf(runs), "--passes", String.valueOf(passes), "--warmup", String.valueOf(warmup),
                "--rules", rules));
        if (file != null) {
            parts.addAll(List.of("--file", file.toString()));
        }
        if (seed != PpoStreamGenerator.DEFAULT_SEED) {
            parts.addAll(List.of("--seed", String.valueOf(seed)));
        }
        if (noMemory) {
            parts.add("--no-memory");
        }
        return String.join(" ", parts);
    }

    private String fileName(long n, int r) {
        String name = PpoStreamGenerator.defaultFileName(n, r);
        return seed == PpoStreamGenerator.DEFAULT_SEED ? name : name.replace(".jsonl", "-s" + seed + ".jsonl");
    }

    /** Generates {@code path} unless it exists. */
    private void ensure(Path path, long n, int r, PrintWriter err) throws IOException {
        if (Files.exists(path)) {
            err.println("watcher bench: using existing " + path);
            err.flush();
            return;
        }
        err.println("watcher bench: generating " + path + " (" + n + " records, " + r + " runs, seed " + seed + ")");
        err.flush();
        long start = System.nanoTime();
        PpoStreamGenerator.Stats stats =
                new PpoStreamGenerator(new PpoStreamGenerator.Config(n, r, seed)).writeTo(path);
        err.println(String.format(Locale.ROOT,
                "watcher bench: wrote %,d records, %,.1f MB, %.0f bytes per record on average, in %.1f s",
                stats.records(), stats.bytes() / 1e6, stats.averageLineBytes(), (System.nanoTime() - start) / 1e9));
        err.flush();
    }

    /**
     * {@code watcher bench daemon}: the daemon benchmark ({@link DaemonBenchmark}) on an embedded
     * broker, printed as markdown ready for {@code docs/performance.md}: throughput of the watcher
     * topology beside a per-key count (the ceiling) over the same records, latency from a record
     * produced to its recommendation readable at a fixed rate, target verdicts and the machine.
     */
    @Command(
            name = "daemon",
            mixinStandardHelpOptions = true,
            description = {
                "Benchmark the daemon on an embedded Kafka broker, in one run: throughput of the watcher topology "
                        + "beside a trivial Kafka Streams application (per-key count, exactly_once_v2) over the same "
                        + "pre-produced records (the ceiling), then latency from a record produced to its "
                        + "recommendation readable by a read_committed consumer at a fixed input rate.",
                "The records are generated PPO epoch records (the replay benchmark's), keyed by run id. Broker "
                        + "data, Streams state and the generated streams live in a temporary directory under --dir "
                        + "that is deleted at the end (about 2.5 GB at its peak with the defaults). Takes about "
                        + "5 minutes with the defaults.",
                "Prints a markdown report on stdout (figures, target verdicts, machine); progress on stderr.",
                "Run it with some heap, e.g. java -Xmx2g -jar watcher.jar bench daemon."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                ExitCodes.OK + ":the benchmark ran (whether or not the targets were met)",
                ExitCodes.USAGE + ":bad usage",
                ExitCodes.UNAVAILABLE + ":the embedded broker did not start",
                ExitCodes.IO_ERROR + ":the streams could not be written or read",
                ExitCodes.CONFIG + ":invalid rules"})
    public static final class Daemon implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--records", defaultValue = "200000", paramLabel = "N",
                description = "Records of the throughput topic (default: ${DEFAULT-VALUE}).")
        long records;

        @Option(names = "--runs", defaultValue = "1000", paramLabel = "N",
                description = "Runs the records are spread over, round-robin; also the runs of the latency "
                        + "stream (default: ${DEFAULT-VALUE}).")
        int runs;

        @Option(names = "--partitions", defaultValue = "4", paramLabel = "N",
                description = "Partitions of every input topic (default: ${DEFAULT-VALUE}).")
        int partitions;

        @Option(names = "--passes", defaultValue = "3", paramLabel = "K",
                description = "Timed throughput passes per application, interleaved; the best counts "
                        + "(default: ${DEFAULT-VALUE}).")
        int passes;

        @Option(names = "--warmup", defaultValue = "100000", paramLabel = "N",
                description = "Records of a separate topic both applications run over once, untimed, before the "
                        + "passes (JIT warm-up; 0 for none; default: ${DEFAULT-VALUE}).")
        long warmup;

        @Option(names = "--rules", defaultValue = "anneal-gates", paramLabel = "PACK|FILE",
                description = "Built-in pack name or rule file of the watcher topology (default: ${DEFAULT-VALUE}).")
        String rules;

        @Option(names = "--seed", defaultValue = "" + PpoStreamGenerator.DEFAULT_SEED, paramLabel = "N",
                description = "Seed of the generated streams (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--commit-interval-ms", defaultValue = "100", paramLabel = "MS",
                description = "commit.interval.ms of every Streams application (default: ${DEFAULT-VALUE}).")
        long commitIntervalMs;

        @Option(names = "--stream-threads", defaultValue = "1", paramLabel = "N",
                description = "num.stream.threads of every Streams application (default: ${DEFAULT-VALUE}).")
        int streamThreads;

        @Option(names = "--run-state-cache", defaultValue = "" + WatcherTopology.DEFAULT_RUN_STATE_CACHE,
                paramLabel = "N", description = "Decoded run states the watcher keeps in memory per task; 0 "
                        + "decodes the stored state at every record (default: ${DEFAULT-VALUE}).")
        int runStateCache;

        @Option(names = "--rate", defaultValue = "2000", paramLabel = "R",
                description = "Records per second of the latency producer (default: ${DEFAULT-VALUE}).")
        double rate;

        @Option(names = "--duration", defaultValue = "60", paramLabel = "S",
                description = "Seconds of the measured latency window (default: ${DEFAULT-VALUE}).")
        int duration;

        @Option(names = "--latency-warmup", defaultValue = "10", paramLabel = "S",
                description = "Seconds produced at the same rate before the latency window (default: "
                        + "${DEFAULT-VALUE}).")
        int latencyWarmup;

        @Option(names = "--dir", defaultValue = "target/bench", paramLabel = "DIR",
                description = "Where to make the temporary directory, deleted at the end (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = "--no-throughput", description = "Skip the throughput passes.")
        boolean noThroughput;

        @Option(names = "--no-latency", description = "Skip the latency measurement.")
        boolean noLatency;

        @Option(names = "--no-latency-floor",
                description = "Skip the ceiling's run under the same paced input (the latency floor).")
        boolean noLatencyFloor;

        @Override
        public Integer call() throws IOException, RuleLoadException, InterruptedException, CommandFailure {
            DaemonBenchmark.Options options;
            try {
                options = new DaemonBenchmark.Options(records, runs, partitions, passes, warmup, rules, seed,
                        commitIntervalMs, streamThreads, runStateCache, !noThroughput, rate, duration, latencyWarmup, runs,
                        !noLatency, !noLatencyFloor, dir);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            DaemonBenchmarkReport report;
            try {
                report = new DaemonBenchmark(options, line -> {
                    err.println("watcher bench daemon: " + line);
                    err.flush();
                }).run();
            } catch (EmbeddedKafkaException e) {
                throw new CommandFailure(ExitCodes.UNAVAILABLE, "the embedded broker failed: " + e.getMessage());
            } catch (ExecutionException | TimeoutException e) {
                throw new CommandFailure(ExitCodes.UNAVAILABLE, "the benchmark could not complete: " + e);
            }
            out.println("Command: `" + commandLine() + "`");
            out.println();
            out.print(report.toMarkdown());
            out.flush();
            return ExitCodes.OK;
        }

        /** The command that reproduces this run, every option spelled out (JVM options as this JVM got them). */
        private String commandLine() {
            List<String> parts = new ArrayList<>();
            parts.add("java");
            parts.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            parts.addAll(List.of("-jar", "watcher-app/target/watcher.jar", "bench", "daemon",
                    "--records", String.valueOf(records), "--runs", String.valueOf(runs),
                    "--partitions", String.valueOf(partitions), "--passes", String.valueOf(passes),
                    "--warmup", String.valueOf(warmup), "--rules", rules,
                    "--commit-interval-ms", String.valueOf(commitIntervalMs),
                    "--stream-threads", String.valueOf(streamThreads),
                    "--run-state-cache", String.valueOf(runStateCache),
                    "--rate", String.format(Locale.ROOT, "%.0f", rate), "--duration", String.valueOf(duration),
                    "--latency-warmup", String.valueOf(latencyWarmup)));
            if (seed != PpoStreamGenerator.DEFAULT_SEED) {
                parts.addAll(List.of("--seed", String.valueOf(seed)));
            }
            if (!dir.equals(Path.of("target", "bench"))) {
                parts.addAll(List.of("--dir", dir.toString()));
            }
            if (noThroughput) {
                parts.add("--no-throughput");
            }
            if (noLatency) {
                parts.add("--no-latency");
            }
            if (noLatencyFloor) {
                parts.add("--no-latency-floor");
            }
            return String.join(" ", parts);
        }
    }
}
