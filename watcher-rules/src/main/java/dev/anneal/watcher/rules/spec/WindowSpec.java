package dev.anneal.watcher.rules.spec;

/**
 * A rolling window over the records a rule selects, usable in its condition as
 * {@code window.NAME}. {@code of} is a numeric CEL expression (for {@code count}, a boolean one:
 * the window counts the records where it is true). The extent is the last N records or an
 * event-time span ({@code span} is true, and a parameter extent then means seconds); the current
 * record is included.
 */
public record WindowSpec(String name, WindowFn fn, Expr of, ExtentSpec extent, boolean span, Loc loc) {
}
