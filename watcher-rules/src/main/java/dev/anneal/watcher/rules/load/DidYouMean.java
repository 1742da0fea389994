package dev.anneal.watcher.rules.load;

import java.util.Collection;

/**
 * "did you mean" hints for misspelt keys, shared by every strict loader (rule files, scenario
 * files, daemon configuration) so they all suggest the same way.
 */
public final class DidYouMean {

    /** Suggestions are made within this many single-character edits. */
    public static final int MAX_DISTANCE = 2;

    private DidYouMean() {
    }

    /**
     * {@code " (did you mean 'x'?)"} for the closest candidate within {@link #MAX_DISTANCE} edits
     * (and fewer edits than the word has characters), else {@code ""}.
     */
    public static String hint(String word, Collection<String> candidates) {
        String best = nearest(word, candidates);
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    /** The closest candidate within {@link #MAX_DISTANCE} edits, or null. */
    public static String nearest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = editDistance(word, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best != null && bestDistance <= MAX_DISTANCE && bestDistance < word.length() ? best : null;
    }

    /** Levenshtein distance. */
    public static int editDistance(String a, String b) {
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
