package dev.anneal.watcher.core.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.model.Ack;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.Silence;
import dev.anneal.watcher.rules.model.SilenceMatcher;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertJsonTest {

    @Test
    void writesFieldsInFixedOrderWithSortedLabelsAndRuleOrderAnnotations() {
        assertThat(AlertJson.toJson(Fixtures.alert(AlertState.FIRING, 0.026, 2))).isEqualTo("{"
                + "\"id\":\"a1b2c3d4e5f60718\",\"rule\":\"kl_threshold\",\"run_id\":\"run-1\","
                + "\"state\":\"firing\",\"severity\":\"warning\",\"action\":\"HOLD\","
                + "\"value\":0.026,\"threshold\":0.01,\"source\":\"a.jsonl:2[0]\",\"started_at\":\"a.jsonl:2\","
                + "\"event_time\":1,"
                + "\"labels\":{\"alertname\":\"kl_threshold\",\"run_id\":\"run-1\",\"team\":\"rl\"},"
                + "\"annotations\":{\"summary\":\"kl 0.026 above 0.01\",\"runbook_url\":\"https://example.invalid/kl\"},"
                + "\"synthetic\":false,\"rule_set\":\"sha256:00112233aabbccdd\","
                + "\"resolved_by\":null,\"acked\":null,\"silenced\":null}");
    }

    @Test
    void operatorMarksAndWhatResolvedTheAlertAreWrittenAtTheEnd() {
        AlertEvent plain = Fixtures.alert(AlertState.FIRING, 0.026, 2);
        long at = Instant.parse("2026-12-04T11:02:04Z").toEpochMilli();
        AlertEvent marked = new AlertEvent(plain.id(), plain.rule(), plain.runId(), plain.state(), plain.severity(),
                plain.action(), plain.value(), plain.threshold(), plain.startedAt(), plain.source(), plain.eventTime(),
                plain.labels(), plain.annotations(), plain.synthetic(), plain.ruleSetDigest(),
                new Ack("c-1", "alice", "on it", at),
                new Silence("c-2", new SilenceMatcher("kl_threshold", Map.of()), at + 7_200_000, "bob", "known"));
        assertThat(AlertJson.toJson(marked)).endsWith("\"rule_set\":\"sha256:00112233aabbccdd\",\"resolved_by\":null,"
                + "\"acked\":{\"command_id\":\"c-1\",\"by\":\"alice\",\"reason\":\"on it\","
                + "\"at\":\"2026-12-04T11:02:04Z\"},"
                + "\"silenced\":{\"silence_id\":\"c-2\",\"until\":\"2026-12-04T13:02:04Z\",\"by\":\"bob\","
                + "\"reason\":\"known\"}}");

        Map<String, String> annotations = new LinkedHashMap<>(plain.annotations());
        annotations.put(AlertEvent.RESOLVED_BY, "run ended: idle for 6h");
        AlertEvent ended = new AlertEvent(plain.id(), plain.rule(), plain.runId(), AlertState.RESOLVED,
                plain.severity(), plain.action(), plain.value(), plain.threshold(), plain.startedAt(), plain.source(),
                plain.eventTime(), plain.labels(), annotations, plain.synthetic(), plain.ruleSetDigest());
        assertThat(AlertJson.toJson(ended)).contains("\"resolved_by\":\"run ended: idle for 6h\",\"acked\":null");
    }

    @Test
    void absentValueIsNullAndWholeNumbersKeepTheirFraction() {
        String json = AlertJson.toJson(Fixtures.alert(AlertState.RESOLVED, null, 3));
        assertThat(json).contains("\"state\":\"resolved\"", "\"value\":null", "\"source\":\"a.jsonl:3[0]\"");
        assertThat(AlertJson.toJson(Fixtures.alert(AlertState.FIRING, 32.0, 2))).contains("\"value\":32.0,");
    }

    @Test
    void linesWriterStreamsOneTerminatedLinePerAlertAndSkipsRecommendationsByDefault() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (JsonLinesWriter w = JsonLinesWriter.alerts(buf)) {
            w.alert(Fixtures.alert(AlertState.FIRING, 0.026, 2));
            w.recommendation(Fixtures.hold());
            w.alert(Fixtures.alert(AlertState.RESOLVED, 0.004, 3));
            assertThat(w.written()).isEqualTo(2);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        assertThat(text).isEqualTo(AlertJson.toJson(Fixtures.alert(AlertState.FIRING, 0.026, 2)) + "\n"
                + AlertJson.toJson(Fixtures.alert(AlertState.RESOLVED, 0.004, 3)) + "\n");
    }

    @Test
    void linesWriterCanIncludeRecommendations() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (JsonLinesWriter w = new JsonLinesWriter(buf, false, true)) {
            w.recommendation(Fixtures.hold());
        }
        assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo(RecommendationJson.toJson(Fixtures.hold()) + "\n");
    }
}
