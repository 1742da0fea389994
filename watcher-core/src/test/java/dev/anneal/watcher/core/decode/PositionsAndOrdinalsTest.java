package dev.anneal.watcher.core.decode;

import static dev.anneal.watcher.core.decode.DecodeTestSupport.decode;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.decodeResource;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.records;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.rejections;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where records and rejections say they came from, and how event-time ordinals are numbered. */
class PositionsAndOrdinalsTest {

    @Test
    void ndjsonResultsCarryTheirPhysicalLineAndElementIndex() {
        List<DecodeResult> results = decodeResource("mixed.ndjson", InputFormat.AUTO);

        assertThat(results).extracting(r -> r.position().toString()).containsExactly(
                "mixed.ndjson:1", "mixed.ndjson:3", "mixed.ndjson:4", "mixed.ndjson:5[0]", "mixed.ndjson:5[1]",
                "mixed.ndjson:6", "mixed.ndjson:8", "mixed.ndjson:9");
        assertThat(results).extracting(r -> r instanceof DecodeResult.Decoded).containsExactly(
                true, false, false, true, false, false, false, true);
        assertThat(rejections(results)).extracting(Rejection::reason).containsExactly(
                "invalid JSON: Unrecognized token 'not': was expecting a JSON value (line 1, column 1)",
                "non-finite number for key loss_total",
                "not a JSON object (found number)",
                "world telemetry (K10) records are not evaluated by the watcher",
                "unrecognised record: no known kind matches (keys: a, b, c)");
        assertThat(rejections(results)).extracting(Rejection::raw).containsExactly(
                "not json at all",
                "{\"epoch\": 2.0, \"updates\": 4.0, \"loss_total\": NaN}",
                "42",
                "{\"schema_version\": \"0.9.0\", \"tick\": 1}",
                "{\"b\": 1, \"a\": 2, \"c\": 3}");
    }

    @Test
    void rejectionsConsumeNoOrdinalAndRecordsAreNumberedInOrder() {
        List<TelemetryRecord> records = records(decodeResource("mixed.ndjson", InputFormat.AUTO));

        assertThat(records).extracting(TelemetryRecord::kind)
                .containsExactly(RecordKind.PPO, RecordKind.BC_STAGE, RecordKind.PPO);
        assertThat(records).extracting(TelemetryRecord::eventTime).containsExactly(0L, 1L, 2L);
        assertThat(records).allSatisfy(r -> assertThat(r.hasTimestamp()).isFalse());
    }

    @Test
    void prettyArrayElementsArePlacedOnTheLineWhereTheyStart() {
        List<DecodeResult> results = decodeResource("anneal_results.json", InputFormat.AUTO);

        assertThat(results).extracting(r -> r.position().toString()).containsExactly(
                "anneal_results.json:2[0]", "anneal_results.json:11[1]", "anneal_results.json:31[2]",
                "anneal_results.json:32[3]");
        assertThat(records(results)).extracting(TelemetryRecord::kind)
                .containsExactly(RecordKind.BC_STAGE, RecordKind.PPO, RecordKind.PPO);
        Rejection rejection = rejections(results).get(0);
        assertThat(rejection.reason()).isEqualTo("not a JSON object (found string)");
        assertThat(rejection.raw()).isEqualTo("\"not a stage\"");
    }

    @Test
    void rehearsalStagesArePlacedWhereTheirElementStarts() {
        List<DecodeResult> results = decodeResource("rehearsal_full.json", InputFormat.AUTO);

        assertThat(results).extracting(r -> r.position().toString()).containsExactly(
                "rehearsal_full.json:4[0]", "rehearsal_full.json:14[1]", "rehearsal_full.json:20[2]",
                "rehearsal_full.json:1");
    }

    @Test
    void leadingBlankLinesShiftDocumentPositions() {
        List<DecodeResult> results = decode("\n\n  {\n \"loss_total\": 1.0\n}\n", InputFormat.AUTO);

        assertThat(results).extracting(r -> r.position().toString()).containsExactly("input:3");
    }

    @Test
    void ordinalsContinueAcrossInputs() {
        Ordinal ordinal = new Ordinal();
        List<DecodeResult> first = decode("a.jsonl", bytes("""
                {"loss_total": 1.0}
                {"run_id": "r", "ts": 5000, "data": {"loss_total": 2.0}}
                {"loss_total": 3.0}
                """), InputFormat.AUTO, ordinal);
        List<DecodeResult> second = decode("b.jsonl", bytes("""
                {"loss_total": 4.0}

                {"loss_total": 5.0}
                """), InputFormat.AUTO, ordinal);

        List<TelemetryRecord> all = new ArrayList<>(records(first));
        all.addAll(records(second));
        assertThat(all).extracting(TelemetryRecord::eventTime).containsExactly(0L, 5000L, 2L, 3L, 4L);
        assertThat(all).extracting(TelemetryRecord::hasTimestamp).containsExactly(false, true, false, false, false);
        assertThat(all).extracting(r -> r.position().toString())
                .containsExactly("a.jsonl:1", "a.jsonl:2", "a.jsonl:3", "b.jsonl:1", "b.jsonl:3");
        assertThat(ordinal.peek()).isEqualTo(5);
    }

    @Test
    void ordinalCanResumeFromAGivenValue() {
        Ordinal ordinal = new Ordinal(41);

        assertThat(ordinal.next()).isEqualTo(41);
        assertThat(ordinal.next()).isEqualTo(42);
        assertThat(ordinal.peek()).isEqualTo(43);
    }

    @Test
    void crlfLineEndingsAndAByteOrderMarkAreAccepted() {
        byte[] content = bytes("\uFEFF{\"loss_total\": 1.0}\r\n\r\n{\"loss_total\": 2.0}\r\n");

        List<DecodeResult> results = decode("crlf.jsonl", content, InputFormat.AUTO, new Ordinal());

        assertThat(rejections(results)).isEmpty();
        assertThat(results).extracting(r -> r.position().toString()).containsExactly("crlf.jsonl:1", "crlf.jsonl:3");
    }

    @Test
    void lastLineWithoutNewlineIsDecoded() {
        List<DecodeResult> results = decode("{\"loss_total\": 1.0}\n{\"loss_total\": 2.0}", InputFormat.NDJSON);

        assertThat(records(results)).hasSize(2);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
