package dev.anneal.watcher.app.cli;

import dev.anneal.watcher.core.decode.DecodeOptions;
import dev.anneal.watcher.core.decode.InputFormat;
import dev.anneal.watcher.core.decode.Rejection;
import dev.anneal.watcher.core.output.CommandFormatException;
import dev.anneal.watcher.core.output.FiredAlerts;
import dev.anneal.watcher.core.output.JsonLinesWriter;
import dev.anneal.watcher.core.output.SummaryJson;
import dev.anneal.watcher.core.output.TextReport;
import dev.anneal.watcher.core.replay.CommandSchedule;
import dev.anneal.watcher.core.replay.Replay;
import dev.anneal.watcher.core.replay.ReplayListener;
import dev.anneal.watcher.core.replay.ReplayOptions;
import dev.anneal.watcher.core.replay.ReplayResult;
import dev.anneal.watcher.core.replay.StrictRejectionException;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.engine.RunLifecycle;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.load.RuleLoadException;
import dev.anneal.watcher.rules.load.RuleSets;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.Recommendation;
import dev.anneal.watcher.rules.yaml.Durations;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code watcher replay}: runs recorded telemetry through the rules and reports what the watcher
 * would have recommended. Reading this method top to bottom is the whole command: compile the
 * rules, check the inputs, replay each input (streaming alerts to {@code --alerts} as they
 * happen), then write the summary and the report. Inputs are streamed, never loaded whole.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Replay recorded telemetry (NDJSON logs, JSON documents, tick_health lines) through the rules "
                    + "and report each run's decision: PROMOTE, PASS, HOLD, FREEZE or ROLLBACK.",
            "A run's decision is the highest alert action it reached anywhere in its records, else its "
                    + "final PASS or PROMOTE; the overall decision is the highest over all runs.",
            "stdout gets the report (or, with --json, the summary JSON); errors go to stderr."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            ExitCodes.OK + ":replayed (with --exit-on-failure: decision PASS or PROMOTE)",
            ExitCodes.HOLD + ":--exit-on-failure and the decision is HOLD",
            ExitCodes.FREEZE + ":--exit-on-failure and the decision is FREEZE",
            ExitCodes.ROLLBACK + ":--exit-on-failure and the decision is ROLLBACK",
            ExitCodes.USAGE + ":bad usage (unknown option, bad --format, no INPUT)",
            ExitCodes.DATA_ERROR + ":--strict and a record was rejected (position and reason on stderr), or a bad "
                    + "--commands line",
            ExitCodes.NO_INPUT + ":an INPUT file (or the --commands file) does not exist or cannot be read",
            ExitCodes.IO_ERROR + ":reading an input or writing an output failed",
            ExitCodes.CONFIG + ":invalid rule file, unknown pack or bad --param"})
