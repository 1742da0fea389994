package dev.anneal.watcher.app.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.watcher.app.config.LogFormat;
import dev.anneal.watcher.core.stream.ErrorLog;
import dev.anneal.watcher.rules.model.ErrorClass;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** A failure's error class shows in both log formats of {@code watcher run}; other events look as before. */
class ErrorLogFormatTest {

    private static final Logger LOG = LoggerFactory.getLogger("dev.anneal.watcher.test.errors");

    @Test
    void textLinesNameTheErrorClassBeforeTheMessageAndNothingElse() {
        List<String> lines = captured(LogFormat.TEXT, () -> {
            ErrorLog.at(LOG, Level.ERROR, ErrorClass.BAD_CONFIG).addKeyValue("event", "rules_reload")
                    .log("rules reload ({}) refused", "SIGHUP");
            LOG.atWarn().addKeyValue("event", "alert").log("alert kl_gate firing");
            LOG.info("plain");
        });
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains(" ERROR ")
                .endsWith(" - error_class=bad_config rules reload (SIGHUP) refused");
        assertThat(lines.get(1)).endsWith(" - alert kl_gate firing");
        assertThat(lines.get(2)).endsWith(" - plain");
    }

    @Test
    void jsonLinesCarryTheErrorClassAsAField() throws Exception {
        List<String> lines = captured(LogFormat.JSON, () -> ErrorLog.at(LOG, Level.WARN, ErrorClass.FATAL)
                .log("the stored state of run {} cannot be read", "run-a"));
        assertThat(lines).hasSize(1);
        JsonNode json = new ObjectMapper().readTree(lines.get(0));
        assertThat(json.get("formattedMessage").asText()).isEqualTo("the stored state of run run-a cannot be read");
        assertThat(json.get("kvpList").toString()).contains("{\"" + ErrorLog.FIELD + "\":\"fatal\"}");
    }

    /** The lines {@code body} logs under {@link #LOG} in {@code format}. */
    private static List<String> captured(LogFormat format, Runnable body) {
        PrintStream original = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            Logging.use(format);
            body.run();
        } finally {
            Logging.use(LogFormat.TEXT);
            System.setErr(original);
        }
        return out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("dev.anneal.watcher.test.errors")
                || l.contains("d.a.watcher.test.errors")).toList();
    }
}
