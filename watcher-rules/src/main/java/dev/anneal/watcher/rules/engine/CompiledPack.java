package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.cel.CompiledExpr;
import dev.anneal.watcher.rules.spec.PackSpec;
import java.util.List;
import java.util.Map;

/**
 * A pack ready to evaluate.
 *
 * @param spec      the pack as loaded
 * @param derive    derived values in evaluation order (name to expression)
 * @param rules     the pack's enabled rules
 * @param disabled  rule id to the reason it is disabled (a parameter set to none)
 * @param promotion the promotion condition, or null (none declared, or disabled)
 */
public record CompiledPack(
        PackSpec spec,
        List<Map.Entry<String, CompiledExpr>> derive,
        List<CompiledRule> rules,
        Map<String, String> disabled,
        CompiledPromotion promotion) {

    public String name() {
        return spec.name();
    }
}
