package dev.anneal.watcher.app.cli;

import dev.anneal.watcher.core.command.CommandClient;
import dev.anneal.watcher.core.command.CommandDraft;
import dev.anneal.watcher.rules.model.CommandType;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The options every operator command shares ({@code clear}, {@code ack}, {@code silence},
 * {@code unsilence}, {@code end}): who and why, the command id, where to send it, and how long to
 * wait for the watcher's answer on the audit topic; and their exit codes (picocli adds a mixin's
 * {@code @Command} attributes to the command).
 */
@Command(
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            ExitCodes.OK + ":applied (or a duplicate of a command already applied; or sent, with --no-wait)",
            ExitCodes.USAGE + ":bad usage (a missing --reason, a bad --for, ...)",
            ExitCodes.DATA_ERROR + ":the watcher refused the command; the message says why",
            ExitCodes.NO_INPUT + ":the commands or audit topic does not exist",
            ExitCodes.UNAVAILABLE + ":no Kafka broker answered within --wait",
            ExitCodes.IO_ERROR + ":Kafka refused the record",
            ExitCodes.TEMPFAIL + ":no audit record within --wait; the command may still apply later"})
final class CommandOptions {

    @Option(names = "--reason", paramLabel = "TEXT", required = true,
            description = "Why (required; kept in the audit trail and the run's evidence).")
    String reason;

    @Option(names = "--as", paramLabel = "NAME", description = "Who sends it (default: the OS user, ${sys:user.name}).")
    String actor = System.getProperty("user.name");

    @Option(names = "--command-id", paramLabel = "ID", description = "The command id (default: a new random one, "
            + "printed). Give the printed id again to retry: a command id is never applied twice.")
    String commandId;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", defaultValue = "127.0.0.1:9092",
            description = "The Kafka cluster (default: ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = CommandClient.DEFAULT_COMMANDS_TOPIC,
            description = "The commands topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--audit-topic", paramLabel = "TOPIC", defaultValue = CommandClient.DEFAULT_AUDIT_TOPIC,
            description = "The audit topic the outcome is read from (default: ${DEFAULT-VALUE}).")
    String auditTopic;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long to wait for the brokers and for the command's audit record (default: "
                    + "${DEFAULT-VALUE}).")
    Duration wait;

    @Option(names = "--no-wait", description = "Send and exit 0 without waiting for the outcome.")
    boolean noWait;

    @Option(names = "--json", description = "Print the audit record(s) as published (with --no-wait: the command "
            + "as sent), one JSON object per line.")
    boolean json;

    /** A draft of a {@code type} command with these options' actor, reason and command id. */
    CommandDraft draft(CommandType type, String run, String rule, Map<String, String> labels, String duration,
            String silenceId) {
        return new CommandDraft(type, run, actor, reason, commandId, rule, labels, duration, silenceId);
    }

    /** When a command is issued (its {@code issued_at}): the system clock, at the edge of the program. */
    Clock clock = Clock.systemUTC();
}
