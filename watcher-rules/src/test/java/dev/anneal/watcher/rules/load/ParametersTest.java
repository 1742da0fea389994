package dev.anneal.watcher.rules.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.anneal.watcher.rules.EngineHarness;
import dev.anneal.watcher.rules.engine.CompiledPack;
import dev.anneal.watcher.rules.engine.CompiledRule;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.spec.PackSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pack parameters: defaults, {@code --param} overrides, {@code none} (which disables every rule
 * that references the parameter, and says why), and the exact errors for unknown names and
 * non-numeric values.
 */
class ParametersTest {

    static final String PACK = """
            pack: params
            parameters:
              kl_max: {default: 0.5, description: "kl_divergence limit"}
              grad_max: {default: none, description: "off unless given"}
              patience: {default: 2, description: "records before firing"}
              silence: {default: 600, description: "seconds"}
            promotion:
              select: {kinds: [rehearsal]}
              condition: status_field == 'PASS'
              consecutive: params.patience
            rules:
              - id: kl_high
                select: {kinds: [ppo]}
                condition: kl_divergence > params.kl_max
                value: kl_divergence
                threshold: params.kl_max
                action: HOLD
              - id: grad_high
                select: {kinds: [ppo]}
                condition: grad_norm > params.grad_max
                action: HOLD
              - id: kl_slow
                select: {kinds: [ppo]}
                condition: kl_divergence > 0.0
                for: params.patience
                action: HOLD
              - id: quiet
                select: {kinds: [ppo]}
                absent: params.silence
                action: FREEZE
              - id: grad_mean
                select: {kinds: [ppo]}
                windows:
                  g: {fn: mean, of: grad_norm, last: params.patience}
                condition: window.g > 1.0
                action: HOLD
            """;

    static RuleSet compile(Map<String, String> overrides) throws RuleLoadException {
        return EngineHarness.compile(PACK, overrides);
    }

    static List<String> enabled(RuleSet rs) {
        return rs.rules().stream().map(CompiledRule::id).toList();
    }

    static CompiledPack pack(RuleSet rs) {
        return rs.packs().get(0);
    }

    @Test
    void defaultsApplyAndNoneDisablesItsRules() throws Exception {
        RuleSet rs = compile(Map.of());
        assertThat(rs.params()).containsExactly(entry("kl_max", 0.5), entry("patience", 2.0), entry("silence", 600.0));
        assertThat(enabled(rs)).containsExactly("kl_high", "kl_slow", "quiet", "grad_mean");
        assertThat(pack(rs).disabled()).containsExactly(entry("grad_high", "parameter grad_max is none"));
        assertThat(pack(rs).promotion()).isNotNull();
        assertThat(pack(rs).promotion().consecutive()).isEqualTo(2);
        assertThat(rs.rules()).filteredOn(r -> r.id().equals("quiet")).singleElement()
                .satisfies(r -> assertThat(r.absent().millis()).isEqualTo(600_000L));
    }

    @ParameterizedTest(name = "{0}: --param {1}={2}")
    @CsvSource(delimiter = '|', textBlock = """
            # row | name     | value | enabled                                      | disabled
            1     | kl_max   | 0.2   | kl_high kl_slow quiet grad_mean              | grad_high
            2     | grad_max | 3     | kl_high grad_high kl_slow quiet grad_mean    |
            3     | kl_max   | none  | kl_slow quiet grad_mean                      | kl_high grad_high
            4     | patience | none  | kl_high quiet                                | grad_high kl_slow grad_mean promotion
            5     | silence  | none  | kl_high kl_slow grad_mean                    | grad_high quiet
            6     | kl_max   | ' 0.7 ' | kl_high kl_slow quiet grad_mean            | grad_high
            7     | kl_max   | -1e3  | kl_high kl_slow quiet grad_mean              | grad_high
            """)
    void overrides(int row, String name, String value, String enabled, String disabled) throws Exception {
        RuleSet rs = compile(Map.of(name, value));
        assertThat(enabled(rs)).as("row %d enabled", row).containsExactly(enabled.split(" "));
        assertThat(pack(rs).disabled().keySet()).as("row %d disabled", row)
                .containsExactly(disabled == null ? new String[0] : disabled.split(" "));
        if (!value.equals("none")) {
            assertThat(rs.params()).as("row %d", row).containsEntry(name, Double.parseDouble(value.trim()));
        } else {
            assertThat(rs.params()).as("row %d: none is absent from params", row).doesNotContainKey(name);
        }
    }

    @Test
    void disabledSaysWhichParameterIsNone() throws Exception {
        RuleSet rs = compile(Map.of("patience", "none", "kl_max", "none"));
        assertThat(pack(rs).disabled()).containsExactly(
                entry("kl_high", "parameter kl_max is none"),
                entry("grad_high", "parameter grad_max is none"),
                entry("kl_slow", "parameter patience is none"),
                entry("grad_mean", "parameter patience is none"),
                entry("promotion", "parameter patience is none"));
        assertThat(pack(rs).promotion()).isNull();
        assertThat(rs.canPromote()).isFalse();
    }

