package dev.anneal.watcher.core.command;

import dev.anneal.watcher.rules.model.CommandType;
import dev.anneal.watcher.rules.model.OperatorCommand;
import dev.anneal.watcher.rules.model.SilenceMatcher;
import dev.anneal.watcher.rules.yaml.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * An operator command as a person or a tool asked for it, before it is checked: the fields of
 * {@code watcher clear|ack|silence|unsilence|end} and of the HTTP API's command bodies, loosely
 * typed (text as given). {@link #build} checks every field the same way for both and turns the
 * draft into an {@link OperatorCommand}, or names the field at fault ({@link InvalidCommandException}),
 * so the CLI and the API refuse the same mistakes with the same words.
 *
 * @param type       what is asked
 * @param runId      the run, or null: a silence or unsilence without a run covers every run
 *                   ({@link OperatorCommand#ALL_RUNS})
 * @param actor      who asks
 * @param reason     why (required)
 * @param commandId  the command id, or null for a new random one ({@link #newCommandId()})
 * @param rule       {@code ack}: the rule whose alert is acknowledged; {@code silence}: the rule to
 *                   silence, or null for any rule
 * @param labels     {@code silence}: labels the silenced alerts carry (may be empty)
 * @param duration   {@code silence}: how long, as people write it ({@code 30m}, {@code 2h})
 * @param silenceId  {@code unsilence}: the command id of the silence to end
 */
public record CommandDraft(CommandType type, String runId, String actor, String reason, String commandId,
        String rule, Map<String, String> labels, String duration, String silenceId) {

    /** The longest reason accepted, in characters: an audit trail entry, not a document. */
    public static final int MAX_REASON = 1000;
    /** The longest actor name accepted. */
    public static final int MAX_ACTOR = 100;
    /** The longest run id, rule id or command id accepted. */
    public static final int MAX_ID = 256;
    /** What a command id given by a person or tool may contain. */
    public static final Pattern COMMAND_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    public CommandDraft {
        Objects.requireNonNull(type, "type");
        labels = Map.copyOf(labels == null ? Map.of() : labels);
    }

    /** A new command id: {@code c-} and a random UUID, unique enough never to meet another. */
    public static String newCommandId() {
        return "c-" + UUID.randomUUID();
    }

    /**
     * Checks the draft and builds the command, issued at {@code issuedAt}.
     *
     * @throws InvalidCommandException naming the first field at fault (the wire name: {@code reason},
     *                                 {@code silence.duration}, ...) and what to write instead
     */
    public OperatorCommand build(Instant issuedAt) throws InvalidCommandException {
        String id = commandId == null ? newCommandId() : commandId;
        if (!COMMAND_ID.matcher(id).matches()) {
            throw new InvalidCommandException("command_id", "'" + id + "' is not a command id: 1 to 128 letters, "
                    + "digits, '.', '_', ':' or '-'");
        }
        boolean everyRunAllowed = type == CommandType.SILENCE || type == CommandType.UNSILENCE;
        String run = runId;
        if (run == null) {
            if (!everyRunAllowed) {
                throw new InvalidCommandException("run_id", "a " + type.id() + " command names its run");
            }
            run = OperatorCommand.ALL_RUNS;
        } else {
            checkId("run_id", run);
            if (run.equals(OperatorCommand.ALL_RUNS) && !everyRunAllowed) {
                throw new InvalidCommandException("run_id", "'*' (every run) is for silence and unsilence only");
            }
        }
        checkText("actor", actor, MAX_ACTOR, "who sends it");
        checkText("reason", reason, MAX_REASON, "why, for the audit trail");
        String ackRule = null;
        SilenceMatcher matcher = null;
        long silenceMillis = 0;
        String unsilence = null;
        switch (type) {
            case ACK -> {
                if (rule == null) {
                    throw new InvalidCommandException("rule", "an ack names the rule whose firing alert it acknowledges");
                }
                checkId("rule", rule);
                ackRule = rule;
            }
            case SILENCE -> {
                if (rule != null) {
                    checkId("silence.rule", rule);
                }
                Map<String, String> sorted = new LinkedHashMap<>();
                for (Map.Entry<String, String> e : labels.entrySet()) {
                    if (e.getKey().isBlank() || e.getValue() == null) {
                        throw new InvalidCommandException("silence.labels", "a label is NAME=VALUE with a non-empty "
                                + "name, not '" + e.getKey() + "=" + e.getValue() + "'");
                    }
                    sorted.put(e.getKey(), e.getValue());
                }
                if (rule == null && sorted.isEmpty() && run.equals(OperatorCommand.ALL_RUNS)) {
                    throw new InvalidCommandException("silence", "a silence of every run names a rule or labels "
                            + "(or give a run)");
                }
                silenceMillis = silenceDuration().toMillis();
                matcher = new SilenceMatcher(rule, sorted);
            }
            case UNSILENCE -> {
                if (silenceId == null || silenceId.isBlank()) {
                    throw new InvalidCommandException("silence_id", "unsilence names the silence to end: the "
                            + "command id of the silence");
                }
                unsilence = silenceId;
            }
            case CLEAR, END -> {
                if (rule != null) {
                    throw new InvalidCommandException("rule", "a " + type.id() + " command names no rule");
                }
            }
        }
        try {
            return new OperatorCommand(id, type, run, actor.strip(), reason.strip(), issuedAt.toEpochMilli(), ackRule,
                    matcher, silenceMillis, unsilence, false);
        } catch (IllegalArgumentException e) {
            throw new InvalidCommandException("command", e.getMessage());
        }
    }

    private Duration silenceDuration() throws InvalidCommandException {
        if (duration == null || duration.isBlank()) {
            throw new InvalidCommandException("silence.duration", "a silence lasts a while: give a duration such as "
                    + "30m or 2h (at most 7d)");
        }
        Duration d = Durations.parse(duration.strip()).orElseThrow(() -> new InvalidCommandException(
                "silence.duration", "'" + duration + "' is not a duration; write 30m, 2h or 1d"));
        if (d.toMillis() > OperatorCommand.MAX_SILENCE_MILLIS) {
            throw new InvalidCommandException("silence.duration", "'" + duration + "' is longer than 7d; a longer "
                    + "quiet is a rule change, not a silence");
        }
        return d;
    }

    private static void checkId(String field, String value) throws InvalidCommandException {
        if (value.isBlank() || value.length() > MAX_ID || value.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidCommandException(field, "expected 1 to " + MAX_ID + " printable characters, got '"
                    + value + "'");
        }
    }

    private static void checkText(String field, String value, int max, String what) throws InvalidCommandException {
        if (value == null || value.isBlank()) {
            throw new InvalidCommandException(field, "required: " + what);
        }
        if (value.length() > max) {
            throw new InvalidCommandException(field, "at most " + max + " characters, got " + value.length());
        }
    }
}
