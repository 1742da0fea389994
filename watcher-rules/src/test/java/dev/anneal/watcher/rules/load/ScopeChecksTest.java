package dev.anneal.watcher.rules.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.watcher.rules.EngineHarness;
import dev.anneal.watcher.rules.model.RecordKind;
import org.junit.jupiter.api.Test;

/**
 * Variables that only exist in some places ({@code window.NAME} in the rule that declares the
 * window, {@code baseline} in a rule with a baseline, {@code alert.*} in templates) must be
 * rejected when the pack loads if used elsewhere: at run time they read whatever the previous
 * evaluation left behind, or fail on every record.
 */
class ScopeChecksTest {

    @Test
    void aRuleMayReadOnlyItsOwnWindows() {
        assertThatThrownBy(() -> EngineHarness.compile("""
                pack: scope
                rules:
                  - id: a
                    select: {kinds: [ppo]}
                    windows:
                      g: {fn: max, of: grad_norm, last: 3}
                    condition: window.g > 1.0
                    action: HOLD
                  - id: b
                    select: {kinds: [ppo]}
                    condition: window.g > 1.0
                    action: HOLD
                """)).isInstanceOfSatisfying(RuleLoadException.class, e -> assertThat(e.problems()).containsExactly(
                "test.yaml:11: rule b: unknown window 'window.g'; declare it under 'windows:' (declared: none)"));
    }

    @Test
    void aBaselineVariableWorksWhereABaselineIsDeclared() throws Exception {
        EngineHarness h = EngineHarness.of("""
                pack: scope
                rules:
                  - id: up
                    select: {kinds: [ppo]}
                    baseline: anneal_loss_baseline
                    condition: loss_total > baseline
                    action: HOLD
                """);
        h.feed(RecordKind.PPO, "anneal_loss_baseline", 1.0, "loss_total", 2.0);
        assertThat(h.alerts()).hasSize(1);
        assertThat(h.errors()).isEmpty();
    }

    @Test
    void aPromotionConditionCannotReadWindows() {
        assertThatThrownBy(() -> EngineHarness.compile("""
                pack: scope
                promotion:
                  select: {kinds: [ppo]}
                  condition: window.g > 1.0
                rules:
                  - id: a
                    select: {kinds: [ppo]}
                    windows:
                      g: {fn: max, of: grad_norm, last: 3}
                    condition: window.g > 1.0
                    action: HOLD
                """)).isInstanceOf(RuleLoadException.class);
    }

    @Test
    void aDeriveCannotReadWindows() {
        assertThatThrownBy(() -> EngineHarness.compile("""
                pack: scope
                derive:
                  g2: window.g * 2.0
                rules:
                  - id: a
                    select: {kinds: [ppo]}
                    windows:
                      g: {fn: max, of: grad_norm, last: 3}
                    condition: g2 > 1.0
                    action: HOLD
                """)).isInstanceOf(RuleLoadException.class);
    }

    @Test
    void baselineNeedsADeclaredBaseline() {
        assertThatThrownBy(() -> EngineHarness.compile("""
                pack: scope
                rules:
                  - id: up
                    select: {kinds: [ppo]}
                    condition: loss_total > baseline
                    action: HOLD
                """)).isInstanceOf(RuleLoadException.class);
    }

    @Test
    void alertVariablesAreForTemplatesOnly() {
        assertThatThrownBy(() -> EngineHarness.compile("""
                pack: scope
                rules:
                  - id: sticky
                    select: {kinds: [ppo]}
                    condition: kl_divergence > 0.5 || alert.value > 0.5
                    action: HOLD
                """)).isInstanceOf(RuleLoadException.class);
    }
}
