package dev.anneal.watcher.core.output;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.CommandOutcome;
import dev.anneal.watcher.rules.model.OperatorCommand;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * An audit record as one JSON object: the value format of the audit topic ({@code anneal.audit}),
 * of {@code watcher tail audit --json} values and of the {@code commands} of a replay summary.
 * Public API; field order:
 *
 * <pre>
 * schema, command_id, type, run_id, actor, reason, issued_at, [rule], [silence], [silence_id],
 * synthetic, outcome, detail, applied_at, run_records, rule_set
 * </pre>
 *
 * Times are ISO-8601 UTC. {@link #parse} reads one back (so a recorded audit trail can drive
 * {@code replay --commands}).
 */
public final class AuditJson {

    /** The version of this format, written in every record. */
    public static final String SCHEMA = "watcher.audit/v1";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> AUDIT_KEYS = Set.of("schema", "outcome", "detail", "applied_at", "run_records",
            "rule_set");

    private AuditJson() {
    }

    /** The record as one line of JSON, without a line end. */
    public static String toJson(AuditRecord a) {
        return Json.compact(g -> write(g, a));
    }

    /** Writes the record as one JSON object with a caller-supplied generator (the replay summary's {@code commands}). */
    public static void write(JsonGenerator g, AuditRecord a) throws IOException {
        g.writeStartObject();
        g.writeStringField("schema", SCHEMA);
        CommandJson.fields(g, a.command());
        g.writeStringField("outcome", a.outcome().id());
        g.writeStringField("detail", a.detail());
        g.writeStringField("applied_at", Instant.ofEpochMilli(a.appliedAt()).toString());
        g.writeNumberField("run_records", a.runRecords());
        g.writeStringField("rule_set", a.ruleSetDigest());
        g.writeEndObject();
    }

    /** Reads an audit record from its JSON text. */
    public static AuditRecord parse(String json) throws CommandFormatException {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new CommandFormatException("not JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode o)) {
            throw new CommandFormatException("an audit record is a JSON object");
        }
        if (!SCHEMA.equals(o.path("schema").asText())) {
            throw new CommandFormatException("schema must be " + SCHEMA);
        }
        OperatorCommand command = CommandJson.parse(o, AUDIT_KEYS);
        String outcome = o.path("outcome").asText();
        CommandOutcome out = null;
        for (CommandOutcome c : CommandOutcome.values()) {
            if (c.id().equals(outcome)) {
                out = c;
            }
        }
        if (out == null) {
            throw new CommandFormatException("outcome '" + outcome + "' is not applied, refused or duplicate");
        }
        if (!o.path("run_records").canConvertToLong() || !o.path("run_records").isIntegralNumber()) {
            throw new CommandFormatException("run_records must be a whole number");
        }
        long appliedAt;
        try {
            appliedAt = Instant.parse(o.path("applied_at").asText()).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new CommandFormatException("applied_at must be an ISO-8601 UTC time");
        }
        try {
            return new AuditRecord(command, out, o.path("detail").asText(), appliedAt, o.path("run_records").asLong(),
                    o.path("rule_set").asText());
        } catch (IllegalArgumentException e) {
            throw new CommandFormatException(e.getMessage());
        }
    }
}
