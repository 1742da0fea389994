package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.cel.CompiledExpr;
import dev.anneal.watcher.rules.cel.Template;
import dev.anneal.watcher.rules.model.RecordKind;
import java.util.List;
import java.util.Set;

/** A pack's promotion condition, compiled. */
public record CompiledPromotion(
        String pack,
        int index,
        Set<RecordKind> kinds,
        List<String> present,
        CompiledExpr where,
        CompiledExpr condition,
        int consecutive,
        Template reason) {
}
