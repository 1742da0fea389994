package dev.anneal.watcher.rules.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The recommendation ladder, lowest to highest. {@link #compareTo} is the precedence: a run's
 * recommendation is the highest action among its firing alerts (ROLLBACK > FREEZE > HOLD);
 * with none firing it is PROMOTE when the pack's promotion condition holds, else PASS.
 *
 * <p>PROMOTE sits below PASS on purpose: across several runs, "every run is ready" is the only
 * way the overall verdict can be PROMOTE, so one run that is merely PASS makes the whole PASS.
 */
public enum Action {
    PROMOTE,
    PASS,
    HOLD,
    FREEZE,
    ROLLBACK;

    /** True for the actions an alert can carry (HOLD, FREEZE, ROLLBACK). */
    public boolean isAlertAction() {
        return this.compareTo(HOLD) >= 0;
    }

    /** True for the actions that latch until an operator clears them (FREEZE, ROLLBACK). */
    public boolean latches() {
        return this.compareTo(FREEZE) >= 0;
    }

    public static Action max(Action a, Action b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    public static Optional<Action> parse(String text) {
        String upper = text.trim().toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(a -> a.name().equals(upper)).findFirst();
    }
}
