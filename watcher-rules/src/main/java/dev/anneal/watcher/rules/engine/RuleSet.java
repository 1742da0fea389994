package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.model.FieldValues;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.RejectReason;
import dev.anneal.watcher.rules.model.RejectionCategory;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import dev.anneal.watcher.rules.spec.Requirement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A compiled, parameterised set of packs: what one engine evaluates. Immutable; build it with
 * {@link dev.anneal.watcher.rules.load.RuleSetCompiler}.
 */
public final class RuleSet {

    private final List<CompiledPack> packs;
    private final List<CompiledRule> rules;
    private final Map<String, Double> params;
    private final String digest;
    private final Map<RecordKind, List<Requirement>> requirements;
    private final Map<RecordKind, List<CompiledPack>> packsByKind;
    /** Per pack (by identity) and kind, the pack's rules selecting that kind, in rule order. */
    private final Map<CompiledPack, Map<RecordKind, List<CompiledRule>>> rulesByPackAndKind =
            new java.util.IdentityHashMap<>();

    public RuleSet(List<CompiledPack> packs, Map<String, Double> params, String digest) {
        this.packs = List.copyOf(packs);
        List<CompiledRule> all = new ArrayList<>();
        packs.forEach(p -> all.addAll(p.rules()));
        this.rules = List.copyOf(all);
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).index() != i) {
                throw new IllegalArgumentException("rule " + rules.get(i).id() + " has index "
                        + rules.get(i).index() + ", expected " + i);
            }
        }
        this.params = Collections.unmodifiableMap(new java.util.TreeMap<>(params));
        this.digest = digest;
        Map<RecordKind, List<Requirement>> req = new EnumMap<>(RecordKind.class);
        Map<RecordKind, List<CompiledPack>> byKind = new EnumMap<>(RecordKind.class);
        for (RecordKind kind : RecordKind.values()) {
            List<Requirement> r = new ArrayList<>();
            List<CompiledPack> ps = new ArrayList<>();
            for (CompiledPack p : packs) {
                Requirement q = p.spec().requires().get(kind);
                if (q != null) {
                    r.add(q);
                }
                boolean used = p.rules().stream().anyMatch(rule -> rule.kinds().contains(kind))
                        || (p.promotion() != null && p.promotion().kinds().contains(kind));
                if (used) {
                    ps.add(p);
                }
            }
            req.put(kind, List.copyOf(r));
            byKind.put(kind, List.copyOf(ps));
        }
        this.requirements = req;
        this.packsByKind = byKind;
        for (CompiledPack p : this.packs) {
            Map<RecordKind, List<CompiledRule>> byKindRules = new EnumMap<>(RecordKind.class);
            for (RecordKind kind : RecordKind.values()) {
                byKindRules.put(kind, p.rules().stream().filter(r -> r.kinds().contains(kind)).toList());
            }
            rulesByPackAndKind.put(p, byKindRules);
        }
    }

    public List<CompiledPack> packs() {
        return packs;
    }

    /** Every enabled rule, in pack then file order; {@code rules().get(i).index() == i}. */
    public List<CompiledRule> rules() {
        return rules;
    }

    /** Resolved parameter values; parameters set to none are absent. */
    public Map<String, Double> params() {
        return params;
    }

    /** {@code sha256:<16 hex>} over the packs' exact texts and the resolved parameters. */
    public String digest() {
        return digest;
    }

    /** Packs with at least one rule or promotion condition selecting {@code kind}. */
    List<CompiledPack> packsFor(RecordKind kind) {
        return packsByKind.get(kind);
    }

    /** The pack's rules that select {@code kind}, in rule order (precomputed: this is per record). */
    List<CompiledRule> rulesFor(CompiledPack pack, RecordKind kind) {
        return rulesByPackAndKind.get(pack).get(kind);
    }

    /** True when some pack declares a promotion condition (PROMOTE is reachable). */
    public boolean canPromote() {
        return packs.stream().anyMatch(p -> p.promotion() != null);
    }

    /**
     * Checks a record against the packs' requirements for its kind.
     *
     * @return the rejection reason with its category ({@code missing_keys}, {@code wrong_type} or
     *         {@code non_finite}), or empty when the record is acceptable
     */
    public Optional<RejectReason> rejectReason(TelemetryRecord record) {
        List<Requirement> reqs = requirements.get(record.kind());
        if (reqs.isEmpty()) {
            return Optional.empty();
        }
        TreeSet<String> missing = new TreeSet<>();
        for (Requirement r : reqs) {
            for (String key : r.numeric()) {
                if (FieldValues.isMissing(record.field(key))) {
                    missing.add(key);
                }
            }
            for (String key : r.text()) {
                if (FieldValues.isMissing(record.field(key))) {
                    missing.add(key);
                }
            }
        }
        if (!missing.isEmpty()) {
            return reject(RejectionCategory.MISSING_KEYS, "missing keys " + String.join(", ", missing));
        }
        for (Requirement r : reqs) {
            for (String key : r.numeric()) {
                Object v = record.field(key);
                if (!(v instanceof Number n)) {
                    return reject(RejectionCategory.WRONG_TYPE, "non-numeric value for key " + key + ": " + describe(v));
                }
                if (!Double.isFinite(n.doubleValue())) {
                    return reject(RejectionCategory.NON_FINITE, "non-finite number for key " + key);
                }
            }
            for (String key : r.text()) {
                Object v = record.field(key);
                if (!(v instanceof String)) {
                    return reject(RejectionCategory.WRONG_TYPE, "non-string value for key " + key + ": " + describe(v));
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<RejectReason> reject(RejectionCategory category, String text) {
        return Optional.of(new RejectReason(category, text));
    }

    private static String describe(Object v) {
        if (v instanceof String s) {
            return "\"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
        }
        if (v instanceof List) {
            return "a list";
        }
        if (v instanceof Map) {
            return "an object";
        }
        return String.valueOf(v);
    }
}
