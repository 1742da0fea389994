package dev.anneal.watcher.app.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code watcher rules}: groups the rule-file commands. */
@Command(
        name = "rules",
        mixinStandardHelpOptions = true,
        description = "Check rule files and list the built-in rule packs.",
        subcommands = {RulesCheckCommand.class, RulesListCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            ExitCodes.OK + ":success",
            ExitCodes.USAGE + ":bad usage (no or unknown subcommand)",
            ExitCodes.NO_INPUT + ":rules check: a file is missing or unreadable",
            ExitCodes.CONFIG + ":rules check: a file is invalid"})
public final class RulesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing command: choose one of " + String.join(", ", spec.subcommands().keySet()));
    }
}
