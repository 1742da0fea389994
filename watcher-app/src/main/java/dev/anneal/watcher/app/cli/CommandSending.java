package dev.anneal.watcher.app.cli;

import dev.anneal.watcher.core.command.CommandClient;
import dev.anneal.watcher.core.command.CommandDraft;
import dev.anneal.watcher.core.command.CommandSendException;
import dev.anneal.watcher.core.command.InvalidCommandException;
import dev.anneal.watcher.core.command.Receipt;
import dev.anneal.watcher.core.output.CommandJson;
import dev.anneal.watcher.rules.model.OperatorCommand;
import dev.anneal.watcher.rules.yaml.Durations;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import picocli.CommandLine;

/**
 * What the operator commands ({@code clear}, {@code ack}, {@code silence}, {@code unsilence},
 * {@code end}) do once their options are read: check the draft, send it with a
 * {@link CommandClient}, wait for its audit record and turn the outcome into output and an exit
 * code. One place, so the five commands answer alike:
 *
 * <ul>
 *   <li>0: applied, or {@code duplicate} (the command id had been applied: a retry), or sent with
 *       {@code --no-wait};</li>
 *   <li>65 ({@link ExitCodes#DATA_ERROR}, bad input): the watcher refused it (nothing latched, the
 *       rule has no firing alert, the run already ended, ...); the audit detail says why;</li>
 *   <li>75 ({@link ExitCodes#TEMPFAIL}): no audit record within {@code --wait}; the command is on
 *       the topic and may still apply;</li>
 *   <li>69: no broker answered; 66: the commands or audit topic does not exist; 74: Kafka refused
 *       the record; 64: a bad option.</li>
 * </ul>
 */
final class CommandSending {

    /** The flag or parameter each command field comes from, for usage messages. */
    private static final Map<String, String> FLAGS = Map.of(
            "command_id", "--command-id", "run_id", "RUN (or --run)", "actor", "--as", "reason", "--reason",
            "rule", "RULE (or --rule)", "silence.rule", "--rule", "silence.labels", "--label",
            "silence.duration", "--for", "silence", "--rule/--label/--run", "silence_id", "SILENCE_ID");

    private CommandSending() {
    }

    static int send(CommandLine cl, CommandOptions options, CommandDraft draft)
            throws CommandFailure, InterruptedException {
        OperatorCommand command;
        try {
            command = draft.build(options.clock.instant());
        } catch (InvalidCommandException e) {
            throw new CommandLine.ParameterException(cl, FLAGS.getOrDefault(e.field(), e.field()) + ": "
                    + e.problem());
        }
        PrintWriter out = cl.getOut();
        CommandClient.Topics topics;
        try {
            topics = new CommandClient.Topics(options.topic, options.auditTopic);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--topic and --audit-topic: " + e.getMessage());
        }
        try (CommandClient client = new CommandClient(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                options.bootstrap), "watcher-cli-" + command.type().id(), topics, options.wait)) {
            if (options.noWait) {
                int copies = client.send(command);
                if (options.json) {
                    out.println(CommandJson.toJson(command));
                } else {
                    out.printf(Locale.ROOT, "sent command %s (%s) to %s%s; not waiting for its outcome: 'watcher "
                            + "tail audit --run-id %s' shows it%n", command.commandId(), describe(command),
                            topics.commands(), copies == 1 ? "" : " (" + copies + " partitions)", command.runId());
                }
                return ExitCodes.OK;
            }
            if (!options.json) {
                out.printf(Locale.ROOT, "command %s: %s%n", command.commandId(), describe(command));
                out.printf(Locale.ROOT, "waiting up to %s for its audit record on %s ...%n",
                        Durations.format(options.wait), topics.audit());
                out.flush();
            }
            Receipt receipt = client.sendAndAwait(command, options.wait);
            if (options.json) {
                receipt.audits().forEach(a -> out.println(a.json()));
            }
            return outcome(receipt, options, out);
        } catch (CommandSendException e) {
            throw new CommandFailure(switch (e.kind()) {
                case UNAVAILABLE -> ExitCodes.UNAVAILABLE;
                case NO_TOPIC -> ExitCodes.NO_INPUT;
                case REFUSED_BY_KAFKA -> ExitCodes.IO_ERROR;
            }, "command " + command.commandId() + " not sent: " + e.getMessage()
                    + (e.kind() == CommandSendException.Kind.UNAVAILABLE
                    ? "; pass --bootstrap-servers to point elsewhere" : ""));
        }
    }

    private static int outcome(Receipt receipt, CommandOptions options, PrintWriter out) throws CommandFailure {
        OperatorCommand c = receipt.command();
        switch (receipt.status()) {
            case APPLIED -> {
                if (!options.json) {
                    out.println("applied: " + receipt.detail());
                }
                return ExitCodes.OK;
            }
            case DUPLICATE -> {
                if (!options.json) {
                    out.println("duplicate: command " + c.commandId() + " had already been applied; nothing was done "
                            + "again (" + receipt.detail() + ")");
                }
                return ExitCodes.OK;
            }
            case REFUSED -> throw new CommandFailure(ExitCodes.DATA_ERROR, "command " + c.commandId() + " refused: "
                    + receipt.detail());
            case PENDING -> throw new CommandFailure(ExitCodes.TEMPFAIL, "no audit record for command "
                    + c.commandId() + " within " + Durations.format(options.wait)
                    + (receipt.audits().isEmpty() ? "" : " (" + receipt.audits().size() + " of " + receipt.copies()
                    + " partitions answered)") + ". It is on " + options.topic + " and may still apply when the "
                    + "watcher gets to it: watch 'watcher tail audit --run-id " + c.runId() + "', or send it again "
                    + "with --command-id " + c.commandId() + " (it is never applied twice)");
        }
        throw new IllegalStateException("unknown status " + receipt.status());
    }

    /** The command in a few words: {@code clear run-42 by alice: "loss is back"}. */
    static String describe(OperatorCommand c) {
        StringBuilder b = new StringBuilder(c.type().id());
        if (c.rule() != null) {
            b.append(" rule ").append(c.rule());
        }
        if (c.silenceId() != null) {
            b.append(" silence ").append(c.silenceId());
        }
        if (c.silence() != null) {
            if (c.silence().rule() != null) {
                b.append(" rule ").append(c.silence().rule());
            }
            c.silence().labels().forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
            b.append(" for ").append(Durations.format(java.time.Duration.ofMillis(c.silenceMillis())));
        }
        b.append(c.allRuns() ? " on every run" : " on run " + c.runId());
        b.append(" by ").append(c.actor()).append(": \"").append(c.reason()).append('"');
        return b.toString();
    }
}
