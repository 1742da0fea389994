package dev.anneal.watcher.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.watcher.rules.EngineHarness;
import dev.anneal.watcher.rules.model.AlertState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The table of legal alert transitions, pair by pair: every (from, to) of every rule kind is
 * either in the list below or illegal, and an illegal one is refused as a bug.
 */
class AlertLifecycleTest {

    /** The legal transitions, as {@code kind: FROM->TO}. */
    private static final List<String> LEGAL = List.of(
            "threshold: INACTIVE->PENDING",
            "threshold: INACTIVE->FIRING",
            "threshold: PENDING->FIRING",
            "threshold: PENDING->INACTIVE",
            "threshold: FIRING->RESOLVED",
            "absence: INACTIVE->FIRING",
            "absence: FIRING->RESOLVED");

    @Test
    void exactlyTheTransitionsOfTheTableAreLegal() {
        List<String> legal = new ArrayList<>();
        for (boolean absence : new boolean[] {false, true}) {
            for (AlertState from : AlertState.values()) {
                for (AlertState to : AlertState.values()) {
                    if (AlertLifecycle.isLegal(absence, from, to)) {
                        legal.add((absence ? "absence" : "threshold") + ": " + from.name() + "->" + to.name());
                    }
                }
            }
        }
        assertThat(legal).containsExactlyInAnyOrderElementsOf(LEGAL);
    }

    @Test
    void anIllegalTransitionIsABug() throws Exception {
        RuleSet rules = EngineHarness.compile("""
                pack: p
                rules:
                  - id: silent
                    select: {kinds: [ppo]}
                    absent: 10m
                    action: HOLD
                """);
        CompiledRule silent = rules.rules().get(0);
        assertThatThrownBy(() -> AlertLifecycle.checkTransition(silent, AlertState.INACTIVE, AlertState.PENDING))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("illegal alert transition INACTIVE -> PENDING of absence rule silent");
        AlertLifecycle.checkTransition(silent, AlertState.FIRING, AlertState.RESOLVED);
    }
}
