package dev.anneal.watcher.core.decode;

import static dev.anneal.watcher.core.decode.DecodeTestSupport.countByKind;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.records;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.rejections;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.model.FieldValues;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file townlet recorded decodes, with auto-detected format, into the expected number of
 * records per kind and rejections. The table must list every file under the shared data
 * directory, so a new recording cannot slip in untested.
 */
class RecordedDataTest {

    private static final String K10 = "world telemetry (K10) records are not evaluated by the watcher";

    static Stream<Arguments> recordedFiles() {
        return Stream.of(
                // path, ppo, bc_stage, rehearsal, bc_audit, health, rejections, the rejections' reason
                row("artifacts/m5/acceptance/summary_idle_v1.json", 0, 0, 1, 0, 0, 0, null),
                row("artifacts/m5/acceptance/summary_idle_v1_rehearsal.json", 1, 1, 1, 0, 0, 0, null),
                row("artifacts/phase4/employment_punctuality/ppo_mixed.jsonl", 2, 0, 0, 0, 0, 0, null),
                row("artifacts/phase4/employment_punctuality_long/soak_watch.jsonl", 12, 0, 0, 0, 0, 0, null),
                row("artifacts/phase4/kitchen_breakfast_long/soak_watch.jsonl", 12, 0, 0, 0, 0, 0, null),
                row("artifacts/phase4/queue_conflict/ppo_mixed.jsonl", 2, 0, 0, 0, 0, 0, null),
                row("artifacts/phase4/queue_conflict_soak/ppo_soak.jsonl", 12, 0, 0, 0, 0, 0, null),
                row("artifacts/phase4/rivalry_decay/ppo_mixed.jsonl", 2, 0, 0, 0, 0, 0, null),
                row("audit/baselines/worldstate_phase4/snapshots/telemetry_stream.jsonl", 0, 0, 0, 0, 0, 120, K10),
                row("data/bc_datasets/manifests/idle_v1.json", 0, 0, 0, 0, 0, 2,
                        "unrecognised record: no known kind matches (keys: accepted, meta, metrics, sample)"),
                row("docs/samples/ppo_conflict_telemetry.jsonl", 1, 0, 0, 0, 0, 0, null),
                row("docs/samples/ppo_epoch_log.jsonl", 1, 0, 0, 0, 0, 0, null),
                row("docs/samples/ppo_log.jsonl", 2, 0, 0, 0, 0, 0, null));
    }

    private static Arguments row(String path, int ppo, int bcStage, int rehearsal, int bcAudit, int health,
            int rejected, String reason) {
        Map<RecordKind, Integer> kinds = new EnumMap<>(RecordKind.class);
        put(kinds, RecordKind.PPO, ppo);
        put(kinds, RecordKind.BC_STAGE, bcStage);
        put(kinds, RecordKind.REHEARSAL, rehearsal);
        put(kinds, RecordKind.BC_AUDIT, bcAudit);
        put(kinds, RecordKind.HEALTH, health);
        return Arguments.of(path, kinds, rejected, reason);
    }

