package dev.anneal.watcher.core.replay;

import dev.anneal.watcher.rules.model.SourcePosition;

/**
 * Rule evaluation errors of one rule over a replay: how many, and the first one in full.
 *
 * @param rule          rule id (or {@code derive.NAME}, {@code promotion.PACK})
 * @param count         number of records on which it failed
 * @param firstPosition the first record it failed on
 * @param firstMessage  the first failure's message
 */
public record RuleErrorSummary(String rule, long count, SourcePosition firstPosition, String firstMessage) {
}
