package dev.anneal.watcher.rules.engine;

import java.util.Objects;

/**
 * A rule of an earlier rule set that the current one no longer has: removed, or changed (its
 * definition or resolved parameters differ, so its fingerprint does). A rules reload keeps these
 * so that the alerts such a rule left pending or firing in stored run states can be closed with
 * the rule's own metadata (severity, action, labels, annotations) by
 * {@link RetiredRules#settle}, instead of vanishing without a RESOLVED transition.
 *
 * @param rule    the rule as it was compiled in its rule set
 * @param ruleSet the rule set it belonged to (its parameters render the rule's annotations)
 */
public record RetiredRule(CompiledRule rule, RuleSet ruleSet) {

    public RetiredRule {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(ruleSet, "ruleSet");
    }

    /** The fingerprint stored run states know the rule by. */
    public String fingerprint() {
        return rule.fingerprint();
    }
}
