package dev.anneal.watcher.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.watcher.core.stream.WatcherTopics;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** How {@code watcher tail} shows records to people (with and without colour) and to scripts; {@code inject --list}. */
class TailFormatTest {

    private static final String REC = "{\"run_id\":\"qa-1\",\"action\":\"ROLLBACK\",\"latched\":true,"
            + "\"reasons\":[\"loss_drift_rollback: too high\"],\"evidence\":[],\"synthetic\":true}";
    private static final String ALERT = "{\"run_id\":\"qa-1\",\"rule\":\"kl_gate\",\"state\":\"firing\","
            + "\"action\":\"HOLD\",\"severity\":\"warning\",\"value\":0.07,\"threshold\":0.05,"
            + "\"annotations\":{\"summary\":\"kl too high\"},\"synthetic\":false}";

    @Test
    void recommendationsAlertsAndDeadLettersReadAsSuch() {
        TailFormat plain = new TailFormat(false);
        assertThat(plain.human(record("qa-1", REC, true))).isEqualTo(
                "2026-11-28T12:00:00Z  qa-1  ROLLBACK (latched)  loss_drift_rollback: too high  [synthetic]");
        assertThat(plain.human(record("qa-1", ALERT, false))).isEqualTo(
                "2026-11-28T12:00:00Z  qa-1  FIRING kl_gate HOLD warning  value 0.07 threshold 0.05  kl too high");
        RecordHeaders h = new RecordHeaders();
        h.add(WatcherTopics.HEADER_REASON, bytes("not JSON"));
        h.add(WatcherTopics.HEADER_REASON_CATEGORY, bytes("malformed_json"));
        h.add(WatcherTopics.HEADER_POSITION, bytes("anneal.telemetry/0:7"));
        assertThat(plain.human(record("qa-1", "{oops", h))).isEqualTo(
                "2026-11-28T12:00:00Z  qa-1  DEAD LETTER  not JSON [malformed_json] at anneal.telemetry/0:7");
    }

    @Test
    void colourOnlyWhenAskedFor() {
        String coloured = new TailFormat(true).human(record("qa-1", REC, true));
        assertThat(coloured).contains(TailFormat.RED + "ROLLBACK" + TailFormat.RESET,
                TailFormat.CYAN + "[synthetic]" + TailFormat.RESET, TailFormat.BOLD + "qa-1");
        assertThat(new TailFormat(false).human(record("qa-1", REC, true))).doesNotContain("\u001b");
        assertThat(TailCommand.colourWanted(true)).as("--json never colours").isFalse();
    }

    @Test
    void jsonLinesCarryTheWholeRecord() throws Exception {
        var o = new ObjectMapper().readTree(TailFormat.json(record("qa-1", REC, true)));
        assertThat(o.get("topic").asText()).isEqualTo("t");
        assertThat(o.get("offset").asLong()).isEqualTo(5);
        assertThat(o.get("key").asText()).isEqualTo("qa-1");
        assertThat(o.get("headers").get(WatcherTopics.HEADER_SYNTHETIC).asText()).isEqualTo("true");
        assertThat(o.get("value").get("action").asText()).isEqualTo("ROLLBACK");
        assertThat(new ObjectMapper().readTree(TailFormat.json(record(null, "{oops", false))).get("value").asText())
                .isEqualTo("{oops");
        assertThat(TailFormat.runId(record(null, REC, false))).as("keyless: the value's run_id").isEqualTo("qa-1");
    }

    @Test
    void listDescribesEveryScenarioAndItsOutcome() {
        StringWriter out = new StringWriter();
        int code = Cli.execute(new ByteArrayInputStream(new byte[0]), new PrintWriter(out),
                new PrintWriter(new StringWriter()), "inject", "--list");
        assertThat(code).isZero();
        assertThat(out.toString()).contains("SCENARIO", "LEADS TO (anneal-gates)")
                .containsPattern("healthy +PROMOTE ")
                .containsPattern("loss-flag-flip +HOLD \\(anneal_loss_flag\\) ")
                .containsPattern("loss-drift +ROLLBACK \\(loss_drift_rollback\\) ")
                .containsPattern("bc-dip +ROLLBACK \\(bc_accuracy_floor\\) ")
                .containsPattern("kl-grad-spike +ROLLBACK \\(kl_grad_rollback\\) ")
                .containsPattern("queue-collapse +FREEZE \\(queue_drift_freeze\\) ")
                .containsPattern("telemetry-stall +HOLD \\(stale_telemetry\\) ")
                .containsPattern("malformed +PASS, 6 dead letters ");
    }

    private static ConsumerRecord<byte[], byte[]> record(String key, String value, boolean synthetic) {
        RecordHeaders h = new RecordHeaders();
        if (synthetic) {
            h.add(WatcherTopics.HEADER_SYNTHETIC, bytes("true"));
        }
        return record(key, value, h);
    }

    private static ConsumerRecord<byte[], byte[]> record(String key, String value, RecordHeaders headers) {
        return new ConsumerRecord<>("t", 0, 5, 1_795_867_200_000L, TimestampType.CREATE_TIME, -1, -1,
                key == null ? null : bytes(key), bytes(value), headers, Optional.empty());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
