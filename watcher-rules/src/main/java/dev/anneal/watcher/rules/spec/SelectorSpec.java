package dev.anneal.watcher.rules.spec;

import dev.anneal.watcher.rules.model.RecordKind;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which records a rule looks at: their kinds, fields that must be present and non-null, and an
 * optional CEL condition ({@code where}). Records a selector does not match leave the rule's state
 * untouched: they neither count towards {@code for} nor reset it.
 *
 * <p>The kinds iterate in {@link RecordKind} order, whatever order the rule file lists them in:
 * a rule's fingerprint hashes this record's text, and it must be the same in every JVM, or a
 * restarted daemon would take the rule for a changed one and drop its stored state.
 */
public record SelectorSpec(Set<RecordKind> kinds, List<String> present, Optional<Expr> where) {
    public SelectorSpec {
        kinds = Collections.unmodifiableSet(kinds.isEmpty() ? EnumSet.noneOf(RecordKind.class)
                : EnumSet.copyOf(kinds));
        present = List.copyOf(present);
    }
}
