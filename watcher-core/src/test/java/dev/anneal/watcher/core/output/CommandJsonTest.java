package dev.anneal.watcher.core.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.CommandOutcome;
import dev.anneal.watcher.rules.model.CommandType;
import dev.anneal.watcher.rules.model.OperatorCommand;
import dev.anneal.watcher.rules.model.SilenceMatcher;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The wire formats of operator commands and audit records: exact text, round trips, strict reading. */
class CommandJsonTest {

    private static final long T = Instant.parse("2026-12-04T11:02:03Z").toEpochMilli();

    @Test
    void aClearIsWrittenInTheDocumentedOrderAndReadBack() throws Exception {
        OperatorCommand c = new OperatorCommand("c-1", CommandType.CLEAR, "run-42", "alice", "loss is back", T, null,
                null, 0, null, false);
        String json = CommandJson.toJson(c);
        assertThat(json).isEqualTo("{\"command_id\":\"c-1\",\"type\":\"clear\",\"run_id\":\"run-42\",\"actor\":\"alice\","
                + "\"reason\":\"loss is back\",\"issued_at\":\"2026-12-04T11:02:03Z\",\"synthetic\":false}");
        assertThat(CommandJson.parse(json)).isEqualTo(c);
    }

    @Test
    void aSilenceOfEveryRunRoundTrips() throws Exception {
        OperatorCommand c = new OperatorCommand("s-1", CommandType.SILENCE, OperatorCommand.ALL_RUNS, "bob",
                "maintenance", T, null, new SilenceMatcher("stale_telemetry", Map.of("pack", "anneal-gates")),
                5_400_000, null, true);
        String json = CommandJson.toJson(c);
        assertThat(json).contains("\"silence\":{\"rule\":\"stale_telemetry\",\"labels\":{\"pack\":\"anneal-gates\"},"
                + "\"duration\":\"1h30m\"}");
        assertThat(CommandJson.parse(json)).isEqualTo(c);
        assertThat(c.silenceUntil()).isEqualTo(T + 5_400_000);
    }

    @Test
    void anAuditRecordRoundTrips() throws Exception {
        OperatorCommand c = new OperatorCommand("a-1", CommandType.ACK, "run-42", "alice", "on it", T, "loss_flag",
                null, 0, null, false);
        AuditRecord a = new AuditRecord(c, CommandOutcome.REFUSED, "rule loss_flag has no firing alert", T + 1000, 12,
                "sha256:abc");
        String json = AuditJson.toJson(a);
        assertThat(json).startsWith("{\"schema\":\"watcher.audit/v1\",\"command_id\":\"a-1\",\"type\":\"ack\"")
                .endsWith("\"outcome\":\"refused\",\"detail\":\"rule loss_flag has no firing alert\","
                        + "\"applied_at\":\"2026-12-04T11:02:04Z\",\"run_records\":12,\"rule_set\":\"sha256:abc\"}");
        assertThat(AuditJson.parse(json)).isEqualTo(a);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "{\"command_id\":\"c\",\"type\":\"clear\",\"run_id\":\"r\",\"actor\":\"a\",\"issued_at\":\"2026-12-04T11:02:03Z\"}"
            + "|reason is required",
        "{\"command_id\":\"c\",\"type\":\"freeze\",\"run_id\":\"r\",\"actor\":\"a\",\"reason\":\"x\",\"issued_at\":\"2026-12-04T11:02:03Z\"}"
            + "|type 'freeze' is not a command; use clear, ack, silence, unsilence or end",
        "{\"command_id\":\"c\",\"type\":\"ack\",\"run_id\":\"r\",\"actor\":\"a\",\"reason\":\"x\",\"issued_at\":\"2026-12-04T11:02:03Z\"}"
            + "|rule (the rule whose alert is acknowledged) is required",
        "{\"command_id\":\"c\",\"type\":\"clear\",\"run_id\":\"r\",\"actor\":\"a\",\"reason\":\"x\",\"issued_at\":\"yesterday\"}"
            + "|issued_at 'yesterday' is not an ISO-8601 UTC time such as 2026-12-04T11:02:03Z",
        "{\"command_id\":\"c\",\"type\":\"clear\",\"run_id\":\"r\",\"actor\":\"a\",\"reason\":\"x\",\"issued_at\":\"2026-12-04T11:02:03Z\",\"by\":1}"
            + "|unknown key 'by'; a command has actor, command_id, issued_at, reason, rule, run_id, silence, silence_id, synthetic, type",
        "{\"command_id\":\"c\",\"type\":\"silence\",\"run_id\":\"r\",\"actor\":\"a\",\"reason\":\"x\",\"issued_at\":\"2026-12-04T11:02:03Z\",\"silence\":{\"rule\":\"k\",\"duration\":\"8d\"}}"
            + "|a silence lasts more than 0 and at most 7d, not 691200000 ms",
        "{\"command_id\":\"c\",\"type\":\"end\",\"run_id\":\"*\",\"actor\":\"a\",\"reason\":\"x\",\"issued_at\":\"2026-12-04T11:02:03Z\"}"
            + "|only silence and unsilence may address every run (\"*\"), not end",
    })
    void badCommandsSayWhichFieldIsWrong(String json, String message) {
        assertThatThrownBy(() -> CommandJson.parse(json)).isInstanceOf(CommandFormatException.class)
                .hasMessage(message);
    }
}
