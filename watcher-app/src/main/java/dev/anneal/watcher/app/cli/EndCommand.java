package dev.anneal.watcher.app.cli;

import dev.anneal.watcher.rules.model.CommandType;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code watcher end RUN --reason TEXT}: ends a run as its terminal record would: its open alerts
 * resolve (naming the operator), its final recommendation and verdict stay; refused when the run
 * has already ended.
 */
@Command(
        name = "end",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "End a run: its open alerts resolve (resolved_by names you), its final recommendation and verdict stay.",
            "Refused when the run has already ended.",
            "Waits for the watcher's answer on the audit topic and prints it (see 'docs/operations.md')."})
public final class EndCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN", description = "The run to end.")
    String run;

    @Mixin
    CommandOptions options;

    @Override
    public Integer call() throws Exception {
        return CommandSending.send(spec.commandLine(), options,
                options.draft(CommandType.END, run, null, null, null, null));
    }
}
