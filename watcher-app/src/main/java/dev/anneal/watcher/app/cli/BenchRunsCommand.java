package dev.anneal.watcher.app.cli;

import dev.anneal.watcher.app.bench.MachineInfo;
import dev.anneal.watcher.app.bench.RunStoreBenchmark;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.load.RuleLoadException;
import dev.anneal.watcher.rules.load.RuleSets;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code watcher bench runs}: the run-store benchmark ({@link RunStoreBenchmark}): the cost of
 * the daemon's clock advance (absence check, idle end, expiry) with a store of {@code --active}
 * runs and with one of {@code --runs} runs of which {@code --active} are active, and the store
 * left after {@code --runs} runs ended and expired; printed as markdown for docs/performance.md.
 */
@Command(
        name = "runs",
        mixinStandardHelpOptions = true,
        description = {
            "Benchmark the daemon's run store without Kafka: the cost of a clock advance (the absence check, "
                    + "which also ends idle runs and expires ended ones) when a stream task holds --active runs, and "
                    + "when it holds --runs runs of which --active are active; then the store left once --runs runs "
                    + "ended and expired. Prints a markdown report on stdout; progress on stderr.",
            "Run it with some heap, e.g. java -Xmx2g -jar watcher.jar bench runs."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            ExitCodes.OK + ":the benchmark ran",
            ExitCodes.USAGE + ":bad usage"})
public final class BenchRunsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--runs", defaultValue = "100000", paramLabel = "N",
            description = "Stored runs of the large store, and runs that end and expire (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--active", defaultValue = "1000", paramLabel = "N",
            description = "Active runs in either store (default: ${DEFAULT-VALUE}).")
    int active;

    @Option(names = "--repetitions", defaultValue = "2000", paramLabel = "N",
            description = "Timed clock advances with nothing due per store (default: ${DEFAULT-VALUE}).")
    int repetitions;

    @Override
    public Integer call() throws RuleLoadException {
        if (runs < 1 || active < 1 || active > runs || repetitions < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "need 1 <= --active <= --runs and --repetitions >= 1");
        }
        PrintWriter err = spec.commandLine().getErr();
        RunStoreBenchmark bench = new RunStoreBenchmark(RuleSets.compile(List.of(BuiltinPacks.DEFAULT), Map.of()),
                line -> {
                    err.println("watcher bench runs: " + line);
                    err.flush();
                });
        // Warm-up, untimed: the JIT compiles the pipeline before the first measured store.
        bench.measure(active, active, repetitions);
        List<RunStoreBenchmark.Case> cases = List.of(bench.measure(active, active, repetitions),
                bench.measure(runs, active, repetitions));
        RunStoreBenchmark.Expiry expiry = bench.expire(runs);
        PrintWriter out = spec.commandLine().getOut();
        out.println("Command: `" + commandLine() + "`");
        out.println();
        out.print(RunStoreBenchmark.toMarkdown(cases, expiry));
        MachineInfo m = MachineInfo.current();
        out.printf(Locale.ROOT, "%nMachine: %s, %d available processors, max heap %.1f GiB, JDK %s, system load "
                + "average (1 min) at the end %.2f.%n", m.cpu(), m.processors(), m.maxHeapBytes() / (double) (1L << 30),
                m.java(), MachineInfo.loadAverage());
        out.flush();
        return ExitCodes.OK;
    }

    private String commandLine() {
        List<String> parts = new ArrayList<>();
        parts.add("java");
        parts.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        parts.addAll(List.of("-jar", "watcher-app/target/watcher.jar", "bench", "runs", "--runs", String.valueOf(runs),
                "--active", String.valueOf(active), "--repetitions", String.valueOf(repetitions)));
        return String.join(" ", parts);
    }
}
