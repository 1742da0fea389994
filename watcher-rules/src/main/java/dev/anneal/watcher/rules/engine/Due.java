package dev.anneal.watcher.rules.engine;

import java.util.Objects;

/**
 * Something due on a run at a clock advance: an absence rule whose silence deadline has passed
 * ({@link Engine#advanceTime(RunState, CompiledRule, long)} fires it), or, with no rule, the
 * run's own lifecycle deadline ({@link RunLifecycle#advance}: a silence ends, the run ends idle or
 * expires). Stores hand these out in the order they must be handled.
 *
 * @param run  the run's state
 * @param rule one of the engine's {@linkplain Engine#absenceRules() absence rules}, or null for the
 *             run's lifecycle deadline
 */
public record Due(RunState run, CompiledRule rule) {

    public Due {
        Objects.requireNonNull(run, "run");
    }

    /** The run's lifecycle deadline is due. */
    public static Due lifecycle(RunState run) {
        return new Due(run, null);
    }

    /** Whether an absence rule is due (else the run's lifecycle deadline). */
    public boolean isAbsence() {
        return rule != null;
    }
}
