package dev.anneal.watcher.app.cli;

import dev.anneal.watcher.rules.model.CommandType;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code watcher clear RUN --reason TEXT}: releases the FREEZE/ROLLBACK latch of a run; the watcher
 * recomputes its recommendation from the alerts firing now, and refuses (exit 65) when nothing is
 * latched or a firing alert still demands the latched action.
 */
@Command(
        name = "clear",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Release the FREEZE/ROLLBACK latch of a run: its recommendation is recomputed from the alerts firing now.",
            "Refused when nothing is latched, or when a firing alert still demands the latched action (it is named).",
            "Waits for the watcher's answer on the audit topic and prints it (see 'docs/operations.md')."})
public final class ClearCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN", description = "The run to clear.")
    String run;

    @Mixin
    CommandOptions options;

    @Override
    public Integer call() throws Exception {
        return CommandSending.send(spec.commandLine(), options,
                options.draft(CommandType.CLEAR, run, null, null, null, null));
    }
}
