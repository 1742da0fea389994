package dev.anneal.watcher.app.cli;

import dev.anneal.watcher.app.config.ConfigException;
import dev.anneal.watcher.app.config.ConfigKey;
import dev.anneal.watcher.app.config.ConfigKeys;
import dev.anneal.watcher.app.config.ConfigLoader;
import dev.anneal.watcher.app.config.WatcherConfig;
import dev.anneal.watcher.app.daemon.Logging;
import dev.anneal.watcher.app.daemon.Signals;
import dev.anneal.watcher.app.daemon.StartupException;
import dev.anneal.watcher.app.daemon.WatcherApp;
import dev.anneal.watcher.core.stream.ErrorLog;
import dev.anneal.watcher.rules.model.ErrorClass;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code watcher run}: the daemon. Loads the configuration (file, then {@code WATCHER_*}
 * environment variables, then flags), starts {@link WatcherApp} and runs until SIGTERM or SIGINT,
 * then stops gracefully. Every configuration key has a flag; the flags are generated from
 * {@link ConfigKeys}, so the list below and the keys never disagree.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        modelTransformer = RunCommand.KeyOptions.class,
        description = {
            "Run the watcher daemon: consume telemetry from Kafka, evaluate the rules, publish alerts and "
                    + "recommendations, serve /metrics, /healthz, /readyz and /api/runs.",
            "With no bootstrap servers configured it starts an embedded single-node Kafka broker on "
                    + "127.0.0.1:9092 (for development and tests).",
            "Configuration: --config FILE, then environment variables WATCHER_<SECTION>_<KEY>, then the "
                    + "flags below (highest precedence). 'watcher config keys' lists every key.",
            "Rules reload on a rule file change or SIGHUP. SIGTERM or SIGINT stops gracefully."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            ExitCodes.OK + ":stopped by SIGTERM or SIGINT",
            ExitCodes.USAGE + ":bad usage (unknown option, missing argument)",
            ExitCodes.UNAVAILABLE + ":the Kafka brokers could not be reached within kafka.startup_timeout, "
                    + "or the embedded broker did not start",
            ExitCodes.SOFTWARE + ":Kafka Streams failed while running, or an internal error",
            ExitCodes.IO_ERROR + ":a local resource failed (HTTP address in use, state directory)",
            ExitCodes.CONFIG + ":invalid configuration, rules or Kafka client settings"})
public final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", order = -1,
            description = "The YAML configuration file (see deploy/watcher.yaml). Without it every key has its "
                    + "default unless an environment variable or flag sets it.")
    Path configFile;

    @Override
    public Integer call() throws InterruptedException {
        Optional<WatcherConfig> loaded = loadConfig(spec, configFile);
        if (loaded.isEmpty()) {
            return ExitCodes.CONFIG;
        }
        WatcherConfig config = loaded.get();
        Logging.use(config.log().format());
        LOG.info("watcher {} starting (pid {}{})", VersionProvider.version(), ProcessHandle.current().pid(),
                configFile == null ? ", no config file" : ", config " + configFile);
        return run(new WatcherApp(config));
    }

    /**
     * The configuration of {@code watcher run} or {@code watcher notify}: default < file < environment
     * < flags. Every problem is printed to the command's error stream; empty when there was any.
     */
    static Optional<WatcherConfig> loadConfig(CommandSpec spec, Path configFile) {
        try {
            return Optional.of(ConfigLoader.load(configFile, System.getenv(), flagValues(spec)));
        } catch (ConfigException e) {
            PrintWriter err = spec.commandLine().getErr();
            e.problems().forEach(err::println);
            err.println("watcher: invalid configuration (" + e.problems().size()
                    + (e.problems().size() == 1 ? " problem)" : " problems)"));
            err.flush();
            return Optional.empty();
        }
    }

    /** Runs {@code app} until a signal stops it; returns the exit code. */
    static int run(WatcherApp app) throws InterruptedException {
        List<Signals.Handle> handles = new ArrayList<>();
        AtomicBoolean stopRequested = new AtomicBoolean();
        for (String signal : List.of("TERM", "INT")) {
            Signals.handleOnce(signal, () -> {
                stopRequested.set(true);
                LOG.info("received SIG{}: stopping gracefully (send it again to exit at once)", signal);
                Thread stopper = new Thread(app::stop, "watcher-stop-on-signal");
                stopper.start();
            }).ifPresent(handles::add);
        }
        // Also stop on JVM shutdown (a signal that could not be handled above, or an exit elsewhere).
        Thread hook = new Thread(app::stop, "watcher-shutdown-hook");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            app.start();
        } catch (StartupException e) {
            if (stopRequested.get()) {
                LOG.info("stopped during start-up");
                return ExitCodes.OK;
            }
            ErrorLog.at(LOG, Level.ERROR, e.kind().errorClass()).log("cannot start: {}", e.getMessage());
            return exitCode(e.kind());
        } finally {
            if (app.phase() == WatcherApp.Phase.STOPPED) {
                cleanUp(handles, hook);
            }
        }
        app.awaitTermination();
        cleanUp(handles, hook);
        if (app.failure().isPresent()) {
            ErrorLog.at(LOG, Level.ERROR, ErrorClass.FATAL).log("stopped after a failure: {}", app.failure().get());
            return ExitCodes.of(ErrorClass.FATAL);
        }
        return ExitCodes.OK;
    }

    private static void cleanUp(List<Signals.Handle> handles, Thread hook) {
        handles.forEach(Signals.Handle::close);
        handles.clear();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook is running or has run
        }
    }

    /**
     * The exit code of each kind of start-up failure: its error class's code, except that brokers
     * out of reach have the more specific {@link ExitCodes#UNAVAILABLE}.
     */
    static int exitCode(StartupException.Kind kind) {
        return kind == StartupException.Kind.UNAVAILABLE ? ExitCodes.UNAVAILABLE : ExitCodes.of(kind.errorClass());
    }

    /** The values of the key flags given on the command line, as typed. */
    static Map<ConfigKey<?>, List<String>> flagValues(CommandSpec spec) {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        Map<ConfigKey<?>, List<String>> out = new LinkedHashMap<>();
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            OptionSpec option = parsed.matchedOption(key.flag());
            if (option != null) {
                out.put(key, List.copyOf(option.stringValues()));
            }
        }
        return out;
    }

    /** Adds one option per configuration key, with the key's documentation, default and variable. */
    static final class KeyOptions implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            int order = 0;
            for (ConfigKey<?> key : ConfigKeys.ALL) {
                String doc = key.doc() + " Default: " + key.defaultText() + ". File: " + key.path() + "; environment: "
                        + key.envVar() + "." + (key.shape() == ConfigKey.Shape.SCALAR ? "" : " Repeatable.");
                OptionSpec.Builder b = OptionSpec.builder(key.flag())
                        .paramLabel(key.paramLabel())
                        .arity("1")
                        .order(order++)
                        // picocli formats descriptions and expands ${...}; the docs are plain text.
                        .description(doc.replace("%", "%%").replace("${", "$${"));
                if (key.shape() == ConfigKey.Shape.SCALAR) {
                    b.type(String.class);
                } else {
                    b.type(List.class).auxiliaryTypes(String.class);
                }
                spec.addOption(b.build());
            }
            return spec;
        }
    }
}
