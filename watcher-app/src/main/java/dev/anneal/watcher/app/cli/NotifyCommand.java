package dev.anneal.watcher.app.cli;

import dev.anneal.watcher.app.config.WatcherConfig;
import dev.anneal.watcher.app.daemon.Logging;
import dev.anneal.watcher.app.daemon.NotifyApp;
import dev.anneal.watcher.app.daemon.Signals;
import dev.anneal.watcher.app.daemon.StartupException;
import dev.anneal.watcher.core.stream.ErrorLog;
import dev.anneal.watcher.rules.model.ErrorClass;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code watcher notify}: runs the notifier alone against a running cluster. Same configuration
 * as {@code watcher run} (file, {@code WATCHER_*} variables, the same flags); it uses the
 * {@code kafka}, {@code topics}, {@code http} and {@code notify} keys and ignores
 * {@code notify.enabled}.
 */
@Command(
        name = "notify",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        modelTransformer = RunCommand.KeyOptions.class,
        description = {
            "Deliver the alerts topic to Alertmanager and webhooks (notify.receivers), without running the rules: "
                    + "for a notifier deployed apart from the 'watcher run' daemons.",
            "Each receiver has its own consumer group; an offset is committed only after its alert was delivered "
                    + "or written to notify.undeliverable_topic. Serves /metrics and /healthz on http.address.",
            "Needs kafka.bootstrap_servers and at least one receiver; notify.enabled is ignored. SIGTERM or SIGINT "
                    + "stops gracefully."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            ExitCodes.OK + ":stopped by SIGTERM or SIGINT",
            ExitCodes.USAGE + ":bad usage (unknown option, missing argument)",
            ExitCodes.UNAVAILABLE + ":the Kafka brokers could not be reached within kafka.startup_timeout",
            ExitCodes.SOFTWARE + ":a receiver's worker failed while running, or an internal error",
            ExitCodes.IO_ERROR + ":the HTTP address is in use",
            ExitCodes.CONFIG + ":invalid configuration: no bootstrap servers, no receivers, a secret that cannot "
                    + "be read"})
public final class NotifyCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(NotifyCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", order = -1,
            description = "The YAML configuration file (see deploy/watcher.yaml).")
    Path configFile;

    @Override
    public Integer call() throws InterruptedException {
        Optional<WatcherConfig> loaded = RunCommand.loadConfig(spec, configFile);
        if (loaded.isEmpty()) {
            return ExitCodes.CONFIG;
        }
        WatcherConfig config = loaded.get();
        Logging.use(config.log().format());
        LOG.info("watcher {} notify starting (pid {})", VersionProvider.version(), ProcessHandle.current().pid());
        NotifyApp app = new NotifyApp(config, Clock.systemUTC(), System.getenv());
        List<Signals.Handle> handles = new ArrayList<>();
        for (String signal : List.of("TERM", "INT")) {
            Signals.handleOnce(signal, () -> {
                LOG.info("received SIG{}: stopping gracefully", signal);
                new Thread(app::stop, "watcher-notify-stop-on-signal").start();
            }).ifPresent(handles::add);
        }
        Thread hook = new Thread(app::stop, "watcher-notify-shutdown-hook");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            app.start();
            app.awaitTermination();
        } catch (StartupException e) {
            ErrorLog.at(LOG, Level.ERROR, e.kind().errorClass()).log("cannot start: {}", e.getMessage());
            return RunCommand.exitCode(e.kind());
        } finally {
            handles.forEach(Signals.Handle::close);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down
            }
        }
        if (app.failure().isPresent()) {
            ErrorLog.at(LOG, Level.ERROR, ErrorClass.FATAL).log("stopped after a failure: {}", app.failure().get());
            return ExitCodes.of(ErrorClass.FATAL);
        }
        return ExitCodes.OK;
    }
}
