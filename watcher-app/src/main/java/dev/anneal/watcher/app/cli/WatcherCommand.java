package dev.anneal.watcher.app.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level {@code watcher} command: only dispatches to its subcommands. */
@Command(
        name = "watcher",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Watches anneal training telemetry and recommends PROMOTE / PASS / HOLD / FREEZE / ROLLBACK.",
            "Run 'watcher COMMAND --help' for a command's options."},
        subcommands = {ReplayCommand.class, TestCommand.class, RulesCommand.class, BenchCommand.class, RunCommand.class, NotifyCommand.class, ConfigCommand.class,
            InjectCommand.class, TailCommand.class, DemoCommand.class,
            ClearCommand.class, AckCommand.class, SilenceCommand.class, UnsilenceCommand.class, EndCommand.class,
            RunsCommand.class,
            CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            ExitCodes.OK + ":success (with replay --exit-on-failure: PASS or PROMOTE)",
            ExitCodes.HOLD + ":replay --exit-on-failure: HOLD; test: a scenario test failed",
            ExitCodes.FREEZE + ":replay --exit-on-failure: FREEZE",
            ExitCodes.ROLLBACK + ":replay --exit-on-failure: ROLLBACK",
            ExitCodes.USAGE + ":bad usage (unknown option, missing argument)",
            ExitCodes.DATA_ERROR + ":replay --strict: a record was rejected; clear, ack, silence, unsilence, end: refused",
            ExitCodes.NO_INPUT + ":an input (or scenario) file is missing or unreadable; runs show: no such run",
            ExitCodes.UNAVAILABLE + ":run, notify, inject, tail, demo, operator commands: the Kafka brokers could not be "
                    + "reached; runs: no API answered",
            ExitCodes.SOFTWARE + ":internal error (a bug); run, notify: failed while running",
            ExitCodes.IO_ERROR + ":I/O error while reading or writing",
            ExitCodes.TEMPFAIL + ":tail: fewer than --max records within --timeout; demo: outcome not seen in time; "
                    + "operator commands: no audit record within --wait",
            ExitCodes.CONFIG + ":invalid rules, parameters, scenario file or configuration"})
public final class WatcherCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing command: choose one of " + String.join(", ", spec.subcommands().keySet()));
    }
}
