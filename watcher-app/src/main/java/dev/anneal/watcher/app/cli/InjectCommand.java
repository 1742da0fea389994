package dev.anneal.watcher.app.cli;

import dev.anneal.watcher.core.generate.PpoStreamGenerator;
import dev.anneal.watcher.core.inject.FieldEdit;
import dev.anneal.watcher.core.inject.Injector;
import dev.anneal.watcher.core.inject.Pacing;
import dev.anneal.watcher.core.inject.Recording;
import dev.anneal.watcher.core.inject.Scenario;
import dev.anneal.watcher.core.inject.ScenarioGenerator;
import dev.anneal.watcher.core.inject.SyntheticMessage;
import dev.anneal.watcher.core.stream.WatcherTopics;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code watcher inject}: QA's incident drill. Sends a built-in drift scenario or a recorded file,
 * optionally edited ({@code --set}) and paced, into the telemetry topic as synthetic records, so
 * people can watch what the daemon recommends. Every record is marked synthetic twice: the
 * envelope's {@code "synthetic": true} (what the engine carries into alerts and recommendations)
 * and the {@code watcher.synthetic} Kafka header.
 */
@Command(
        name = "inject",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Inject synthetic telemetry (a drift drill) into the telemetry topic and see what the watcher recommends.",
            "Every record is marked synthetic (envelope \"synthetic\": true and a watcher.synthetic header); the "
                    + "daemon marks what it derives from them and quarantines it by default (topics.synthetic_alerts, "
                    + "topics.synthetic_recommendations), and receivers skip it unless include_synthetic.",
            "Event time is the moment each record is sent. 'watcher inject --list' describes the scenarios."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            ExitCodes.OK + ":injected (or listed)",
            ExitCodes.USAGE + ":bad usage (unknown scenario, bad --set, --rate with --speed, ...)",
            ExitCodes.NO_INPUT + ":the --file does not exist",
            ExitCodes.DATA_ERROR + ":the --file is not JSON",
            ExitCodes.UNAVAILABLE + ":no Kafka broker answered within --timeout",
            ExitCodes.IO_ERROR + ":Kafka refused a record, or the file could not be read"})
