package dev.anneal.watcher.rules.yaml;

import java.util.Collection;
import java.util.List;

/**
 * "did you mean" hints for misspelt keys, names and variables, shared by every strict loader
 * (rule files, scenario files, daemon configuration) so they all suggest the same way: the
 * closest candidate within {@link #MAX_DISTANCE} edits, else the one candidate the word begins
 * ({@code bootstrap} for {@code bootstrap_servers}).
 */
public final class DidYouMean {

    /** Suggestions are made within this many single-character edits. */
    public static final int MAX_DISTANCE = 2;

    /** A word this short is too little of a candidate to suggest it by its beginning. */
    private static final int MIN_PREFIX = 3;

    private DidYouMean() {
    }

    /** {@code " (did you mean 'x'?)"} for {@link #nearest}, else {@code ""}. */
    public static String hint(String word, Collection<String> candidates) {
        String best = nearest(word, candidates);
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    /**
     * The closest candidate within {@link #MAX_DISTANCE} edits (and fewer edits than the word has
     * characters), else the only candidate that starts with {@code word} (of at least three
     * characters), else null.
     */
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
        if (best != null && bestDistance <= MAX_DISTANCE && bestDistance < word.length()) {
            return best;
        }
        List<String> longer = candidates.stream().filter(c -> c.startsWith(word)).toList();
        return longer.size() == 1 && word.length() >= MIN_PREFIX ? longer.get(0) : null;
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
