package dev.anneal.watcher.rules.model;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Which alerts a silence covers: those of {@code rule} (when given) whose labels include every
 * entry of {@code labels}. The run is the command's: a silence of one run matches only its alerts;
 * a silence sent to every run ({@link OperatorCommand#ALL_RUNS}) matches by rule and labels alone.
 *
 * @param rule   the rule id, or null for any rule
 * @param labels labels an alert must carry with these values (sorted by name); may be empty
 */
public record SilenceMatcher(String rule, Map<String, String> labels) {

    public SilenceMatcher {
        labels = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(labels, "labels")));
        if (rule != null && rule.isBlank()) {
            throw new IllegalArgumentException("a silence's rule must not be blank");
        }
    }

    /** Whether an alert of {@code alertRule} with {@code alertLabels} is covered. */
    public boolean matches(String alertRule, Map<String, String> alertLabels) {
        if (rule != null && !rule.equals(alertRule)) {
            return false;
        }
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (!e.getValue().equals(alertLabels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