public final class InjectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--list", description = "Describe each scenario and the recommendation it leads to under the "
            + "default pack, then exit.")
    boolean list;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", defaultValue = "127.0.0.1:9092",
            description = "The Kafka cluster (default: ${DEFAULT-VALUE}, where 'watcher run' starts its embedded broker).")
    String bootstrap;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = WatcherTopics.DEFAULT_INPUT,
            description = "The telemetry topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--run-id", paramLabel = "ID", description = "The run id of the injected records (the key and "
            + "the envelope run_id). Use one no real run has, such as qa-<date>.")
    String runId;

    @Option(names = "--scenario", paramLabel = "NAME", description = "A built-in scenario: ${COMPLETION-CANDIDATES}.",
            completionCandidates = ScenarioNames.class)
    String scenario;

    @Option(names = "--file", paramLabel = "FILE", description = "A recorded file (NDJSON lines or JSON documents, "
            + "bare townlet payloads or watcher envelopes) to inject instead of a scenario.")
    Path file;

    @Option(names = "--set", paramLabel = "FIELD=VALUE@RECORDS", description = "Set a payload field on some records "
            + "(counted from 1): anneal_loss_flag=true@3, loss_total=2.4@5-7, grad_norm=3.2@2,4, kl_divergence=0.09@6-. "
            + "VALUE is a JSON scalar. Repeatable; applied in order.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--rate", paramLabel = "N/s", description = "Send N records per second (also N/m). Default: "
            + "as fast as possible.")
    String rate;

    @Option(names = "--speed", paramLabel = "X", description = "Replay a recording's own spacing (envelope ts) X "
            + "times faster (0.5: half as fast).")
    Double speed;

    @Option(names = "--count", paramLabel = "N", description = "Scenario: PPO records to generate (default: "
            + ScenarioGenerator.DEFAULT_COUNT + ", at least " + ScenarioGenerator.MIN_COUNT + "). File: inject only "
            + "the first N records.")
    Integer count;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the scenario generator (default: the "
            + "benchmark's); the same seed gives the same records.")
    long seed = PpoStreamGenerator.DEFAULT_SEED;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long to wait for the brokers (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    private final Clock clock;

    public InjectCommand() {
        this(Clock.systemUTC());
    }

    InjectCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (list) {
            printList(out);
            return ExitCodes.OK;
        }
        Plan plan = plan();
        Injector.Result result = KafkaInjection.send(bootstrap, topic, plan.messages(), plan.pacing(), clock, timeout);
        out.printf(Locale.ROOT, "injected %d record%s (%s) as run %s into %s at %s, marked synthetic%n", result.sent(),
                result.sent() == 1 ? "" : "s", plan.what(), runId, topic, bootstrap);
        if (plan.scenario() != null) {
            out.printf(Locale.ROOT, "expect: %s under the default pack (%s)%n", plan.scenario().outcome(),
                    BuiltinPacks.DEFAULT);
        }
        out.printf(Locale.ROOT, "follow it: watcher tail recommendations --from-beginning --run-id %s --bootstrap-servers %s%n",
                runId, bootstrap);
        return ExitCodes.OK;
    }

    /** What to send and how fast. */
    record Plan(List<SyntheticMessage> messages, Pacing pacing, Scenario scenario, String what) {
    }

    /** Validates the options and builds the messages; every error names the option at fault. */
    Plan plan() throws CommandFailure, IOException {
        if (runId == null || runId.isBlank()) {
            throw usage("--run-id is required: the run id of the injected records (use one no real run has, "
                    + "such as qa-drill-1)");
        }
        if ((scenario == null) == (file == null)) {
            throw usage(scenario == null ? "give --scenario NAME or --file FILE (see 'watcher inject --list')"
                    : "give --scenario or --file, not both");
        }
        if (rate != null && speed != null) {
            throw usage("give --rate or --speed, not both");
        }
        Pacing pacing;
        try {
            pacing = rate != null ? Pacing.parseRate(rate)
                    : speed != null ? new Pacing.Speed(speed) : new Pacing.AsFastAsPossible();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (speed != null && scenario != null) {
            throw usage("--speed replays a recording's own spacing; scenarios have none worth waiting for, use --rate");
        }
        List<FieldEdit> edits = new ArrayList<>();
        for (String s : sets) {
            try {
                edits.add(FieldEdit.parse(s));
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
        }
        List<SyntheticMessage> messages;
        Scenario chosen = null;
        String what;
        if (scenario != null) {
            chosen = Scenario.byId(scenario).orElseThrow(() -> usage("--scenario '" + scenario
                    + "' is not a scenario; choose one of " + Scenario.names()));
            try {
                messages = new ScenarioGenerator(seed).generate(chosen, runId,
                        count == null ? ScenarioGenerator.DEFAULT_COUNT : count);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
            what = "scenario " + chosen.id();
        } else {
            if (!Files.isRegularFile(file)) {
                throw new CommandFailure(ExitCodes.NO_INPUT, file + ": no such file");
            }
            try {
                messages = Recording.read(file, runId);
            } catch (IllegalArgumentException e) {
                throw new CommandFailure(ExitCodes.DATA_ERROR, e.getMessage());
            }
            if (count != null) {
                if (count < 1) {
                    throw usage("--count must be at least 1, was " + count);
                }
                messages = messages.subList(0, Math.min(count, messages.size()));
            }
            what = "from " + file;
        }
        try {
            messages = FieldEdit.apply(edits, messages);
            if (speed != null) {
                for (int i = 1; i < messages.size(); i++) {
                    pacing.delayMillis(messages.get(i - 1), messages.get(i));
                }
            }
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (!edits.isEmpty()) {
            what += ", edited: " + String.join(" ", edits.stream().map(FieldEdit::toString).toList());
        }
        return new Plan(messages, pacing, edits.isEmpty() ? chosen : null, what);
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    static void printList(PrintWriter out) {
        out.printf(Locale.ROOT, "%-16s %-46s %s%n", "SCENARIO", "LEADS TO (" + BuiltinPacks.DEFAULT + ")", "WHAT IT INJECTS");
        for (Scenario s : Scenario.values()) {
            out.printf(Locale.ROOT, "%-16s %-46s %s%n", s.id(), s.outcome(), s.description());
        }
        out.println();
        out.println("Every record is marked synthetic. PPO records come from the benchmark's generator (townlet v1.2 keys");
        out.println("around the recorded baselines); --set edits fields, --count sets how many PPO records.");
    }

    /** The scenario names for {@code --help}. */
    static final class ScenarioNames extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        ScenarioNames() {
            super(List.of(Scenario.values()).stream().map(Scenario::id).toList());
        }
    }
}
