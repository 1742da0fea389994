package dev.anneal.watcher.core.decode;

import static dev.anneal.watcher.core.decode.DecodeTestSupport.decode;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.decodeResource;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.map;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.onlyRecord;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.records;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.rejections;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.model.FieldValues;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Rehearsal summaries (K5 full, K5 CI variant, K5a simple) become stage records plus facts. */
class RehearsalTest {

    @Test
    void ciVariantIsRecognisedAndFlagsFallBackToTheLastStage() {
        List<DecodeResult> results = decodeResource("rehearsal_ci.json", InputFormat.AUTO);

        assertThat(rejections(results)).isEmpty();
        List<TelemetryRecord> records = records(results);
        assertThat(records).extracting(TelemetryRecord::kind)
                .containsExactly(RecordKind.BC_STAGE, RecordKind.PPO, RecordKind.REHEARSAL);
        Map<String, Object> facts = records.get(2).fields();
        assertThat(facts).containsEntry("form", "ci")
                .containsEntry("status_field", "pass")
                .containsEntry("promotion_candidate_ready", false)
                .containsEntry("pass_streak", 1.0)
                .containsEntry("required_passes", 2.0)
                .containsEntry("dataset", "idle_v1")
                .containsEntry("loss_flag", false)
                .containsEntry("queue_flag", true)
                .containsEntry("intensity_flag", false)
                .containsEntry("payload_decision", FieldValues.NULL)
                .containsEntry("payload_candidate_ready", FieldValues.NULL)
                .doesNotContainKeys("bc_accuracy", "bc_stage", "results");
    }

    @Test
    void fullFormFactsRestateThePayloadWithoutDeciding() {
        List<TelemetryRecord> records = records(decodeResource("rehearsal_full.json", InputFormat.AUTO));

        assertThat(records).extracting(TelemetryRecord::kind)
                .containsExactly(RecordKind.BC_STAGE, RecordKind.PPO, RecordKind.PPO, RecordKind.REHEARSAL);
        assertThat(records.get(0).fields()).containsEntry("bc_passed", false).containsEntry("bc_accuracy", 0.7);
        Map<String, Object> facts = records.get(3).fields();
        assertThat(facts).containsEntry("form", "full")
                .containsEntry("status_field", "hold")
                .containsEntry("payload_decision", "HOLD")
                .containsEntry("payload_candidate_ready", true)
                .containsEntry("promotion_candidate_ready", true)
                .containsEntry("pass_streak", 3.0)
                .containsEntry("loss_flag", false)
                .containsEntry("queue_flag", false)
                .containsEntry("intensity_flag", false);
        List<?> stages = (List<?>) facts.get("stages");
        assertThat(map(stages.get(0))).containsEntry("cycle", 0.0).containsEntry("cycle_label", "0")
                .containsEntry("passed", false).containsEntry("threshold", 0.8);
        assertThat(map(stages.get(1))).containsEntry("cycle", FieldValues.NULL).containsEntry("cycle_label", "None")
                .containsEntry("passed", true).containsEntry("loss_flag", false)
                .containsEntry("intensity_flag", true).containsEntry("accuracy", FieldValues.NULL);
        assertThat(map(stages.get(2))).containsEntry("cycle_label", "2.5").containsEntry("loss_flag", true)
                .containsEntry("loss_total", 0.6);
        assertThat(map(stages.get(0)).keySet()).containsExactly("mode", "cycle", "cycle_label", "passed", "accuracy",
                "threshold", "loss_flag", "queue_flag", "intensity_flag", "loss_total");
    }

