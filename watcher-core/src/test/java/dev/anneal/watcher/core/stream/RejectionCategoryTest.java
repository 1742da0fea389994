package dev.anneal.watcher.core.stream;

import static dev.anneal.watcher.rules.model.RejectionCategory.MISSING_KEYS;
import static dev.anneal.watcher.rules.model.RejectionCategory.NON_FINITE;
import static dev.anneal.watcher.rules.model.RejectionCategory.WRONG_TYPE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.core.decode.DecodeResult;
import dev.anneal.watcher.core.decode.Ordinal;
import dev.anneal.watcher.core.decode.ReasonSamples;
import dev.anneal.watcher.core.decode.TelemetryDecoder;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.load.RuleFileLoader;
import dev.anneal.watcher.rules.load.RuleSetCompiler;
import dev.anneal.watcher.rules.model.ErrorClass;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.RejectReason;
import dev.anneal.watcher.rules.model.RejectionCategory;
import dev.anneal.watcher.rules.model.SourcePosition;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rejection is created with its bounded category (the metric label and dead-letter header):
 * each reason the decoder, the rule packs' requirements and the daemon create carries the
 * category its table row names, every category but {@code other} is created by some reason, and
 * every category is of the error class {@code bad_input}.
 */
class RejectionCategoryTest {

    /** A pack whose requirements exercise every case of {@link RuleSet#rejectReason}. */
    private static final String PACK = """
            pack: req
            requires:
              ppo:
                numeric: [loss_total]
                text: [data_mode]
            rules:
              - id: loss_high
                select: {kinds: [ppo]}
                condition: loss_total > 5
                action: HOLD
            """;

    /** Every reason the watcher creates: its source, the reason, and the category it must carry. */
    static List<Arguments> reasons() {
        List<Arguments> rows = new ArrayList<>();
        for (ReasonSamples.Sample s : ReasonSamples.all()) {
            rows.add(Arguments.of("Reasons." + s.factory(), s.reason(), s.expected()));
        }
        RuleSet rules = rules();
        rows.add(Arguments.of("RuleSet.rejectReason: missing keys",
                rules.rejectReason(ppo("data_mode", "rollout")).orElseThrow(), MISSING_KEYS));
        rows.add(Arguments.of("RuleSet.rejectReason: non-numeric value",
                rules.rejectReason(ppo("loss_total", "high", "data_mode", "rollout")).orElseThrow(), WRONG_TYPE));
        rows.add(Arguments.of("RuleSet.rejectReason: non-finite number",
                rules.rejectReason(ppo("loss_total", Double.NaN, "data_mode", "rollout")).orElseThrow(), NON_FINITE));
        rows.add(Arguments.of("RuleSet.rejectReason: non-string value",
                rules.rejectReason(ppo("loss_total", 1.0, "data_mode", 1.0)).orElseThrow(), WRONG_TYPE));
        rows.add(Arguments.of("WatcherProcessor.EMPTY_MESSAGE", WatcherProcessor.EMPTY_MESSAGE_REASON,
                RejectionCategory.EMPTY));
        rows.add(Arguments.of("WatcherProcessor.runIdMismatch", WatcherProcessor.runIdMismatch("run-b", "run-a"),
                RejectionCategory.RUN_ID_MISMATCH));
        rows.add(Arguments.of("WatcherProcessor.badCommand", WatcherProcessor.badCommand("type is required"),
                RejectionCategory.BAD_COMMAND));
        return rows;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reasons")
    void eachReasonIsCreatedWithItsCategory(String source, RejectReason reason, RejectionCategory category) {
        assertThat(reason.category()).as(reason.text()).isEqualTo(category);
        assertThat(reason.errorClass()).isEqualTo(ErrorClass.BAD_INPUT);
    }

    @Test
    void theTableCoversEveryFactoryOfTheDecoder() {
        Set<String> sampled = new TreeSet<>();
        ReasonSamples.all().forEach(s -> sampled.add(s.factory().replaceFirst(" \\(.*\\)$", "")));
        assertThat(sampled).isEqualTo(ReasonSamples.declared());
    }

    @Test
    void everyCategoryButOtherIsCreatedBySomeReason() {
        Set<RejectionCategory> created = EnumSet.noneOf(RejectionCategory.class);
        reasons().forEach(row -> created.add(((RejectReason) row.get()[1]).category()));
        assertThat(created).isEqualTo(EnumSet.complementOf(EnumSet.of(RejectionCategory.OTHER)));
    }

    @Test
    void theIdsArePublicApiAndEveryCategoryIsBadInput() {
        assertThat(Stream.of(RejectionCategory.values()).map(RejectionCategory::id)).containsExactly(
                "empty", "invalid_json", "not_an_object", "non_finite", "unrecognised", "world_telemetry",
                "bad_envelope", "missing_keys", "wrong_type", "too_large", "run_id_mismatch", "bad_command", "other");
        assertThat(Stream.of(RejectionCategory.values()).map(RejectionCategory::errorClass))
                .containsOnly(ErrorClass.BAD_INPUT);
    }

    /** The decoder's own wording, produced rather than copied, lands in a named category. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {                                                            | invalid_json
            {"a": 1} x                                                   | invalid_json
            [1]                                                          | not_an_object
            {"epoch": 1.0, "loss_total": NaN}                            | non_finite
            {"foo": 1}                                                   | unrecognised
            {"schema_version": "1", "tick": 1}                           | world_telemetry
            {"run_id": "a", "extra": 1, "data": {"loss_total": 1.0}}     | bad_envelope
            {"kind": "nope", "data": {"loss_total": 1.0}}                | bad_envelope
            {"run_id": "a", "ts": "yesterday", "data": {"loss_total": 1.0}} | bad_envelope
            {"results": [1]}                                             | not_an_object
            {"bc_accuracy": 0.9, "bc_threshold": 0.8, "bc_passed": "yes"} | wrong_type
            {"kind": "rehearsal", "data": {"bc_accuracy": 0.9}}          | missing_keys
            {"kind": "run_end", "data": {"status": "done"}}              | bad_envelope
            {"kind": "run_end", "data": {"reason": 1}}                   | wrong_type
            """)
    void categorisesWhatTheDecoderSays(String message, String category) {
        List<DecodeResult> results = new TelemetryDecoder().decodeMessage("t/0", 1,
                message.strip().getBytes(StandardCharsets.UTF_8), "run", new Ordinal());
        DecodeResult.Rejected rejected = (DecodeResult.Rejected) results.get(0);
        assertThat(rejected.category().id()).as(rejected.rejection().reason()).isEqualTo(category);
    }

    private static RuleSet rules() {
        try {
            return RuleSetCompiler.compile(List.of(RuleFileLoader.load("req.yaml", PACK)), Map.of());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static TelemetryRecord ppo(Object... keysAndValues) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            fields.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return new TelemetryRecord("run-a", RecordKind.PPO, SourcePosition.line("t", 1), 0, false, false, fields);
    }
}
