package dev.anneal.watcher.core.decode;

import static dev.anneal.watcher.core.decode.DecodeTestSupport.records;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.rejections;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One Kafka message at a time: the same rules as one NDJSON line, one position per message. */
class DecodeMessageTest {

    private final TelemetryDecoder decoder = new TelemetryDecoder();

    @Test
    void objectMessageBecomesOneRecord() {
        List<DecodeResult> results = message("{\"epoch\": 1.0, \"updates\": 4.0}", new Ordinal());

        TelemetryRecord record = DecodeTestSupport.onlyRecord(results);
        assertThat(record.kind()).isEqualTo(RecordKind.PPO);
        assertThat(record.position().toString()).isEqualTo("telemetry-0:42");
        assertThat(record.runId()).isEqualTo("topic-run");
    }

    @Test
    void prettyArrayMessageKeepsTheMessagePositionAndIndexesElements() {
        List<DecodeResult> results = message("[\n  {\"mode\": \"bc\", \"accuracy\": 1.0},\n  {\"mode\": \"ppo\"},\n  3\n]",
                new Ordinal());

        assertThat(results).extracting(r -> r.position().toString())
                .containsExactly("telemetry-0:42[0]", "telemetry-0:42[1]", "telemetry-0:42[2]");
        assertThat(rejections(results)).extracting(Rejection::raw).containsExactly("3");
    }

    @Test
    void envelopeMessageCarriesItsRunIdAndTimestamp() {
        TelemetryRecord record = DecodeTestSupport.onlyRecord(message(
                "{\"run_id\": \"r7\", \"ts\": \"2025-10-15T12:00:00Z\", \"data\": {\"loss_total\": 1.0}}", new Ordinal()));

        assertThat(record.runId()).isEqualTo("r7");
        assertThat(record.eventTime()).isEqualTo(1760529600000L);
    }

    @Test
    void invalidMessageIsOneRejectionWithTheMessageAsRaw() {
        String text = "{\"loss_total\": 1.0, \"epoch\": 1.0";

        Rejection rejection = DecodeTestSupport.onlyRejection(message(text, new Ordinal()));

        assertThat(rejection.reason()).isEqualTo("invalid JSON: Unexpected end-of-input in object (line 1, column 33)");
        assertThat(rejection.raw()).isEqualTo(text);
        assertThat(rejection.position().toString()).isEqualTo("telemetry-0:42");
    }

    @Test
    void blankMessageYieldsNothing() {
        assertThat(message("  \n", new Ordinal())).isEmpty();
        assertThat(message("", new Ordinal())).isEmpty();
    }

    @Test
    void messagesShareTheCallersOrdinal() {
        Ordinal ordinal = new Ordinal();

        message("{\"loss_total\": 1.0}", ordinal);
        List<DecodeResult> second = message("{\"loss_total\": 2.0}", ordinal);

        assertThat(records(second)).extracting(TelemetryRecord::eventTime).containsExactly(1L);
    }

    @Test
    void resultsAreUnmodifiableAndArgumentsChecked() {
        List<DecodeResult> results = message("{\"loss_total\": 1.0}", new Ordinal());

        assertThatThrownBy(results::clear).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> decoder.decodeMessage("t", 0, new byte[0], "run", new Ordinal()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> decoder.decodeMessage("t", 1, new byte[0], " ", new Ordinal()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private List<DecodeResult> message(String json, Ordinal ordinal) {
        return decoder.decodeMessage("telemetry-0", 42, json.getBytes(StandardCharsets.UTF_8), "topic-run", ordinal);
    }
}
