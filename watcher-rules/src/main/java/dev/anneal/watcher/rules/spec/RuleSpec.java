package dev.anneal.watcher.rules.spec;

import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.Severity;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One rule as written in a rule file, validated for shape but not yet compiled. See
 * docs/rules.md for the language.
 */
public record RuleSpec(
        String id,
        String description,
        SelectorSpec select,
        List<WindowSpec> windows,
        Optional<Expr> baseline,
        Optional<BandSpec> band,
        Optional<Expr> condition,
        Optional<Expr> value,
        Optional<Expr> threshold,
        Optional<ExtentSpec> forExtent,
        Optional<ExtentSpec> keepFiringFor,
        Optional<ExtentSpec> absent,
        Severity severity,
        Action action,
        Map<String, String> labels,
        Map<String, Expr> annotations,
        Optional<Expr> reason,
        Loc loc) {

    public RuleSpec {
        windows = List.copyOf(windows);
        labels = Map.copyOf(labels);
    }

    public boolean isAbsence() {
        return absent.isPresent();
    }
}
