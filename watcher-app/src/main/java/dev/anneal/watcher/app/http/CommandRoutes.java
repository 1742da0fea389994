package dev.anneal.watcher.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.watcher.core.command.CommandDraft;
import dev.anneal.watcher.core.command.CommandSendException;
import dev.anneal.watcher.core.command.InvalidCommandException;
import dev.anneal.watcher.core.command.Receipt;
import dev.anneal.watcher.rules.model.CommandType;
import dev.anneal.watcher.rules.model.OperatorCommand;
import dev.anneal.watcher.rules.yaml.Durations;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The operator commands of the HTTP API, all {@link Access#WRITE} (refused with 403 until an API
 * token is configured, 401/403 without the right one):
 *
 * <ul>
 *   <li>{@code POST /api/runs/{id}/clear}, {@code /end}: body {@code {"reason", "actor"?, "command_id"?}};</li>
 *   <li>{@code POST /api/runs/{id}/ack}: body {@code {"rule", "reason", "actor"?, "command_id"?}};</li>
 *   <li>{@code POST /api/runs/{id}/silence}: body {@code {"rule"?, "labels"?, "duration", "reason", ...}};</li>
 *   <li>{@code POST /api/silences}: the same body, a silence of every run (it names a rule or labels);</li>
 *   <li>{@code DELETE /api/silences/{id}}: body {@code {"reason", "run_id"?, ...}}: ends the silence
 *       whose command id is {@code id} (of one run with {@code run_id}, else of every run).</li>
 * </ul>
 *
 * Each checks its body as the CLI checks its options ({@link CommandDraft}: 400 naming the field),
 * sends the command to the commands topic and waits at most {@link #AUDIT_WAIT} for its audit
 * record: 200 applied (or {@code duplicate}: the command id had been applied), 409 refused (the
 * detail says why), 202 sent but not answered yet (it may still apply: the audit topic will say).
 * The actor is the body's {@code actor}, else {@value #DEFAULT_ACTOR}. Every answer is
 * {@code {"command_id", "status", "detail", "audit": [audit records as published]}}.
 */
public final class CommandRoutes {

    /** How long an endpoint waits for the audit record: well inside the server's request timeout. */
    public static final Duration AUDIT_WAIT = Duration.ofSeconds(10);
    /** The actor of a command whose body names none. */
    public static final String DEFAULT_ACTOR = "api";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> COMMON = Set.of("reason", "actor", "command_id");
    /** The body field (or path parameter) each command field comes from, where the names differ. */
    private static final Map<String, String> FIELDS = Map.of("silence.duration", "duration", "silence.rule", "rule",
            "silence.labels", "labels", "silence", "rule", "silence_id", "id");

    /** Sends a command and waits for its audit record ({@code CommandClient::sendAndAwait} in the daemon). */
    @FunctionalInterface
    public interface Sender {
        Receipt sendAndAwait(OperatorCommand command, Duration wait) throws CommandSendException, InterruptedException;
    }

    private final Sender sender;
    private final Clock clock;
    private final Duration wait;

    private CommandRoutes(Sender sender, Clock clock, Duration wait) {
        this.sender = Objects.requireNonNull(sender, "sender");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.wait = Objects.requireNonNull(wait, "wait");
    }

    /** The routes, sending through {@code sender}; commands are issued at {@code clock}'s time. */
    public static List<Route> routes(Sender sender, Clock clock) {
        return routes(sender, clock, AUDIT_WAIT);
    }

    /** The routes, waiting at most {@code wait} for each audit record. */
    public static List<Route> routes(Sender sender, Clock clock, Duration wait) {
        CommandRoutes r = new CommandRoutes(sender, clock, wait);
        return List.of(
                Route.post("/api/runs/{id}/clear", Access.WRITE, call -> r.handle(call, CommandType.CLEAR, Set.of())),
                Route.post("/api/runs/{id}/ack", Access.WRITE, call -> r.handle(call, CommandType.ACK,
                        Set.of("rule"))),
                Route.post("/api/runs/{id}/silence", Access.WRITE, call -> r.handle(call, CommandType.SILENCE,
                        Set.of("rule", "labels", "duration"))),
                Route.post("/api/runs/{id}/end", Access.WRITE, call -> r.handle(call, CommandType.END, Set.of())),
                Route.post("/api/silences", Access.WRITE, call -> r.handle(call, CommandType.SILENCE,
                        Set.of("rule", "labels", "duration"))),
                new Route("DELETE", PathTemplate.of("/api/silences/{id}"), Access.WRITE,
                        call -> r.handle(call, CommandType.UNSILENCE, Set.of("run_id"))));
    }

    private Reply handle(HttpCall call, CommandType type, Set<String> own) {
        OperatorCommand command;
        try {
            ObjectNode body = body(call, own);
            command = draft(call, type, body).build(clock.instant());
        } catch (InvalidCommandException e) {
            String field = FIELDS.getOrDefault(e.field(), e.field());
            return badRequest(field, field + ": " + e.problem());
        }
        Receipt receipt;
        try {
            receipt = sender.sendAndAwait(command, wait);
        } catch (CommandSendException e) {
            int status = e.kind() == CommandSendException.Kind.REFUSED_BY_KAFKA ? 502 : 503;
            Reply reply = Reply.json(status, RunsJson.error("command " + command.commandId() + " not sent: "
                    + e.getMessage()));
            return status == 503 ? reply.withHeader("Retry-After", "5") : reply;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reply.json(503, RunsJson.error("interrupted while sending command " + command.commandId()
                    + "; the server is stopping"));
        }
        return answer(receipt, wait);
    }

    private static CommandDraft draft(HttpCall call, CommandType type, ObjectNode body)
            throws InvalidCommandException {
        String run = switch (type) {
            case UNSILENCE -> text(body, "run_id");
            case SILENCE -> call.params().get("id");
            default -> call.param("id");
        };
        String actor = body.has("actor") ? text(body, "actor") : DEFAULT_ACTOR;
        return new CommandDraft(type, run, actor, text(body, "reason"), text(body, "command_id"), text(body, "rule"),
                labels(body), text(body, "duration"), type == CommandType.UNSILENCE ? call.param("id") : null);
    }

    private static ObjectNode body(HttpCall call, Set<String> own) throws InvalidCommandException {
        JsonNode node;
        try {
            node = call.body().length == 0 ? null : MAPPER.readTree(call.body());
        } catch (JsonProcessingException e) {
            throw new InvalidCommandException("body", "not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new InvalidCommandException("body", "cannot be read: " + e.getMessage());
        }
        if (!(node instanceof ObjectNode o)) {
            throw new InvalidCommandException("body", "expected a JSON object such as {\"reason\": \"...\"}");
        }
        Set<String> allowed = new TreeSet<>(COMMON);
        allowed.addAll(own);
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new InvalidCommandException(k, "unknown field; this endpoint takes " + String.join(", ", allowed));
            }
        }
        return o;
    }

    private static String text(ObjectNode body, String field) throws InvalidCommandException {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidCommandException(field, "expected a string");
        }
        return v.asText();
    }

    private static Map<String, String> labels(ObjectNode body) throws InvalidCommandException {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode v = body.get("labels");
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isObject()) {
            throw new InvalidCommandException("labels", "expected an object of label names to values");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new InvalidCommandException("labels." + e.getKey(), "expected a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static Reply answer(Receipt receipt, Duration wait) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("command_id", receipt.command().commandId());
        o.put("status", receipt.status().name().toLowerCase(Locale.ROOT));
        o.put("detail", receipt.status() == Receipt.Status.PENDING && receipt.audits().isEmpty()
                ? "sent; no audit record within " + Durations.format(wait) + ": it may still apply, the audit "
                        + "topic will say" : receipt.detail());
        ArrayNode audit = o.putArray("audit");
        for (Receipt.Audit a : receipt.audits()) {
            try {
                audit.add(MAPPER.readTree(a.json()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("an audit record that was parsed is JSON", e);
            }
        }
        int status = switch (receipt.status()) {
            case APPLIED, DUPLICATE -> 200;
            case REFUSED -> 409;
            case PENDING -> 202;
        };
        return Reply.json(status, (o + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static Reply badRequest(String field, String message) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("error", message);
        o.put("field", field);
        return Reply.json(400, (o + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
