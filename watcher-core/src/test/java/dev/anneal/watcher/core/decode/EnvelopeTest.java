package dev.anneal.watcher.core.decode;

import static dev.anneal.watcher.core.decode.DecodeTestSupport.decode;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.onlyRecord;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.onlyRejection;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.records;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.rejections;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.model.FieldValues;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The watcher envelope: run id, kind override, timestamps, the synthetic flag, data arrays. */
class EnvelopeTest {

    @Test
    void envelopeFixtureDecodesWithRunIdsTimestampsAndKinds() {
        List<DecodeResult> results = DecodeTestSupport.decodeResource("envelopes.ndjson", InputFormat.AUTO);

        assertThat(rejections(results)).isEmpty();
        List<TelemetryRecord> records = records(results);
        assertThat(records).extracting(r -> r.position().toString()).containsExactly(
                "envelopes.ndjson:1", "envelopes.ndjson:2", "envelopes.ndjson:3", "envelopes.ndjson:4[0]",
                "envelopes.ndjson:4[1]", "envelopes.ndjson:5");
        assertThat(records).extracting(TelemetryRecord::kind).containsExactly(RecordKind.PPO, RecordKind.PPO,
                RecordKind.BC_STAGE, RecordKind.BC_STAGE, RecordKind.PPO, RecordKind.HEALTH);
        assertThat(records).extracting(TelemetryRecord::runId)
                .containsExactly("run-a", "run-a", DecodeTestSupport.RUN, DecodeTestSupport.RUN,
                        DecodeTestSupport.RUN, "run-b");
        assertThat(records).extracting(TelemetryRecord::eventTime).containsExactly(
                Instant.parse("2025-10-15T12:00:00Z").toEpochMilli(), 1760529601000L,
                Instant.parse("2025-10-15T12:00:01.500Z").toEpochMilli(), 3L, 4L, 5L);
        assertThat(records).extracting(TelemetryRecord::hasTimestamp)
                .containsExactly(true, true, true, false, false, false);
        assertThat(records).extracting(TelemetryRecord::synthetic)
                .containsExactly(false, true, false, false, false, false);
        assertThat(records.get(3).fields()).containsEntry("bc_passed", false).containsEntry("bc_accuracy", 0.5);
        assertThat(records.get(2).fields()).containsEntry("bc_passed", true).containsEntry("bc_threshold", 0.8);
    }