    private static void put(Map<RecordKind, Integer> kinds, RecordKind kind, int count) {
        if (count > 0) {
            kinds.put(kind, count);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordedFiles")
    void decodesWithExpectedCounts(String path, Map<RecordKind, Integer> kinds, int rejected, String reason)
            throws IOException {
        List<DecodeResult> results = decodeShared(path);

        assertThat(countByKind(results)).isEqualTo(kinds);
        List<Rejection> rejections = rejections(results);
        assertThat(rejections).hasSize(rejected);
        if (reason != null) {
            assertThat(rejections).extracting(Rejection::reason).containsOnly(reason);
        }
        for (TelemetryRecord record : records(results)) {
            assertThat(record.runId()).isEqualTo(DecodeTestSupport.RUN);
            assertThat(record.hasTimestamp()).isFalse();
            assertThat(record.position().source()).isEqualTo(path);
        }
    }

    @Test
    void tableCoversEveryRecordedFile() throws IOException {
        Path root = DecodeTestSupport.sharedData();
        Set<String> onDisk;
        try (Stream<Path> files = Files.walk(root)) {
            onDisk = files.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .collect(Collectors.toSet());
        }
        Set<String> inTable = recordedFiles().map(a -> (String) a.get()[0]).collect(Collectors.toSet());
        assertThat(inTable).isEqualTo(onDisk);
    }

    @Test
    void worldTelemetryRejectionsCarryTheirLineAndText() throws IOException {
        List<Rejection> rejections = rejections(decodeShared(
                "audit/baselines/worldstate_phase4/snapshots/telemetry_stream.jsonl"));

        assertThat(rejections).extracting(r -> r.position().line())
                .containsExactlyElementsOf(Stream.iterate(1L, n -> n + 1).limit(120).collect(Collectors.toList()));
        assertThat(rejections.get(0).raw()).startsWith("{\"schema_version\":\"0.9.0\",\"tick\":1,");
    }

    @Test
    void rehearsalSummaryYieldsItsStagesThenTheFacts() throws IOException {
        List<TelemetryRecord> records = records(decodeShared("artifacts/m5/acceptance/summary_idle_v1_rehearsal.json"));

        assertThat(records).extracting(TelemetryRecord::kind)
                .containsExactly(RecordKind.BC_STAGE, RecordKind.PPO, RecordKind.REHEARSAL);
        assertThat(records).extracting(r -> r.position().toString()).containsExactly(
                "artifacts/m5/acceptance/summary_idle_v1_rehearsal.json:65[0]",
                "artifacts/m5/acceptance/summary_idle_v1_rehearsal.json:74[1]",
                "artifacts/m5/acceptance/summary_idle_v1_rehearsal.json:1");
        assertThat(records).extracting(TelemetryRecord::eventTime).containsExactly(0L, 1L, 2L);

        TelemetryRecord bc = records.get(0);
        assertThat(bc.field("bc_accuracy")).isEqualTo(1.0);
        assertThat(bc.field("bc_threshold")).isEqualTo(0.8);
        assertThat(bc.field("bc_passed")).isEqualTo(true);

        TelemetryRecord ppo = records.get(1);
        assertThat(ppo.field("telemetry_version")).isEqualTo(1.2);
        assertThat(ppo.field("anneal_loss_baseline")).isSameAs(FieldValues.NULL);
        assertThat(ppo.field("conflict.rivalry_max_mean_avg")).isEqualTo(0.0);

        Map<String, Object> facts = records.get(2).fields();
        assertThat(facts).containsEntry("form", "full")
                .containsEntry("status_field", "pass")
                .containsEntry("payload_decision", FieldValues.NULL)
                .containsEntry("payload_candidate_ready", FieldValues.NULL)
                .containsEntry("promotion_candidate_ready", false)
                .containsEntry("pass_streak", FieldValues.NULL)
                .containsEntry("loss_flag", false)
                .containsEntry("queue_flag", false)
                .containsEntry("intensity_flag", false);
        List<?> stages = (List<?>) facts.get("stages");
        assertThat(stages).hasSize(2);
        assertThat(DecodeTestSupport.map(stages.get(0))).containsEntry("mode", "bc").containsEntry("cycle", 0.0)
                .containsEntry("cycle_label", "0.0").containsEntry("passed", true)
                .containsEntry("accuracy", 1.0).containsEntry("threshold", 0.8)
                .containsEntry("loss_total", FieldValues.NULL);
        assertThat(DecodeTestSupport.map(stages.get(1))).containsEntry("mode", "ppo").containsEntry("cycle_label", "1.0")
                .containsEntry("loss_total", 0.22659861349633761).containsEntry("loss_flag", false);
    }

    @Test
    void simpleSummaryIsOneRehearsalOfFacts() throws IOException {
        TelemetryRecord record = DecodeTestSupport.onlyRecord(decodeShared("artifacts/m5/acceptance/summary_idle_v1.json"));

        assertThat(record.kind()).isEqualTo(RecordKind.REHEARSAL);
        assertThat(record.fields()).containsEntry("form", "simple")
                .containsEntry("bc_accuracy", 1.0)
                .containsEntry("bc_threshold", 0.8)
                .containsEntry("bc_passed", true)
                .containsEntry("candidate_ready_field", FieldValues.NULL)
                .containsEntry("ppo_loss_total", 0.22654872919831956)
                .containsEntry("dataset", "idle_v1_production")
                .containsEntry("status_field", FieldValues.NULL)
                .containsEntry("cycle_label", "None")
                .containsEntry("stages", List.of());
    }

    @Test
    void ppoLogKeepsEveryFieldVerbatimInOrder() throws IOException {
        List<TelemetryRecord> records = records(decodeShared("artifacts/phase4/queue_conflict/ppo_mixed.jsonl"));

        assertThat(records).hasSize(2);
        TelemetryRecord rollout = records.get(1);
        assertThat(rollout.position().toString()).isEqualTo("artifacts/phase4/queue_conflict/ppo_mixed.jsonl:2");
        assertThat(rollout.field("data_mode")).isEqualTo("rollout");
        assertThat(rollout.field("queue_conflict_events")).isEqualTo(32.0);
        assertThat(rollout.field("queue_conflict_intensity_sum")).isEqualTo(52.75);
        assertThat(new ArrayList<>(rollout.fields().keySet())).startsWith("epoch", "updates", "transitions");
        assertThat(rollout.fields().keySet()).contains("conflict.rivalry_max_mean_avg");
    }

    private static List<DecodeResult> decodeShared(String path) throws IOException {
        try (InputStream in = Files.newInputStream(DecodeTestSupport.sharedData().resolve(path))) {
            return DecodeTestSupport.decode(new TelemetryDecoder(), path, in, DecodeOptions.defaults(), new Ordinal());
        }
    }
}
