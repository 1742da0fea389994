package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.model.SourcePosition;

/**
 * A rule expression failed on a record (for example, it reads a field the record lacks). The rule
 * is treated as not matching that record; the error is counted and reported, never hidden.
 *
 * @param rule     rule id, {@code derive.NAME}, or {@code promotion.PACK}
 * @param position the record
 * @param message  what failed
 */
public record RuleError(String rule, SourcePosition position, String message) {
}
