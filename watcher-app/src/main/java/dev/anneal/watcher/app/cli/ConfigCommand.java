package dev.anneal.watcher.app.cli;

import dev.anneal.watcher.app.config.ConfigException;
import dev.anneal.watcher.app.config.ConfigKey;
import dev.anneal.watcher.app.config.ConfigKeys;
import dev.anneal.watcher.app.config.ConfigLoader;
import dev.anneal.watcher.app.config.WatcherConfig;
import dev.anneal.watcher.app.http.HttpSecurity;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.load.RuleLoadException;
import dev.anneal.watcher.rules.load.RuleSets;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code watcher config}: checks a {@code watcher run} configuration file and lists the keys. */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "Check a 'watcher run' configuration file, or list every configuration key.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Keys.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            ExitCodes.OK + ":success",
            ExitCodes.USAGE + ":bad usage (no or unknown subcommand)",
            ExitCodes.CONFIG + ":config check: the file (or a rule pack it names) is invalid or missing"})
public final class ConfigCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing command: choose one of " + String.join(", ", spec.subcommands().keySet()));
    }

    /**
     * {@code watcher config check FILE}: runs the same loader as {@code watcher run --config FILE}
     * (in the manner of {@code amtool check-config}) and compiles the rule packs the file names.
     * The file alone is checked: environment variables and flags do not apply.
     */
    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = {
                "Check a configuration file: unknown keys, types, durations, topic names, contradicting keys, "
                        + "and the rule packs it names. Every problem is reported with file:line.",
                "Environment variables do not apply: the file is checked as written."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                ExitCodes.OK + ":the file is valid",
                ExitCodes.USAGE + ":bad usage",
                ExitCodes.CONFIG + ":the file or a rule pack it names is invalid or missing"})
    static final class Check implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The configuration file to check.")
        Path file;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            WatcherConfig config;
            try {
                config = ConfigLoader.load(file, Map.of(), Map.of());
            } catch (ConfigException e) {
                e.problems().forEach(err::println);
                err.println("watcher: invalid configuration (" + e.problems().size()
                        + (e.problems().size() == 1 ? " problem)" : " problems)"));
                return ExitCodes.CONFIG;
            }
            List<String> httpProblems = HttpSecurity.problems(config.http());
            if (!httpProblems.isEmpty()) {
                httpProblems.forEach(p -> err.println(file + ": " + p));
                err.println("watcher: invalid configuration (" + httpProblems.size()
                        + (httpProblems.size() == 1 ? " problem)" : " problems)"));
                return ExitCodes.CONFIG;
            }
            RuleSet rules;
            try {
                rules = RuleSets.compile(config.rules().packs(), config.rules().params());
            } catch (RuleLoadException e) {
                e.problems().forEach(err::println);
                err.println("watcher: invalid rules (" + e.problems().size()
                        + (e.problems().size() == 1 ? " problem)" : " problems)"));
                return ExitCodes.CONFIG;
            }
            WatcherConfig.Topics t = config.topics();
            out.println(file + ": ok");
            out.println("  kafka:  " + config.kafka().bootstrapServers()
                    .map(b -> "brokers " + b)
                    .orElse("embedded broker on 127.0.0.1:" + config.embedded().port() + " (data in "
                            + config.embedded().dataDir() + ")"));
            out.println("  input:  " + t.inputPattern().map(p -> "topics matching " + p)
                    .orElse(String.join(", ", t.input())));
            out.println("  output: alerts " + t.alerts() + ", recommendations " + t.recommendations() + ", dead letters "
                    + t.dlq());
            out.println("  rules:  " + String.join(", ", config.rules().packs()) + " (" + rules.rules().size()
                    + " rules, rule set " + rules.digest() + ")");
            out.println("  http:   " + config.http().address() + ", " + HttpSecurity.describe(config.http()));
            WatcherConfig.Notify n = config.notifier();
            out.println("  notify: " + (n.enabled() ? "on" : "off (notify.enabled: false)")
                    + (n.receivers().isEmpty() ? ", no receivers" : ", receivers " + String.join(", ",
                    n.receivers().stream().map(r -> r.name() + " (" + r.type().id() + " " + r.url() + ")").toList()))
                    + "; undeliverable alerts to " + n.undeliverableTopic());
            return ExitCodes.OK;
        }
    }

    /** {@code watcher config keys}: every key with its default, variable, flag and documentation. */
    @Command(
            name = "keys",
            mixinStandardHelpOptions = true,
            description = "List every configuration key: its default, environment variable, flag and meaning.")
    static final class Keys implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.println("Precedence: default < --config file < environment variable < flag. In a variable, a list is "
                    + "comma-separated and a map is NAME=VALUE entries separated by commas or newlines; a flag "
                    + "takes one element or entry per occurrence. Lists replace, maps merge entry by entry.");
            out.println();
            String section = null;
            for (ConfigKey<?> key : ConfigKeys.ALL) {
                if (!key.section().equals(section)) {
                    section = key.section();
                    out.println((key == ConfigKeys.ALL.get(0) ? "" : "\n") + section + ":");
                }
                out.println("  " + key.name() + "  (default " + key.defaultText() + "; " + key.envVar() + "; "
                        + key.flag() + " " + key.paramLabel() + ")");
                out.println("      " + key.doc());
            }
            return ExitCodes.OK;
        }
    }
}
