package dev.anneal.watcher.core.decode;

import static dev.anneal.watcher.core.decode.DecodeTestSupport.decode;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.map;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.onlyRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.watcher.rules.model.FieldValues;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** JSON values become the normalised field types documented on TelemetryRecord. */
class NormalisationTest {

    @Test
    void valuesAreNormalised() {
        TelemetryRecord record = onlyRecord(decode("{\"epoch\": 1, \"updates\": 4, \"loss_total\": -0.5, "
                + "\"ok\": true, \"none\": null, \"list\": [1, \"a\", null, [2]], \"obj\": {\"z\": 1, \"a\": {\"y\": false}}, "
                + "\"big\": 12345678901234567890, \"text\": \"é\\u00e9\\n\"}\n", InputFormat.NDJSON));

        assertThat(record.kind()).isEqualTo(RecordKind.PPO);
        assertThat(record.field("epoch")).isInstanceOf(Double.class).isEqualTo(1.0);
        assertThat(record.field("loss_total")).isEqualTo(-0.5);
        assertThat(record.field("ok")).isEqualTo(Boolean.TRUE);
        assertThat(record.field("none")).isSameAs(FieldValues.NULL);
        assertThat(record.field("missing")).isNull();
        assertThat(record.field("big")).isEqualTo(1.2345678901234567890e19);
        assertThat(record.field("text")).isEqualTo("éé\n");
        assertThat(record.field("list")).isEqualTo(List.of(1.0, "a", FieldValues.NULL, List.of(2.0)));
        assertThat(record.field("obj")).isInstanceOf(LinkedHashMap.class);
        assertThat(map(record.field("obj")).keySet()).containsExactly("z", "a");
        assertThat(map(record.field("obj")).get("a")).isEqualTo(java.util.Map.of("y", false));
        assertThat(record.fields().keySet()).containsExactly("epoch", "updates", "loss_total", "ok", "none", "list",
                "obj", "big", "text");
    }

    @Test
    void listsAndTheFieldMapAreUnmodifiable() {
        TelemetryRecord record = onlyRecord(decode("{\"loss_total\": 1.0, \"list\": [1]}\n", InputFormat.NDJSON));

        assertThatThrownBy(() -> ((List<?>) record.field("list")).clear())
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> record.fields().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void dottedKeysStayOneFlatKey() {
        TelemetryRecord record = onlyRecord(decode("{\"loss_total\": 1.0, \"conflict.rivalry_max_mean_avg\": 0.25,"
                + " \"conflict.rivalry_avoid_count_max_avg\": 0.5}\n", InputFormat.NDJSON));

        assertThat(record.fields()).containsEntry("conflict.rivalry_max_mean_avg", 0.25)
                .containsEntry("conflict.rivalry_avoid_count_max_avg", 0.5)
                .doesNotContainKey("conflict");
    }

    @Test
    void duplicateKeysKeepTheLastValueLikePython() {
        TelemetryRecord record = onlyRecord(decode("{\"loss_total\": 1.0, \"loss_total\": 2.0}\n", InputFormat.NDJSON));

        assertThat(record.field("loss_total")).isEqualTo(2.0);
    }

    @Test
    void nanTokenIsParsedThenRejectedNamingTheKey() {
        Rejection rejection = DecodeTestSupport.onlyRejection(
                decode("{\"epoch\": 1.0, \"updates\": 2.0, \"kl_divergence\": NaN, \"loss_total\": 1.0}\n",
                        InputFormat.NDJSON));

        assertThat(rejection.reason()).isEqualTo("non-finite number for key kl_divergence");
    }

    @Test
    void bcAuditKeepsItsDatasetsAsMaps() {
        TelemetryRecord record = onlyRecord(DecodeTestSupport.decodeResource("bc_audit.json", InputFormat.AUTO));

        assertThat(record.kind()).isEqualTo(RecordKind.BC_AUDIT);
        assertThat(record.fields()).containsEntry("failures", 0.0).containsEntry("warnings", 1.0)
                .containsEntry("timestamp", "2025-10-13T06:00:00Z");
        List<?> datasets = (List<?>) record.field("datasets");
        assertThat(datasets).hasSize(2);
        assertThat(map(datasets.get(1))).containsEntry("status", "WARN")
                .containsEntry("findings", List.of("captures directory missing"));
        assertThat(record.hasTimestamp()).isFalse();
    }

    @Test
    void bcStageGetsUniformBcKeysWithoutLosingItsOwn() {
        TelemetryRecord record = onlyRecord(decode(
                "{\"cycle\": 0.0, \"mode\": \"bc\", \"accuracy\": 0.7, \"threshold\": 0.8, \"passed\": false}\n",
                InputFormat.NDJSON));

        assertThat(record.kind()).isEqualTo(RecordKind.BC_STAGE);
        assertThat(record.fields().keySet()).containsExactly("cycle", "mode", "accuracy", "threshold", "passed",
                "bc_accuracy", "bc_threshold", "bc_passed");
        assertThat(record.fields()).containsEntry("bc_accuracy", 0.7).containsEntry("bc_threshold", 0.8)
                .containsEntry("bc_passed", false);
    }
}
