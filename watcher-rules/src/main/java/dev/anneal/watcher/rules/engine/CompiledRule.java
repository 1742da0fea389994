package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.cel.CompiledExpr;
import dev.anneal.watcher.rules.cel.Template;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.Severity;
import dev.anneal.watcher.rules.spec.RuleSpec;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;

/**
 * A rule with its expressions compiled and its parameters resolved. Immutable.
 *
 * @param spec        the rule as written
 * @param pack        the pack it belongs to
 * @param index       position in the rule set (state arrays are indexed by it)
 * @param fingerprint digest of the rule's definition and resolved parameters; a rule whose
 *                    fingerprint is unchanged across a reload keeps its state
 */
public record CompiledRule(
        RuleSpec spec,
        String pack,
        int index,
        String fingerprint,
        Set<RecordKind> kinds,
        List<String> present,
        CompiledExpr where,
        List<CompiledWindow> windows,
        CompiledExpr baseline,
        CompiledExpr bandOf,
        Double bandBelow,
        Double bandAbove,
        CompiledExpr condition,
        CompiledExpr value,
        CompiledExpr threshold,
        Extent forExtent,
        Extent keepFiringFor,
        Extent absent,
        Map<String, Template> annotations,
        Template reason,
        Map<String, String> labels) {

    /** The labels of this rule's alert in {@code runId}: its own plus those identifying it. */
    public Map<String, String> alertLabels(String runId) {
        Map<String, String> labels = new TreeMap<>(labels());
        labels.put("alertname", id());
        labels.put("run_id", runId);
        labels.put("severity", severity().id());
        labels.put("action", action().name());
        labels.put("pack", pack());
        return labels;
    }

    public String id() {
        return spec.id();
    }

    public Action action() {
        return spec.action();
    }

    public Severity severity() {
        return spec.severity();
    }

    public boolean isAbsence() {
        return absent != null;
    }
}
