package dev.anneal.watcher.app.cli;

import dev.anneal.watcher.rules.model.CommandType;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code watcher unsilence SILENCE_ID [--run RUN] --reason TEXT}: ends a silence before it expires.
 * A silence of one run is ended with {@code --run} (the command goes where the run's records go);
 * without it the command goes to every partition, as a silence of every run did.
 */
@Command(
        name = "unsilence",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "End a silence before it expires. SILENCE_ID is the command id of the 'watcher silence' that set it.",
            "Give --run for a silence of one run; without it, the silence of every run with that id ends.",
            "Waits for the watcher's answer on the audit topic and prints it (see 'docs/operations.md')."})
public final class UnsilenceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SILENCE_ID", description = "The command id of the silence to end.")
    String silenceId;

    @Option(names = "--run", paramLabel = "RUN", description = "The run the silence was set on (default: every run).")
    String run;

    @Mixin
    CommandOptions options;

    @Override
    public Integer call() throws Exception {
        return CommandSending.send(spec.commandLine(), options,
                options.draft(CommandType.UNSILENCE, run, null, null, null, silenceId));
    }
}
