package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.cel.CompiledExpr;
import dev.anneal.watcher.rules.spec.PackSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pack ready to evaluate.
 *
 * @param spec        the pack as loaded
 * @param derivations derived values by name, in declaration order (evaluated lazily per record)
 * @param rules       the pack's enabled rules
 * @param disabled    rule id to the reason it is disabled (a parameter set to none)
 * @param promotion   the promotion condition, or null (none declared, or disabled)
 */
public record CompiledPack(
        PackSpec spec,
        Map<String, CompiledExpr> derivations,
        List<CompiledRule> rules,
        Map<String, String> disabled,
        CompiledPromotion promotion) {

    public CompiledPack {
        derivations = Collections.unmodifiableMap(new LinkedHashMap<>(derivations));
        rules = List.copyOf(rules);
        disabled = Collections.unmodifiableMap(new LinkedHashMap<>(disabled));
    }

    public String name() {
        return spec.name();
    }
}
