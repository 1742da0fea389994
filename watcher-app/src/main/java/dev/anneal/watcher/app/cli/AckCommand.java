package dev.anneal.watcher.app.cli;

import dev.anneal.watcher.rules.model.CommandType;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code watcher ack RUN RULE --reason TEXT}: acknowledges the firing alert of one rule of a run:
 * someone is on it. Receivers are told (the ack shows on the alert) and re-sends stop where the
 * receiver type allows; the ack ends when the alert resolves.
 */
@Command(
        name = "ack",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Acknowledge the firing alert of RULE on RUN: the ack (who, why, when) shows wherever the alert shows,",
            "receivers are told, and re-sends stop where the receiver allows. Refused if RULE has no firing alert.",
            "Waits for the watcher's answer on the audit topic and prints it (see 'docs/operations.md')."})
public final class AckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN", description = "The run.")
    String run;

    @Parameters(index = "1", paramLabel = "RULE", description = "The rule whose firing alert is acknowledged.")
    String rule;

    @Mixin
    CommandOptions options;

    @Override
    public Integer call() throws Exception {
        return CommandSending.send(spec.commandLine(), options,
                options.draft(CommandType.ACK, run, rule, null, null, null));
    }
}
