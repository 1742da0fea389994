package dev.anneal.watcher.core.stream;

import static dev.anneal.watcher.core.stream.StreamHarness.headers;
import static dev.anneal.watcher.core.stream.Telemetry.envelope;
import static dev.anneal.watcher.core.stream.Telemetry.healthy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Every rejected input reaches the dead-letter topic with its bytes unchanged and headers saying why. */
class DeadLetterTest {

    @TempDir
    Path stateDir;

    @Test
    void aRejectedRecordKeepsItsBytesAndHeadersAndGainsTheReason() {
        try (StreamHarness h = new StreamHarness(stateDir, StreamHarness.annealGates())) {
            h.send("run-a", healthy());
            // Not UTF-8 and not JSON: the dead letter must still carry exactly these bytes.
            byte[] key = {'r', 'u', 'n', '-', 'a'};
            byte[] value = {'{', '"', 'a', (byte) 0xff, (byte) 0xfe, 0x00, '\n'};
            RecordHeaders inputHeaders = new RecordHeaders();
            inputHeaders.add("producer", "bridge-7".getBytes(StandardCharsets.UTF_8));
            h.rawInput.pipeInput(new TestRecord<>(key, value, inputHeaders, 1_234L));

            TestRecord<byte[], byte[]> dead = h.dlq.readRecord();
            assertThat(dead.key()).isEqualTo(key);
            assertThat(dead.value()).isEqualTo(value);
            assertThat(dead.timestamp()).isEqualTo(1_234L);
            Map<String, String> headers = headers(dead);
            assertThat(headers).containsEntry("producer", "bridge-7")
                    .containsEntry(WatcherTopics.HEADER_REASON_CATEGORY, "invalid_json")
                    .containsEntry(WatcherTopics.HEADER_ERROR_CLASS, "bad_input")
                    .containsEntry(WatcherTopics.HEADER_SOURCE_TOPIC, "anneal.telemetry")
                    .containsEntry(WatcherTopics.HEADER_SOURCE_PARTITION, "0")
                    .containsEntry(WatcherTopics.HEADER_SOURCE_OFFSET, "1")
                    .containsEntry(WatcherTopics.HEADER_POSITION, "anneal.telemetry/0:2");
            assertThat(headers.get(WatcherTopics.HEADER_REASON)).startsWith("invalid JSON: ");
            assertThat(h.dlq.isEmpty()).isTrue();
            assertThat(h.alerts.isEmpty()).isTrue();
        }
    }

    @Test
    void eachKindOfRejectionIsADeadLetterWithItsExactReason() {
        try (StreamHarness h = new StreamHarness(stateDir, StreamHarness.annealGates())) {
            // decoder rejections
            h.send("run-a", "{\"schema_version\": \"0.9.0\", \"tick\": 1}");
            h.send("run-a", "{\"epoch\": 1.0, \"loss_total\": NaN}");
            h.send("run-a", "[1, 2]");
            // the packs' requirements (RuleSet.rejectReason)
            h.send("run-a", "{\"epoch\": 1.0, \"loss_total\": 1.3}");
            // a keyed record whose envelope names another run
            h.send("run-a", envelope("run-b", healthy()));
            // an empty message and a tombstone
            h.send("run-a", "   ");
            h.send("run-a", null);

            List<TestRecord<byte[], byte[]>> dead = h.dlq.readRecordsToList();
            List<String> got = dead.stream()
                    .map(r -> headers(r).get(WatcherTopics.HEADER_POSITION) + " "
                            + headers(r).get(WatcherTopics.HEADER_REASON_CATEGORY) + " | "
                            + headers(r).get(WatcherTopics.HEADER_REASON))
                    .toList();
            assertThat(got).containsExactly(
                    "anneal.telemetry/0:1 world_telemetry | world telemetry (K10) records are not evaluated by the watcher",
                    "anneal.telemetry/0:2 non_finite | non-finite number for key loss_total",
                    "anneal.telemetry/0:3[0] not_an_object | not a JSON object (found number)",
                    "anneal.telemetry/0:3[1] not_an_object | not a JSON object (found number)",
                    "anneal.telemetry/0:4 missing_keys | missing keys grad_norm, kl_divergence",
                    "anneal.telemetry/0:5 run_id_mismatch | envelope run_id \"run-b\" differs from the record key"
                            + " \"run-a\"; key records by their run id",
                    "anneal.telemetry/0:6 empty | " + WatcherProcessor.EMPTY_MESSAGE,
                    "anneal.telemetry/0:7 empty | " + WatcherProcessor.EMPTY_MESSAGE);
            // Every rejection, whatever its category, is bad input.
            assertThat(dead).extracting(r -> headers(r).get(WatcherTopics.HEADER_ERROR_CLASS))
                    .hasSize(8).containsOnly("bad_input");
            assertThat(h.recommendations.isEmpty()).as("nothing was accepted").isTrue();
            assertThat(h.store().approximateNumEntries()).isZero();
        }
    }

    @Test
    void theFirstRejectionOfEachCategoryIsLoggedWithItsErrorClass() {
        Logger logger = (Logger) LoggerFactory.getLogger(DeadLetters.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try (StreamHarness h = new StreamHarness(stateDir, StreamHarness.annealGates())) {
            h.send("run-a", "{not json");
            h.send("run-a", "{\"epoch\": 1.0, \"loss_total\": 1.3}");
            h.send("run-a", "[1");
            h.send("run-a", "{\"epoch\": 1.0, \"loss_total\": 1.4}");
            assertThat(h.dlq.readRecordsToList()).hasSize(4);
        } finally {
            logger.detachAppender(appender);
        }
        assertThat(appender.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.WARN);
        assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "rejected the record at anneal.telemetry/0:1: invalid JSON: Unexpected character ('n' (code 110)): "
                        + "was expecting double-quote to start field name (line 1, column 2) (further invalid_json "
                        + "rejections of this task are only counted in watcher_records_rejected_total and "
                        + "dead-lettered)",
                "rejected the record at anneal.telemetry/0:2: missing keys grad_norm, kl_divergence (further "
                        + "missing_keys rejections of this task are only counted in watcher_records_rejected_total "
                        + "and dead-lettered)");
        assertThat(appender.list).allSatisfy(e -> assertThat(e.getKeyValuePairs())
                .extracting(kv -> kv.key + "=" + kv.value).contains(ErrorLog.FIELD + "=bad_input"));
    }

    @Test
    void aMessageWithOneBadElementIsEvaluatedAndDeadLetteredOnce() {
        try (StreamHarness h = new StreamHarness(stateDir, StreamHarness.annealGates())) {
            String message = "[" + healthy() + ", \"oops\"]";
            h.send("run-a", message);
            List<TestRecord<byte[], byte[]>> dead = h.dlq.readRecordsToList();
            assertThat(dead).hasSize(1);
            assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo(message);
            assertThat(headers(dead.get(0))).contains(entry(WatcherTopics.HEADER_POSITION, "anneal.telemetry/0:1[1]"),
                    entry(WatcherTopics.HEADER_REASON, "not a JSON object (found string)"));
            assertThat(h.recommendations.readValue()).contains("\"action\":\"PASS\"")
                    .contains("\"source\":\"anneal.telemetry/0:1[0]\"");
        }
    }
}
