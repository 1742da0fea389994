package dev.anneal.watcher.app.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.watcher.app.config.LogFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The log lines of alert transitions and recommendation changes, in text and in JSON. */
class OutputLogTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static final String FIRING = """
            {"id":"c2518c9757dde82b","rule":"kl_grad_rollback","run_id":"run-a","state":"firing",\
            "severity":"critical","action":"ROLLBACK","value":0.07,"threshold":0.05,"source":"anneal.telemetry/2:2",\
            "started_at":"anneal.telemetry/2:2","event_time":1,"labels":{},"annotations":{"summary":"kl 0.07 too high"},\
            "synthetic":false,"rule_set":"sha256:1"}""";

    static final String RESOLVED = FIRING.replace("\"state\":\"firing\"", "\"state\":\"resolved\"");

    static final String RECOMMENDATION = """
            {"run_id":"run-a","action":"FREEZE","latched":true,"reasons":["grad_norm_spike: grad_norm 3.5 > 3"],\
            "evidence":[],"source":"anneal.telemetry/0:3","event_time":1,"synthetic":false,"rule_set":"sha256:1"}""";

    @Test
    void alertTransitionsAndRecommendationChangesAreOneReadableLineEach() throws Exception {
        try (ItSupport.CapturedLogs logs = new ItSupport.CapturedLogs()) {
            OutputLog.logAlert(MAPPER.readTree(FIRING));
            OutputLog.logAlert(MAPPER.readTree(RESOLVED));
            OutputLog.logRecommendation(MAPPER.readTree(RECOMMENDATION));
            List<ILoggingEvent> events = logs.events();
            assertThat(events).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.INFO, Level.INFO);
            assertThat(events).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                    "alert kl_grad_rollback firing for run run-a: ROLLBACK (critical), value 0.07, threshold 0.05 at "
                            + "anneal.telemetry/2:2: kl 0.07 too high",
                    "alert kl_grad_rollback resolved for run run-a: ROLLBACK (critical), value 0.07, threshold 0.05 at "
                            + "anneal.telemetry/2:2",
                    "recommendation for run run-a: FREEZE (latched) because grad_norm_spike: grad_norm 3.5 > 3 at "
                            + "anneal.telemetry/0:3");
        }
    }

    @Test
    void jsonLogsCarryTheFieldsAsKeyValuePairs() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Logging.use(LogFormat.JSON);
            OutputLog.logAlert(MAPPER.readTree(FIRING));
        } finally {
            Logging.use(LogFormat.TEXT);
            System.setErr(original);
        }
        String line = captured.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("dev.anneal.watcher.alerts")).findFirst().orElseThrow();
        JsonNode json = MAPPER.readTree(line);
        assertThat(json.get("level").asText()).isEqualTo("WARN");
        assertThat(json.get("formattedMessage").asText()).startsWith("alert kl_grad_rollback firing for run run-a");
        assertThat(json.get("kvpList").toString()).contains("{\"rule\":\"kl_grad_rollback\"}")
                .contains("{\"run_id\":\"run-a\"}").contains("{\"action\":\"ROLLBACK\"}");
    }
}
