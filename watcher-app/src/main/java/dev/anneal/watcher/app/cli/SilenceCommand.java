package dev.anneal.watcher.app.cli;

import dev.anneal.watcher.rules.model.CommandType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code watcher silence [--run RUN] [--rule RULE] [--label K=V]... --for DURATION --reason TEXT}:
 * matching alerts still evaluate and show (marked silenced) but do not notify and do not change
 * the recommendation until the silence expires. Without {@code --run} it covers every run: the
 * command goes to every partition of the commands topic (key {@code *}) so every stream task keeps
 * it, and it must then name a rule or labels. The silence's id is the command id (for
 * {@code watcher unsilence}).
 */
@Command(
        name = "silence",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Silence alerts for a while: matching alerts still evaluate and show (silenced), but do not notify and do",
            "not change the recommendation. Match by --run, --rule and/or --label (no --run: every run). The silence's",
            "id is the command id ('watcher unsilence ID' ends it early).",
            "Waits for the watcher's answer on the audit topic and prints it (see 'docs/operations.md')."})
public final class SilenceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--run", paramLabel = "RUN", description = "Only this run's alerts (default: every run).")
    String run;

    @Option(names = "--rule", paramLabel = "RULE", description = "Only this rule's alerts.")
    String rule;

    @Option(names = "--label", paramLabel = "NAME=VALUE", description = "Only alerts carrying this label value "
            + "(repeatable; all must match).")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--for", paramLabel = "DURATION", required = true, description = "How long: 30m, 2h, 1d "
            + "(at most 7d).")
    String duration;

    @Mixin
    CommandOptions options;

    @Override
    public Integer call() throws Exception {
        return CommandSending.send(spec.commandLine(), options,
                options.draft(CommandType.SILENCE, run, rule, labels, duration, null));
    }
}
