package dev.anneal.watcher.rules.spec;

import dev.anneal.watcher.rules.model.RecordKind;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which records a rule looks at: their kinds, fields that must be present and non-null, and an
 * optional CEL condition ({@code where}). Records a selector does not match leave the rule's state
 * untouched: they neither count towards {@code for} nor reset it.
 */
public record SelectorSpec(Set<RecordKind> kinds, List<String> present, Optional<Expr> where) {
    public SelectorSpec {
        kinds = Set.copyOf(kinds);
        present = List.copyOf(present);
    }
}
