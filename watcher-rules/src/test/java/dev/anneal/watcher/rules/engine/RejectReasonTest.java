package dev.anneal.watcher.rules.engine;

import static dev.anneal.watcher.rules.model.RejectionCategory.MISSING_KEYS;
import static dev.anneal.watcher.rules.model.RejectionCategory.NON_FINITE;
import static dev.anneal.watcher.rules.model.RejectionCategory.WRONG_TYPE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.EngineHarness;
import dev.anneal.watcher.rules.load.RuleFileLoader;
import dev.anneal.watcher.rules.load.RuleSetCompiler;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.RejectReason;
import dev.anneal.watcher.rules.model.RejectionCategory;
import dev.anneal.watcher.rules.model.SourcePosition;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link RuleSet#rejectReason}: a record lacking a required key, or holding the wrong type, is
 * rejected before any rule sees it, with a reason that names the keys (missing keys sorted, so the
 * text is stable) and the category it was created with.
 */
class RejectReasonTest {

    static final String PACK = """
            pack: req
            requires:
              ppo:
                numeric: [kl_divergence, grad_norm, loss_total]
                text: [data_mode]
            rules:
              - id: kl_high
                select: {kinds: [ppo]}
                condition: kl_divergence > 0.5
                action: HOLD
            """;

    static Map<String, Object> good() {
        return new LinkedHashMap<>(EngineHarness.fields(
                "kl_divergence", 0.1, "grad_norm", 1.0, "loss_total", 0.5, "data_mode", "rollout"));
    }

    static Map<String, Object> with(Object... changes) {
        Map<String, Object> f = good();
        for (int i = 0; i < changes.length; i += 2) {
            String key = (String) changes[i];
            if (changes[i + 1] == REMOVE) {
                f.remove(key);
            } else {
                f.putAll(EngineHarness.fields(key, changes[i + 1]));
            }
        }
        return f;
    }

    static final Object REMOVE = new Object();

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of(1, "complete record", RecordKind.PPO, good(), "", null),
                Arguments.of(2, "missing keys are listed sorted", RecordKind.PPO,
                        with("kl_divergence", REMOVE, "grad_norm", REMOVE), "missing keys grad_norm, kl_divergence",
                        MISSING_KEYS),
                Arguments.of(3, "JSON null counts as missing", RecordKind.PPO,
                        with("kl_divergence", REMOVE, "grad_norm", null), "missing keys grad_norm, kl_divergence",
                        MISSING_KEYS),
                Arguments.of(4, "a missing text key", RecordKind.PPO, with("data_mode", REMOVE),
                        "missing keys data_mode", MISSING_KEYS),
                Arguments.of(5, "numeric and text keys sort together", RecordKind.PPO,
                        with("loss_total", REMOVE, "data_mode", null), "missing keys data_mode, loss_total",
                        MISSING_KEYS),
                Arguments.of(6, "a string where a number is required", RecordKind.PPO,
                        with("grad_norm", "high"), "non-numeric value for key grad_norm: \"high\"", WRONG_TYPE),
                Arguments.of(7, "a boolean where a number is required", RecordKind.PPO,
                        with("grad_norm", true), "non-numeric value for key grad_norm: true", WRONG_TYPE),
                Arguments.of(8, "a list where a number is required", RecordKind.PPO,
                        with("grad_norm", List.of(1.0)), "non-numeric value for key grad_norm: a list", WRONG_TYPE),
                Arguments.of(9, "an object where a number is required", RecordKind.PPO,
                        with("grad_norm", Map.of("a", 1.0)), "non-numeric value for key grad_norm: an object",
                        WRONG_TYPE),
                Arguments.of(10, "a non-finite number", RecordKind.PPO,
                        with("loss_total", Double.NaN), "non-finite number for key loss_total", NON_FINITE),
                Arguments.of(11, "a number where a string is required", RecordKind.PPO,
                        with("data_mode", 1.0), "non-string value for key data_mode: 1.0", WRONG_TYPE),
                Arguments.of(12, "missing is reported before wrong types", RecordKind.PPO,
                        with("grad_norm", "high", "kl_divergence", REMOVE), "missing keys kl_divergence", MISSING_KEYS),
                Arguments.of(13, "long strings are cut at 40 characters", RecordKind.PPO,
                        with("grad_norm", "x".repeat(50)),
                        "non-numeric value for key grad_norm: \"" + "x".repeat(40) + "...\"", WRONG_TYPE),
                Arguments.of(14, "kinds without requirements are never rejected", RecordKind.HEALTH,
                        EngineHarness.fields(), "", null),
                Arguments.of(15, "extra keys are fine", RecordKind.PPO, with("anything", "else"), "", null));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("table")
    void rejectReason(int row, String name, RecordKind kind, Map<String, Object> fields, String expected,
            RejectionCategory category) throws Exception {
        RuleSet rs = EngineHarness.compile(PACK);
        TelemetryRecord r = new TelemetryRecord("run-1", kind, SourcePosition.line("t.jsonl", 1), 0, false, false,
                fields);
        assertThat(rs.rejectReason(r)).as("row %d %s", row, name)
                .isEqualTo(expected.isEmpty() ? Optional.empty() : Optional.of(new RejectReason(category, expected)));
    }

    @Test
    void requirementsOfSeveralPacksAreCombined() throws Exception {
        RuleSet rs = RuleSetCompiler.compile(List.of(
                RuleFileLoader.load("a.yaml", PACK),
                RuleFileLoader.load("b.yaml", """
                        pack: other
                        requires:
                          ppo: {numeric: [adv_std, epoch]}
                        rules:
                          - id: adv
                            select: {kinds: [ppo]}
                            condition: adv_std < 0.01
                            action: HOLD
                        """)), Map.of());
        TelemetryRecord r = new TelemetryRecord("run-1", RecordKind.PPO, SourcePosition.line("t.jsonl", 1), 0, false,
                false, EngineHarness.fields("data_mode", "rollout", "loss_total", 1.0));
        assertThat(rs.rejectReason(r).map(RejectReason::text))
                .contains("missing keys adv_std, epoch, grad_norm, kl_divergence");
    }
}
