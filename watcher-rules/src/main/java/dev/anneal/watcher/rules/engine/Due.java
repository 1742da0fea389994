package dev.anneal.watcher.rules.engine;

import java.util.Objects;

/**
 * An absence rule of a run whose silence deadline has passed: {@link Engine#advanceTime(RunState,
 * CompiledRule, long)} fires it. Stores hand these out in the order they must fire.
 *
 * @param run  the run's state
 * @param rule one of the engine's {@linkplain Engine#absenceRules() absence rules}
 */
public record Due(RunState run, CompiledRule rule) {

    public Due {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(rule, "rule");
    }
}