    @ParameterizedTest(name = "cycle {0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            1.0       | 1.0
            1         | 1
            -0        | 0
            0.5       | 0.5
            1e16      | 1e+16
            "2"       | 2
            true      | True
            null      | None
            """)
    void cycleLabelIsPythonStrOfTheRawToken(String cycle, String label) {
        List<TelemetryRecord> records = records(decode(
                "{\"results\": [{\"mode\": \"bc\", \"cycle\": " + cycle + "}]}\n", InputFormat.NDJSON));

        Map<String, Object> stage = map(((List<?>) records.get(1).field("stages")).get(0));
        assertThat(stage).containsEntry("cycle_label", label);
    }

    @Test
    void payloadStatusAndFlagsAreReadOnlyWhenWellTyped() {
        TelemetryRecord record = records(decode(
                "{\"status\": \"\", \"loss_flag\": \"yes\", \"promotion\": {\"candidate_ready\": \"true\"},"
                        + " \"decision\": 1, \"candidate_ready\": \"no\", \"results\": []}\n",
                InputFormat.NDJSON)).get(0);

        assertThat(record.fields()).containsEntry("status_field", FieldValues.NULL)
                .containsEntry("loss_flag", false)
                .containsEntry("promotion_candidate_ready", false)
                .containsEntry("payload_decision", FieldValues.NULL)
                .containsEntry("payload_candidate_ready", FieldValues.NULL)
                .containsEntry("stages", List.of());
    }

    @Test
    void stagePassedAndFlagsFollowPythonTruthiness() {
        TelemetryRecord record = records(decode("{\"results\": [{\"mode\": \"bc\", \"passed\": null},"
                + " {\"mode\": \"ppo\", \"anneal_loss_flag\": 1, \"anneal_queue_flag\": 0, \"anneal_intensity_flag\": \"x\"}]}\n",
                InputFormat.NDJSON)).get(2);

        List<?> stages = (List<?>) record.field("stages");
        assertThat(map(stages.get(0))).containsEntry("passed", false);
        assertThat(map(stages.get(1))).containsEntry("loss_flag", true).containsEntry("queue_flag", false)
                .containsEntry("intensity_flag", true);
        assertThat(record.fields()).containsEntry("loss_flag", true).containsEntry("intensity_flag", true);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"bc_accuracy": 0.85, "bc_threshold": 0.8}                      | true  | null
            {"bc_accuracy": 0.75, "bc_threshold": 0.8}                      | false | null
            {"bc_accuracy": 0.75, "bc_threshold": 0.8, "bc_passed": true}   | true  | null
            {"bc_accuracy": 0.9, "bc_threshold": 0.8, "bc_passed": null, "candidate_ready": false} | true | false
            """)
    void simpleFormComputesBcPassedOnlyWhenAbsent(String payload, boolean passed, String candidateReady) {
        TelemetryRecord record = onlyRecord(decode(payload + "\n", InputFormat.NDJSON));

        assertThat(record.kind()).isEqualTo(RecordKind.REHEARSAL);
        assertThat(record.fields()).containsEntry("form", "simple").containsEntry("bc_passed", passed)
                .containsEntry("candidate_ready_field",
                        candidateReady.equals("null") ? FieldValues.NULL : Boolean.valueOf(candidateReady));
    }

    @Test
    void simpleFormWithIntegerCycleKeepsItsLabel() {
        TelemetryRecord record = onlyRecord(decode(
                "{\"bc_accuracy\": 1, \"bc_threshold\": 0.8, \"cycle\": 3, \"status\": \"PASS\"}\n", InputFormat.NDJSON));

        assertThat(record.fields()).containsEntry("cycle", 3.0).containsEntry("cycle_label", "3")
                .containsEntry("bc_accuracy", 1.0).containsEntry("status_field", "pass")
                .containsEntry("ppo_loss_total", FieldValues.NULL).containsEntry("dataset", FieldValues.NULL);
    }

    @Test
    void rehearsalWithANonFiniteStageValueIsRejectedWhole() {
        List<DecodeResult> results = decode("{\"results\": [{\"mode\": \"bc\", \"accuracy\": 1.0},"
                + " {\"mode\": \"ppo\", \"loss_total\": NaN}]}\n", InputFormat.NDJSON);

        assertThat(records(results)).isEmpty();
        assertThat(rejections(results)).extracting(Rejection::reason)
                .containsExactly("non-finite number for key results (at results[1].loss_total)");
    }
}