public final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--rules", paramLabel = "NAME|FILE",
            description = "Rule pack to apply: a built-in pack name (see 'watcher rules list') or a YAML rule "
                    + "file. Repeat to apply several packs together. Default: " + BuiltinPacks.DEFAULT + ".")
    List<String> rules = new ArrayList<>();

    @Option(names = "--param", paramLabel = "NAME=VALUE",
            description = "Set a pack parameter (a number, or 'none' to disable the rules that use it). "
                    + "Repeatable.")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--run-id", paramLabel = "ID",
            description = "Run id for records whose envelope has no run_id. Default: the input's file name "
                    + "(with parent directories prefixed when two inputs share a name), 'stdin' for -.")
    String runId;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "auto", converter = InputFormatConverter.class,
            completionCandidates = FormatNames.class,
            description = "Input framing: ${COMPLETION-CANDIDATES}. 'auto' decides per input from its "
                    + "first line. Default: ${DEFAULT-VALUE}.")
    InputFormat format;

    @Option(names = "--alerts", paramLabel = "OUT.jsonl",
            description = "Write every alert transition, one JSON object per line, as the replay runs.")
    Path alertsFile;

    @Option(names = "--summary", paramLabel = "OUT.json",
            description = "Write the replay summary as JSON (byte-identical for the same input and rules).")
    Path summaryFile;

    @Option(names = "--json", description = "Print the summary JSON on stdout instead of the text report.")
    boolean json;

    @Option(names = "--exit-on-failure",
            description = "Exit with the decision's code: 0 PASS/PROMOTE, 1 HOLD, 2 FREEZE, 3 ROLLBACK. "
                    + "Without it a completed replay exits 0.")
    boolean exitOnFailure;

    @Option(names = "--strict", description = "Stop at the first rejected record (exit 65) instead of "
            + "counting and reporting it.")
    boolean strict;

    @Option(names = "--commands", paramLabel = "FILE",
            description = "Apply recorded operator commands where the daemon applied them: NDJSON of commands with "
                    + "\"after_records\": N (apply after the run's N-th accepted record), or audit records as "
                    + "'watcher tail audit --json' prints them. Their outcomes go into the summary and the report.")
    Path commandsFile;

    @Option(names = "--end-after-idle", paramLabel = "DURATION", defaultValue = "6h",
            description = "End a run after this long without a record, on event time, as the daemon's "
                    + "runs.end_after_idle does (0: never). Default: ${DEFAULT-VALUE}.")
    String endAfterIdle;

    @Parameters(arity = "1..*", paramLabel = "INPUT",
            description = "Telemetry files to replay, in order; '-' reads standard input.")
    List<String> inputs;

    private final InputStream stdin;

    ReplayCommand(InputStream stdin) {
        this.stdin = stdin;
    }

    @Override
    public Integer call() throws RuleLoadException, CommandFailure, IOException, StrictRejectionException {
        if (runId != null && runId.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--run-id must not be blank");
        }
        if (inputs.stream().filter(RunIds.STDIN_ARG::equals).count() > 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "'-' (standard input) can be given only once");
        }
        Duration idle = endAfterIdle.equals("0") ? Duration.ZERO : Durations.parse(endAfterIdle).orElseThrow(
                () -> new CommandLine.ParameterException(spec.commandLine(), "--end-after-idle: expected a duration "
                        + "such as 30m, 6h or 7d, or 0, got '" + endAfterIdle + "'"));
        RuleSet ruleSet = RuleSets.compile(rules, params);
        List<Input> resolved = resolveInputs();
        CommandSchedule commands = readCommands();
        ReplayOptions options = new ReplayOptions(new DecodeOptions(format, Optional.ofNullable(runId)), strict,
                new RunLifecycle.Policy(idle.toMillis(), RunLifecycle.Policy.DEFAULTS.retainEndedMillis()));

        FiredAlerts fired = new FiredAlerts();
        ReplayResult result;
        try (JsonLinesWriter alerts = alertsFile == null ? null : JsonLinesWriter.alerts(create(alertsFile))) {
            Replay replay = new Replay(ruleSet, options, alerts == null ? fired : new Tee(fired, alerts))
                    .commands(commands);
            for (Input input : resolved) {
                try (InputStream in = input.open(stdin)) {
                    replay.replay(input.sourceName(), in, input.runId());
                }
            }
            result = replay.finish();
        }

        if (summaryFile != null) {
            try (OutputStream out = create(summaryFile)) {
                SummaryJson.write(result, out);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? SummaryJson.toJson(result) : TextReport.render(result, fired));
        out.flush();
        return exitOnFailure ? ExitCodes.forDecision(result.decision()) : ExitCodes.OK;
    }

    /** The {@code --commands} file, read before anything is replayed (a bad line fails fast with exit 65). */
    private CommandSchedule readCommands() throws CommandFailure, IOException {
        if (commandsFile == null) {
            return CommandSchedule.NONE;
        }
        if (!Files.isRegularFile(commandsFile) || !Files.isReadable(commandsFile)) {
            throw new CommandFailure(ExitCodes.NO_INPUT, "commands file not found or not readable: " + commandsFile);
        }
        try (InputStream in = Files.newInputStream(commandsFile)) {
            return CommandSchedule.read(commandsFile.toString(), in);
        } catch (CommandFormatException e) {
            throw new CommandFailure(ExitCodes.DATA_ERROR, "bad commands file: " + e.getMessage());
        }
    }

    /** Checks every input before any is replayed, so a typo fails fast with nothing written. */
    private List<Input> resolveInputs() throws CommandFailure {
        List<String> runIds = RunIds.defaults(inputs);
        List<Input> out = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            String arg = inputs.get(i);
            if (!arg.equals(RunIds.STDIN_ARG)) {
                Path p = Path.of(arg);
                if (!Files.exists(p)) {
                    throw new CommandFailure(ExitCodes.NO_INPUT, "input not found: " + arg);
                }
                if (Files.isDirectory(p)) {
                    throw new CommandFailure(ExitCodes.NO_INPUT, "input is a directory, not a file: " + arg);
                }
                if (!Files.isReadable(p)) {
                    throw new CommandFailure(ExitCodes.NO_INPUT, "input cannot be read (permission denied): " + arg);
                }
            }
            out.add(new Input(arg, runIds.get(i)));
        }
        return out;
    }

    private static OutputStream create(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    }

    /**
     * One input: its name as given (used in positions, {@code -} for stdin) and its default run id.
     */
    private record Input(String arg, String runId) {

        String sourceName() {
            return arg;
        }

        InputStream open(InputStream stdin) throws IOException {
            if (arg.equals(RunIds.STDIN_ARG)) {
                return new BufferedInputStream(new FilterInputStream(stdin) {
                    @Override
                    public void close() {
                        // Standard input belongs to the process, not to this replay.
                    }
                }, 1 << 16);
            }
            return new BufferedInputStream(Files.newInputStream(Path.of(arg)), 1 << 16);
        }
    }

    /** Sends replay output to two listeners: the firing tracker for the report, and the alerts file. */
    private record Tee(ReplayListener first, ReplayListener second) implements ReplayListener {
        @Override
        public void alert(AlertEvent alert) {
            first.alert(alert);
            second.alert(alert);
        }

        @Override
        public void recommendation(Recommendation recommendation) {
            first.recommendation(recommendation);
            second.recommendation(recommendation);
        }

        @Override
        public void rejected(Rejection rejection) {
            first.rejected(rejection);
            second.rejected(rejection);
        }
    }

    /** The {@code --format} names, for help and completion. */
    public static final class FormatNames extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        public FormatNames() {
            for (InputFormat f : InputFormat.values()) {
                add(f.cliName());
            }
        }
    }
}
