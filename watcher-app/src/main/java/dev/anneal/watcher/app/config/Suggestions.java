package dev.anneal.watcher.app.config;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** "did you mean" hints for unknown keys and variables. */
final class Suggestions {

    private static final int MAX_DISTANCE = 2;

    private Suggestions() {
    }

    /** {@code " (did you mean 'x'?)"} for the closest candidate within two edits, else {@code ""}. */
    static String didYouMean(String word, Collection<String> candidates) {
        String best = closest(word, candidates);
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    /**
     * For an unknown key of a section: the closest key of that section, else the same key in
     * another section (a key written under the wrong section), else nothing.
     */
    static String didYouMeanKey(String section, String name) {
        Map<String, ConfigKey<?>> keys = ConfigKeys.SECTIONS.get(section);
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
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = editDistance(word, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return bestDistance <= MAX_DISTANCE ? best : null;
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