    @Test
    void runIdOverrideAppliesOnlyWhereTheEnvelopeNamesNone() {
        DecodeOptions options = new DecodeOptions(InputFormat.AUTO, Optional.of("cli-run"));
        List<TelemetryRecord> records = records(DecodeTestSupport.decode(new TelemetryDecoder(), "envelopes.ndjson",
                new ByteArrayInputStream(DecodeTestSupport.resourceBytes("envelopes.ndjson")), options,
                new Ordinal()));

        assertThat(records).extracting(TelemetryRecord::runId)
                .containsExactly("run-a", "run-a", "cli-run", "cli-run", "cli-run", "run-b");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            "2025-10-15T12:00:00Z"             | 1760529600000
            "2025-10-15T12:00:00.123Z"         | 1760529600123
            "2025-10-15T14:00:00+02:00"        | 1760529600000
            "2025-10-15T12:00:00.000000001Z"   | 1760529600000
            1760529600000                      | 1760529600000
            1760529600000.9                    | 1760529600000
            0                                  | 0
            -1000                              | -1000
            """)
    void tsIsAnIsoInstantOrEpochMillis(String ts, long expected) {
        TelemetryRecord record = onlyRecord(decode(
                "{\"run_id\": \"r\", \"ts\": " + ts + ", \"data\": {\"loss_total\": 1.0}}\n", InputFormat.NDJSON));

        assertThat(record.eventTime()).isEqualTo(expected);
        assertThat(record.hasTimestamp()).isTrue();
    }

    @Test
    void badTsRejectsTheWholeMessage() {
        Rejection rejection = onlyRejection(decode(
                "{\"run_id\": \"r\", \"ts\": \"yesterday\", \"data\": [{\"loss_total\": 1.0}, {\"loss_total\": 2.0}]}\n",
                InputFormat.NDJSON));

        assertThat(rejection.reason())
                .isEqualTo("envelope ts \"yesterday\" is not an ISO-8601 instant or epoch milliseconds");
        assertThat(rejection.position().toString()).isEqualTo("input:1");
    }

    @Test
    void envelopeKindOverridesDetection() {
        TelemetryRecord ppo = onlyRecord(decode("{\"kind\": \"ppo\", \"data\": {\"custom\": 1}}\n", InputFormat.NDJSON));
        TelemetryRecord bc = onlyRecord(decode("{\"kind\": \"bc_stage\", \"data\": {\"accuracy\": 0.5}}\n",
                InputFormat.NDJSON));
        TelemetryRecord audit = onlyRecord(decode("{\"kind\": \"bc_audit\", \"data\": {\"loss_total\": 1.0}}\n",
                InputFormat.NDJSON));

        assertThat(ppo.kind()).isEqualTo(RecordKind.PPO);
        assertThat(ppo.fields()).isEqualTo(Map.of("custom", 1.0));
        assertThat(bc.kind()).isEqualTo(RecordKind.BC_STAGE);
        assertThat(bc.fields()).containsEntry("bc_accuracy", 0.5).containsEntry("bc_threshold", FieldValues.NULL)
                .containsEntry("bc_passed", true);
        assertThat(audit.kind()).isEqualTo(RecordKind.BC_AUDIT);
    }

    @Test
    void envelopeKindAppliesToEveryElementOfADataArray() {
        List<DecodeResult> results = decode("{\"kind\": \"ppo\", \"data\": [{\"a\": 1}, {\"b\": 2}]}\n",
                InputFormat.NDJSON);

        assertThat(records(results)).extracting(TelemetryRecord::kind).containsExactly(RecordKind.PPO, RecordKind.PPO);
    }

    @Test
    void nullEnvelopeValuesMeanNotGiven() {
        TelemetryRecord record = onlyRecord(decode(
                "{\"run_id\": null, \"kind\": null, \"ts\": null, \"synthetic\": null, \"data\": {\"loss_total\": 1.0}}\n",
                InputFormat.NDJSON));

        assertThat(record.runId()).isEqualTo(DecodeTestSupport.RUN);
        assertThat(record.kind()).isEqualTo(RecordKind.PPO);
        assertThat(record.hasTimestamp()).isFalse();
        assertThat(record.synthetic()).isFalse();
    }

    @Test
    void dataWithOnlyEnvelopeKeysIsAnEnvelope() {
        TelemetryRecord record = onlyRecord(decode("{\"ts\": 42, \"synthetic\": true, \"data\": {\"loss_total\": 1.0}}\n",
                InputFormat.NDJSON));

        assertThat(record.eventTime()).isEqualTo(42L);
        assertThat(record.synthetic()).isTrue();
        assertThat(record.fields()).containsOnlyKeys("loss_total");
    }

    @Test
    void dataNextToForeignKeysIsAPlainRecord() {
        Rejection rejection = onlyRejection(decode("{\"data\": {\"loss_total\": 1.0}, \"other\": 1}\n",
                InputFormat.NDJSON));

        assertThat(rejection.reason()).isEqualTo("unrecognised record: no known kind matches (keys: data, other)");
    }

    @Test
    void envelopedRehearsalSharesRunIdAndTimestampWithItsStages() {
        List<TelemetryRecord> records = records(decode("{\"run_id\": \"nightly\", \"ts\": 1000, \"data\": "
                + "{\"status\": \"PASS\", \"results\": [{\"mode\": \"bc\", \"cycle\": 0.0, \"accuracy\": 1.0}]}}\n",
                InputFormat.NDJSON));

        assertThat(records).extracting(TelemetryRecord::kind).containsExactly(RecordKind.BC_STAGE, RecordKind.REHEARSAL);
        assertThat(records).extracting(TelemetryRecord::runId).containsOnly("nightly");
        assertThat(records).extracting(TelemetryRecord::eventTime).containsOnly(1000L);
        assertThat(records).extracting(r -> r.position().toString()).containsExactly("input:1[0]", "input:1");
    }
}
