package dev.anneal.watcher.app.config;

import dev.anneal.watcher.rules.load.DidYouMean;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** "did you mean" hints for unknown keys and variables. */
final class Suggestions {

    private Suggestions() {
    }

    /** {@code " (did you mean 'x'?)"} for the closest candidate within two edits, else {@code ""}. */
    static String didYouMean(String word, Collection<String> candidates) {
        String best = closest(word, candidates);
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    /**
     * For an unknown key of a section: how to write a group of dotted keys ({@code tls:} nested
     * instead of {@code tls.keystore:}), else the closest key of that section, else the same key in
     * another section (a key written under the wrong section), else nothing.
     */
    static String didYouMeanKey(String section, String name) {
        Map<String, ConfigKey<?>> keys = ConfigKeys.SECTIONS.get(section);
        List<String> dotted = keys.keySet().stream().filter(k -> k.startsWith(name + ".")).toList();
        if (!dotted.isEmpty()) {
            return " (dotted keys are written whole, one per line, such as '" + dotted.get(0) + ": ...')";
        }
        String best = closest(name, keys.keySet());
        if (best != null) {
            return " (did you mean '" + section + "." + best + "'?)";
        }
        for (var e : ConfigKeys.SECTIONS.entrySet()) {
            String other = closest(name, e.getValue().keySet());
            if (other != null) {
                return " (did you mean '" + e.getKey() + "." + other + "'?)";
            }
        }
        return "";
    }

    /**
     * The candidate within two edits of {@code word}, else the only candidate that {@code word} is
     * a prefix of ({@code bootstrap} for {@code bootstrap_servers}), else {@code null}.
     */
    private static String closest(String word, Collection<String> candidates) {
        String near = nearest(word, candidates);
        if (near != null) {
            return near;
        }
        List<String> longer = candidates.stream().filter(c -> c.startsWith(word)).toList();
        return longer.size() == 1 && word.length() >= 3 ? longer.get(0) : null;
    }

    private static String nearest(String word, Collection<String> candidates) {
        return DidYouMean.nearest(word, candidates);
    }
}