    @Test
    void anOverrideChangesWhatTheRuleCompares() throws Exception {
        EngineHarness def = EngineHarness.of(PACK);
        def.feed(RecordKind.PPO, "kl_divergence", 0.3);
        assertThat(def.alerts()).extracting(AlertEvent::rule).doesNotContain("kl_high");

        EngineHarness low = EngineHarness.of(PACK, Map.of("kl_max", "0.2"));
        low.feed(RecordKind.PPO, "kl_divergence", 0.3);
        assertThat(low.alerts()).filteredOn(a -> a.rule().equals("kl_high")).singleElement()
                .satisfies(a -> assertThat(a.threshold()).isEqualTo(0.2));
    }

    @Test
    void anExtentParameterIsARecordCount() throws Exception {
        EngineHarness h = EngineHarness.of(PACK, Map.of("patience", "3"));
        for (int i = 0; i < 3; i++) {
            h.feed(RecordKind.PPO, "kl_divergence", 0.1);
        }
        assertThat(h.alerts()).filteredOn(a -> a.rule().equals("kl_slow"))
                .extracting(a -> a.state().id()).containsExactly("pending", "firing");
        assertThat(h.alerts()).filteredOn(a -> a.rule().equals("kl_slow")).last()
                .satisfies(a -> assertThat(a.source().line()).isEqualTo(3));
    }

    @Test
    void theDigestCoversResolvedParameters() throws Exception {
        String d = compile(Map.of()).digest();
        assertThat(d).matches("sha256:[0-9a-f]{16}");
        assertThat(compile(Map.of()).digest()).isEqualTo(d);
        assertThat(compile(Map.of("kl_max", "0.5")).digest()).as("an override equal to the default").isEqualTo(d);
        assertThat(compile(Map.of("kl_max", "0.2")).digest()).isNotEqualTo(d);
        assertThat(compile(Map.of("kl_max", "none")).digest()).isNotEqualTo(d);
    }

    /**
     * The digest identifies the rule set (and a rule's fingerprint decides whether it keeps its
     * state across a reload), so two different parameter values must never share one.
     */
    @Test
    void theDigestTellsCloseParameterValuesApart() throws Exception {
        assertThat(compile(Map.of("kl_max", "0.1234567")).digest())
                .isNotEqualTo(compile(Map.of("kl_max", "0.1234568")).digest());
    }

    @Test
    void anUnknownOverrideIsALoadError() {
        assertThatThrownBy(() -> compile(Map.of("kl_maximum", "1")))
                .isInstanceOfSatisfying(RuleLoadException.class, e -> assertThat(e.problems()).containsExactly(
                        "--param kl_maximum=1: unknown parameter 'kl_maximum'; the packs given declare: "
                                + "kl_max, grad_max, patience, silence"));
    }

    @ParameterizedTest(name = "{0}: --param kl_max={1}")
    @CsvSource(delimiter = '|', textBlock = """
            1 | abc
            2 | 0.5x
            3 | NaN
            4 | Infinity
            5 | ''
            6 | None
            """)
    void aNonNumericOverrideIsALoadError(int row, String value) {
        assertThatThrownBy(() -> compile(Map.of("kl_max", value)))
                .as("row %d", row)
                .isInstanceOfSatisfying(RuleLoadException.class, e -> assertThat(e.problems()).containsExactly(
                        "--param kl_max=" + value + ": expected a finite number or none"));
    }

    @Test
    void anOverrideThatIsNotAWholeRecordCountIsALoadError() {
        assertThatThrownBy(() -> compile(Map.of("patience", "1.5")))
                .isInstanceOfSatisfying(RuleLoadException.class, e -> assertThat(e.problems()).containsExactly(
                        "test.yaml:25: rule kl_slow.for: parameter patience = 1.5 is used as a record count and "
                                + "must be a whole number >= 1",
                        "test.yaml:34: rule grad_mean.windows.g: parameter patience = 1.5 is used as a record "
                                + "count and must be a whole number >= 1",
                        "test.yaml:10: promotion.consecutive: parameter patience = 1.5 is used as a record count "
                                + "and must be a whole number >= 1"));
    }

    @Test
    void everyOverrideProblemIsReportedTogether() {
        assertThatThrownBy(() -> compile(Map.of("nope", "1", "kl_max", "high")))
                .isInstanceOfSatisfying(RuleLoadException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "--param nope=1: unknown parameter 'nope'; the packs given declare: "
                                + "kl_max, grad_max, patience, silence",
                        "--param kl_max=high: expected a finite number or none"));
    }

    @Test
    void townletWatchRulesWithOffFlagsAreDisabledUntilGiven() throws Exception {
        PackSpec watch = BuiltinPacks.load("townlet-watch");
        RuleSet defaults = RuleSetCompiler.compile(List.of(watch), Map.of());
        assertThat(defaults.rules()).extracting(CompiledRule::id).containsExactly(
                "anneal_bc_min", "anneal_loss_max", "anneal_queue_min", "anneal_intensity_min");
        assertThat(defaults.packs().get(0).disabled()).containsEntry("kl_threshold", "parameter kl_threshold is none")
                .hasSize(14);

        RuleSet withKl = RuleSetCompiler.compile(List.of(watch), Map.of("kl_threshold", "0.2"));
        assertThat(withKl.rules()).extracting(CompiledRule::id).startsWith("kl_threshold");
        assertThat(withKl.packs().get(0).disabled()).doesNotContainKey("kl_threshold").hasSize(13);
    }
}
