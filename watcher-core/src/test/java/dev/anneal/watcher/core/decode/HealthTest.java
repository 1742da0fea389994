package dev.anneal.watcher.core.decode;

import static dev.anneal.watcher.core.decode.DecodeTestSupport.decodeResource;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.onlyRecord;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.records;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.rejections;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.model.FieldValues;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** townlet tick_health lines (K2). Reasons are covered in RejectionReasonsTest. */
class HealthTest {

    @Test
    void healthLogDecodesLineByLine() {
        List<DecodeResult> results = decodeResource("health.log", InputFormat.AUTO);

        assertThat(results).extracting(r -> r.position().toString()).containsExactly(
                "health.log:1", "health.log:3", "health.log:4", "health.log:5", "health.log:7");
        assertThat(rejections(results)).extracting(Rejection::reason).containsExactly(
                "not a tick_health line",
                "tick_health value for key queue is None",
                "tick_health value for key exit_queue is not a number: \"\"");
        List<TelemetryRecord> records = records(results);
        assertThat(records).extracting(TelemetryRecord::kind).containsOnly(RecordKind.HEALTH);
        assertThat(records).extracting(TelemetryRecord::eventTime).containsExactly(0L, 1L);

        TelemetryRecord first = records.get(0);
        assertThat(first.fields().keySet()).containsExactly("tick", "duration_ms", "queue", "dropped", "flush_ms",
                "payloads_total", "bytes_total", "perturbations_pending", "perturbations_active", "exit_queue");
        assertThat(first.fields()).containsEntry("tick", 1.0).containsEntry("duration_ms", 12.5)
                .containsEntry("flush_ms", FieldValues.NULL);
        assertThat(records.get(1).fields()).containsEntry("duration_ms", 0.001).containsEntry("bytes_total", 512.0)
                .doesNotContainKey("junk");
    }

    @Test
    void surroundingWhitespaceAndRepeatedSpacesAreFine() {
        TelemetryRecord record = onlyRecord(DecodeTestSupport.decode(
                "\t tick_health  tick=+3   duration_ms=.5 queue=0 dropped=2 =7 note  \r\n", InputFormat.HEALTH));

        assertThat(record.fields()).containsExactly(
                java.util.Map.entry("tick", 3.0), java.util.Map.entry("duration_ms", 0.5),
                java.util.Map.entry("queue", 0.0), java.util.Map.entry("dropped", 2.0));
        assertThat(record.runId()).isEqualTo(DecodeTestSupport.RUN);
        assertThat(record.hasTimestamp()).isFalse();
        assertThat(record.synthetic()).isFalse();
    }

    @Test
    void lastDuplicateKeyWins() {
        TelemetryRecord record = onlyRecord(DecodeTestSupport.decode(
                "tick_health tick=1 duration_ms=1 queue=0 dropped=0 queue=5\n", InputFormat.HEALTH));

        assertThat(record.field("queue")).isEqualTo(5.0);
    }
}
