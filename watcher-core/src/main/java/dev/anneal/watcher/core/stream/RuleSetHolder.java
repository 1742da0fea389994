package dev.anneal.watcher.core.stream;

import dev.anneal.watcher.rules.engine.CompiledRule;
import dev.anneal.watcher.rules.engine.RetiredRule;
import dev.anneal.watcher.rules.engine.RuleSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The rule set the daemon currently evaluates, shared between the thread that reloads rules and
 * the stream threads that evaluate them. A reload compiles the new files first (a broken file
 * never gets here) and then calls {@link #swap}; each stream task notices the new
 * {@linkplain Current#version() version} at its next record or punctuation and switches to it.
 *
 * <p>Run state survives a swap: the stored state of a run is decoded with a codec for the new rule
 * set, which keeps the state of every rule whose fingerprint (definition and resolved parameters)
 * is unchanged and starts changed or new rules fresh. FREEZE/ROLLBACK latches always survive. The
 * alerts that removed or changed rules left pending or firing are closed (RESOLVED for firing
 * ones) when a task switches: for that, each {@link Current} carries the rules that earlier rule
 * sets of this process had and the current one has not, by fingerprint ({@link Current#retired}),
 * so even a task re-initialised after the swap (an aborted transaction restores the old-layout
 * states from the changelog) can describe them. A process started after a rules change has no
 * record of the old rules; see {@code docs/ARCHITECTURE.md} for what happens then.
 *
 * <p>Thread-safe; reads are a single volatile load, cheap enough to do for every record.
 */
public final class RuleSetHolder {

    /**
     * One published rule set.
     *
     * @param ruleSet the compiled rule set
     * @param version 1 for the initial set, incremented by every swap that changed the rule set
     * @param retired rules of earlier rule sets (of this process) that this one has not, by fingerprint; a rule
     *                that comes back (same fingerprint) is no longer retired. It grows only with the rules that
     *                reloads remove or change.
     */
    public record Current(RuleSet ruleSet, long version, Map<String, RetiredRule> retired) {
        public Current {
            Objects.requireNonNull(ruleSet, "ruleSet");
            if (version < 1) {
                throw new IllegalArgumentException("version must be >= 1, was " + version);
            }
            retired = Map.copyOf(retired);
            for (CompiledRule rule : ruleSet.rules()) {
                if (retired.containsKey(rule.fingerprint())) {
                    throw new IllegalArgumentException("rule " + rule.id() + " is both current and retired");
                }
            }
        }

        /** The successor of this rule set: this one's rules that {@code next} lacks join the retired ones. */
        Current next(RuleSet next) {
            Map<String, RetiredRule> all = new HashMap<>(retired);
            for (CompiledRule rule : ruleSet.rules()) {
                all.put(rule.fingerprint(), new RetiredRule(rule, ruleSet));
            }
            for (CompiledRule rule : next.rules()) {
                all.remove(rule.fingerprint());
            }
            return new Current(next, version + 1, all);
        }
    }

    private final AtomicReference<Current> current;

    public RuleSetHolder(RuleSet initial) {
        this.current = new AtomicReference<>(new Current(initial, 1, Map.of()));
    }

    /** The rule set and its version, read together. */
    public Current current() {
        return current.get();
    }

    /** The current rule set. */
    public RuleSet ruleSet() {
        return current.get().ruleSet();
    }

    /** The current version. */
    public long version() {
        return current.get().version();
    }

    /**
     * Publishes a new rule set. A rule set with the current one's digest (the same pack texts and
     * parameters, e.g. a SIGHUP without edits) changes nothing and is not a new version.
     *
     * @return true when the rule set changed (a new version was published)
     */
    public boolean swap(RuleSet next) {
        Objects.requireNonNull(next, "next");
        while (true) {
            Current now = current.get();
            if (now.ruleSet().digest().equals(next.digest())) {
                return false;
            }
            if (current.compareAndSet(now, now.next(next))) {
                return true;
            }
        }
    }
}
