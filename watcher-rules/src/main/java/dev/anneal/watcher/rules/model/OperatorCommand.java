package dev.anneal.watcher.rules.model;

import java.util.Objects;

/**
 * One operator command (see {@link CommandType}), as sent to the commands topic by
 * {@code watcher clear|ack|silence|unsilence|end} or the HTTP API, and as read back from a
 * recording by {@code replay --commands}. Every command says who sent it and why, and carries an
 * id that makes a retry harmless: a command id already applied to a run is not applied again.
 *
 * @param commandId       unique id (a retry reuses it)
 * @param type            what is asked
 * @param runId           the run, or {@link #ALL_RUNS} for a silence that matches by labels across runs
 * @param actor           who sent it (an operator's name; the OS user by default)
 * @param reason          why (required, shown in the audit trail)
 * @param issuedAt        when it was sent, epoch milliseconds
 * @param rule            {@code ack}: the rule whose firing alert is acknowledged; else null
 * @param silence         {@code silence}: which alerts it covers; else null
 * @param silenceMillis   {@code silence}: how long it lasts from {@code issuedAt}, at most {@link #MAX_SILENCE_MILLIS}; else 0
 * @param silenceId       {@code unsilence}: the command id of the silence to end; else null
 * @param synthetic       whether a drill sent it (its audit record carries the mark)
 */
public record OperatorCommand(
        String commandId,
        CommandType type,
        String runId,
        String actor,
        String reason,
        long issuedAt,
        String rule,
        SilenceMatcher silence,
        long silenceMillis,
        String silenceId,
        boolean synthetic) {

    /** The run id of a silence that covers every run (matching by rule and labels). */
    public static final String ALL_RUNS = "*";

    /** The longest silence: seven days. A longer quiet is a rule change, not a silence. */
    public static final long MAX_SILENCE_MILLIS = 7L * 24 * 3600 * 1000;

    public OperatorCommand {
        requireText(commandId, "command_id");
        Objects.requireNonNull(type, "type");
        requireText(runId, "run_id");
        requireText(actor, "actor");
        requireText(reason, "reason");
        if (type == CommandType.ACK) {
            requireText(rule, "rule (the rule whose alert is acknowledged)");
        } else if (rule != null) {
            throw new IllegalArgumentException("only ack names a rule; a " + type.id() + " command does not");
        }
        if (type == CommandType.SILENCE) {
            Objects.requireNonNull(silence, "silence");
            if (silence.rule() == null && silence.labels().isEmpty() && runId.equals(ALL_RUNS)) {
                throw new IllegalArgumentException("a silence of every run must match a rule or labels");
            }
            if (silenceMillis <= 0 || silenceMillis > MAX_SILENCE_MILLIS) {
                throw new IllegalArgumentException("a silence lasts more than 0 and at most 7d, not " + silenceMillis
                        + " ms");
            }
        } else if (silence != null || silenceMillis != 0) {
            throw new IllegalArgumentException("only silence carries a matcher and a duration");
        }
        if (type == CommandType.UNSILENCE) {
            requireText(silenceId, "silence_id (the command id of the silence to end)");
        } else if (silenceId != null) {
            throw new IllegalArgumentException("only unsilence names a silence_id");
        }
        if (runId.equals(ALL_RUNS) && type != CommandType.SILENCE && type != CommandType.UNSILENCE) {
            throw new IllegalArgumentException("only silence and unsilence may address every run (\"*\"), not "
                    + type.id());
        }
    }

    /** Whether this command addresses every run rather than one. */
    public boolean allRuns() {
        return runId.equals(ALL_RUNS);
    }

    /** When a silence ends, epoch milliseconds ({@code issuedAt + silenceMillis}). */
    public long silenceUntil() {
        return issuedAt + silenceMillis;
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
    }
}
