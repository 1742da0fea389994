package dev.anneal.watcher.rules.spec;

import dev.anneal.watcher.rules.model.RecordKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A rule pack as loaded from one YAML file (built-in or user-supplied).
 *
 * @param name        pack name
 * @param description what the pack checks
 * @param parameters  declared parameters, in file order
 * @param requires    per-kind field requirements
 * @param derive      derived values, in evaluation order
 * @param promotion   promotion condition, if the pack can recommend PROMOTE
 * @param rules       the rules, in file order
 * @param source      where the pack came from (file path or {@code builtin:NAME})
 * @param sourceText  the file's exact text, which the rule-set digest covers
 */
public record PackSpec(
        String name,
        String description,
        List<ParameterSpec> parameters,
        Map<RecordKind, Requirement> requires,
        List<DeriveSpec> derive,
        Optional<PromotionSpec> promotion,
        List<RuleSpec> rules,
        String source,
        String sourceText) {

    public PackSpec {
        parameters = List.copyOf(parameters);
        requires = Map.copyOf(requires);
        derive = List.copyOf(derive);
        rules = List.copyOf(rules);
    }
}
