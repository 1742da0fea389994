package dev.anneal.watcher.rules.spec;

/**
 * A baseline-relative band: the rule's condition holds when {@code of} is more than
 * {@code below} (a fraction) under the baseline or more than {@code above} over it, relative to
 * {@code abs(baseline)}. A null side is not checked (a one-sided band).
 */
public record BandSpec(Expr of, Double below, Double above, Loc loc) {
}
