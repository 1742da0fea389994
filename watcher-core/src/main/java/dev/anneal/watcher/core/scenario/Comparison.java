package dev.anneal.watcher.core.scenario;

import dev.anneal.watcher.core.decode.Rejection;
import dev.anneal.watcher.core.replay.ReplayResult;
import dev.anneal.watcher.core.replay.RuleErrorSummary;
import dev.anneal.watcher.core.replay.RunSummary;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.Evidence;
import dev.anneal.watcher.rules.model.Recommendation;
import dev.anneal.watcher.rules.model.SourcePosition;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Compares what a replay produced with what a scenario test expects, and says how they differ in
 * lines a person can act on. Expected items are pasted-back YAML: the actual items in the
 * messages are written in scenario syntax ({@code {at: 4, rule: r, state: firing}}), so a new
 * expectation can be copied from a failure.
 *
 * <p>Ordered lists are aligned, not just zipped: the longest common run of fully matching items
 * anchors the comparison, and within each gap between anchors expected items are paired with the
 * most similar actual item. An inserted alert therefore shows as one "unexpected #k" rather than
 * as every later alert differing.
 */
final class Comparison {

    /** Items shown in one "expected N, got M" line before the rest is summarised. */
    static final int MAX_ITEMS_SHOWN = 10;

    /** Beyond this many expected x actual pairs, lists are paired in order without alignment. */
    private static final long MAX_ALIGNMENT_CELLS = 4_000_000L;

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_./-]*");
    private static final Set<String> YAML_WORDS = Set.of("true", "false", "yes", "no", "on", "off", "null", "y", "n");

    private Comparison() {
    }

    /** Every mismatch between {@code expect} and the replay's output, in expectation-key order. */
    static List<String> compare(Expectations expect, List<AlertEvent> alerts, List<Recommendation> recommendations,
                                ReplayResult result) {
        List<String> out = new ArrayList<>();
        expect.alerts().ifPresent(e -> out.addAll(list("alert", "alerts", e, alerts, Comparison::alertDiffs,
                Comparison::alertKeys, a -> "rule " + a.rule() + " at " + a.source(), Comparison::render,
                Comparison::render)));
        expect.recommendations().ifPresent(e -> out.addAll(list("recommendation", "recommendations", e,
                recommendations, Comparison::recommendationDiffs, Comparison::recommendationKeys,
                r -> "run " + r.runId() + " at " + r.source(), Comparison::render, Comparison::render)));
        expect.decision().ifPresent(d -> {
            if (d != result.decision()) {
                out.add("decision: expected " + d + ", got " + result.decision());
            }
        });
        expect.runs().ifPresent(r -> out.addAll(runs(r, result.runs())));
        expect.rejected().ifPresent(r -> out.addAll(countOrItems("rejected record", "rejected records",
                "rejection", r, result.rejections(), Comparison::rejectionDiffs, Comparison::rejectionKeys,
                x -> "at " + x.position(), Comparison::render, Comparison::render)));
        expect.ruleErrors().ifPresent(r -> out.addAll(countOrItems("rule error", "rule errors", "rule error", r,
                result.ruleErrors(), Comparison::ruleErrorDiffs, Comparison::ruleErrorKeys,
                x -> "rule " + x.rule() + " at " + x.firstPosition(), Comparison::render, Comparison::render)));
        expect.commands().ifPresent(c -> out.addAll(list("command", "commands", c, result.commands(),
                Comparison::commandDiffs, Comparison::commandKeys,
                a -> "command " + a.command().commandId() + " of run " + a.command().runId(), Comparison::render,
                Comparison::render)));
        return out;
    }

    // ---------------------------------------------------------------- per-item field diffs

    static List<String> alertDiffs(AlertExpectation e, AlertEvent a) {
        List<String> d = new ArrayList<>();
        e.at().ifPresent(at -> diffAt(d, "at", at, a.source()));
        e.rule().ifPresent(r -> diff(d, "rule", r, a.rule()));
        e.runId().ifPresent(r -> diff(d, "run_id", r, a.runId()));
        e.state().ifPresent(s -> diff(d, "state", s.id(), a.state().id()));
        e.action().ifPresent(x -> diff(d, "action", x.name(), a.action().name()));
        e.severity().ifPresent(s -> diff(d, "severity", s.id(), a.severity().id()));
        e.value().ifPresent(v -> diffNumber(d, "value", v, a.value()));
        e.threshold().ifPresent(v -> diffNumber(d, "threshold", v, a.threshold()));
        e.startedAt().ifPresent(at -> diffAt(d, "started_at", at, a.startedAt()));
        e.labels().forEach((k, v) -> diffEntry(d, "label", k, v, a.labels()));
        e.annotations().forEach((k, v) -> diffEntry(d, "annotation", k, v, a.annotations()));
        e.acked().ifPresent(x -> diffPlain(d, "acked", x.toString(), Boolean.toString(a.acked() != null)));
        e.silenced().ifPresent(x -> diffPlain(d, "silenced", x.toString(), Boolean.toString(a.silenced() != null)));
        return d;
    }

    private static int alertKeys(AlertExpectation e) {
        return count(e.at(), e.rule(), e.runId(), e.state(), e.action(), e.severity(), e.value(), e.threshold(),
                e.startedAt(), e.acked(), e.silenced()) + e.labels().size() + e.annotations().size();
    }

    static List<String> commandDiffs(CommandExpectation e, AuditRecord a) {
        List<String> d = new ArrayList<>();
        e.id().ifPresent(x -> diff(d, "id", x, a.command().commandId()));
        e.type().ifPresent(x -> diff(d, "type", x.id(), a.command().type().id()));
        e.runId().ifPresent(x -> diff(d, "run_id", x, a.command().runId()));
        e.outcome().ifPresent(x -> diff(d, "outcome", x.id(), a.outcome().id()));
        e.detail().ifPresent(x -> {
            if (!a.detail().contains(x)) {
                d.add("expected detail containing " + quote(x) + ", got " + quote(a.detail()));
            }
        });
        return d;
    }

    private static int commandKeys(CommandExpectation e) {
        return count(e.id(), e.type(), e.runId(), e.outcome(), e.detail());
    }

    static List<String> recommendationDiffs(RecommendationExpectation e, Recommendation r) {
        List<String> d = new ArrayList<>();
        e.at().ifPresent(at -> diffAt(d, "at", at, r.source()));
        e.runId().ifPresent(x -> diff(d, "run_id", x, r.runId()));
        e.action().ifPresent(x -> diff(d, "action", x.name(), r.action().name()));
        e.latched().ifPresent(x -> diffPlain(d, "latched", x.toString(), Boolean.toString(r.latched())));
        e.reasons().ifPresent(x -> {
            if (!x.equals(r.reasons())) {
                d.add("expected reasons " + stringList(x) + ", got " + stringList(r.reasons()));
            }
        });
        e.rules().ifPresent(x -> {
            List<String> actual = r.evidence().stream().map(Evidence::rule).toList();
            if (!x.equals(actual)) {
                d.add("expected rules " + stringList(x) + ", got " + stringList(actual));
            }
        });
        return d;
    }

    private static int recommendationKeys(RecommendationExpectation e) {
        return count(e.at(), e.runId(), e.action(), e.latched(), e.reasons(), e.rules());
    }

    static List<String> rejectionDiffs(RejectionExpectation e, Rejection r) {
        List<String> d = new ArrayList<>();
        e.at().ifPresent(at -> diffAt(d, "at", at, r.position()));
        e.reason().ifPresent(x -> {
            if (!r.reason().contains(x)) {
                d.add("expected reason containing " + quote(x) + ", got " + quote(r.reason()));
            }
        });
        return d;
    }

    private static int rejectionKeys(RejectionExpectation e) {
        return count(e.at(), e.reason());
    }

    static List<String> ruleErrorDiffs(RuleErrorExpectation e, RuleErrorSummary r) {
        List<String> d = new ArrayList<>();
        e.rule().ifPresent(x -> diff(d, "rule", x, r.rule()));
        e.count().ifPresent(x -> diffPlain(d, "count", Long.toString(x), Long.toString(r.count())));
        e.at().ifPresent(at -> diffAt(d, "at", at, r.firstPosition()));
        e.message().ifPresent(x -> {
            if (!r.firstMessage().contains(x)) {
                d.add("expected message containing " + quote(x) + ", got " + quote(r.firstMessage()));
            }
        });
        return d;
    }

    private static int ruleErrorKeys(RuleErrorExpectation e) {
        return count(e.rule(), e.count(), e.at(), e.message());
    }

    private static List<String> runs(Map<String, Action> expected, List<RunSummary> actual) {
        List<String> out = new ArrayList<>();
        Map<String, Action> got = new LinkedHashMap<>();
        actual.forEach(r -> got.put(r.runId(), r.decision()));
        expected.forEach((run, action) -> {
            Action a = got.get(run);
            if (a == null) {
                out.add("run " + run + ": expected " + action + ", but the replay has no such run (runs: "
                        + (got.isEmpty() ? "none" : String.join(", ", got.keySet())) + ")");
            } else if (a != action) {
                out.add("run " + run + ": expected " + action + ", got " + a);
            }
        });
        got.forEach((run, action) -> {
            if (!expected.containsKey(run)) {
                out.add("unexpected run " + run + " (" + action + "); runs: must list every run");
            }
        });
        return out;
    }

    // ---------------------------------------------------------------- list alignment

    private static <E, A> List<String> countOrItems(String noun, String plural, String itemNoun,
            CountOrItems<E> expected, List<A> actual, BiFunction<E, A, List<String>> diffs,
            Function<E, Integer> keys, Function<A, String> context, Function<E, String> renderExpected,
            Function<A, String> renderActual) {
        if (expected instanceof CountOrItems.Items<E> items) {
            return list(itemNoun, plural, items.items(), actual, diffs, keys, context, renderExpected, renderActual);
        }
        long n = expected.expectedCount();
        if (n == actual.size()) {
            return List.of();
        }
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < actual.size(); i++) {
            shown.add("#" + (i + 1) + " " + renderActual.apply(actual.get(i)));
        }
        return List.of(header(noun, plural, n, actual.size()) + (shown.isEmpty() ? "" : ": " + joinCapped(shown)));
    }

    /**
     * Compares a complete ordered list. Emits, in order: one "expected N, got M: missing/unexpected"
     * line when items are missing or extra, then one line per paired item that differs.
     */
    static <E, A> List<String> list(String noun, String plural, List<E> expected, List<A> actual,
            BiFunction<E, A, List<String>> diffs, Function<E, Integer> keys, Function<A, String> context,
            Function<E, String> renderExpected, Function<A, String> renderActual) {
        int n = expected.size();
        int m = actual.size();
        List<int[]> anchors = anchors(expected, actual, diffs);
        List<String> extras = new ArrayList<>();
        List<String> details = new ArrayList<>();
        int ei = 0;
        int aj = 0;
        anchors.add(new int[] {n, m});
        for (int[] anchor : anchors) {
            // Pair the gap expected[ei, anchor[0]) with actual[aj, anchor[1]).
            int a = aj;
            boolean sameSize = anchor[0] - ei == anchor[1] - aj;
            for (int e = ei; e < anchor[0]; e++) {
                int best = -1;
                int bestScore = -1;
                // Equal-sized gaps pair in order; otherwise each expected item takes the most
                // similar actual item left, and the ones it skips are unexpected.
                int last = sameSize ? Math.min(a + 1, anchor[1]) : anchor[1];
                for (int k = a; k < last; k++) {
                    int score = keys.apply(expected.get(e)) - diffs.apply(expected.get(e), actual.get(k)).size();
                    if (score > bestScore) {
                        bestScore = score;
                        best = k;
                    }
                }
                if (best < 0) {
                    extras.add("missing #" + (e + 1) + " " + renderExpected.apply(expected.get(e)));
                    continue;
                }
                for (int k = a; k < best; k++) {
                    extras.add("unexpected #" + (k + 1) + " " + renderActual.apply(actual.get(k)));
                }
                List<String> d = diffs.apply(expected.get(e), actual.get(best));
                if (!d.isEmpty()) {
                    details.add(noun + " #" + (e + 1) + ": " + String.join("; ", d) + " ("
                            + context.apply(actual.get(best)) + ")");
                }
                a = best + 1;
            }
            for (int k = a; k < anchor[1]; k++) {
                extras.add("unexpected #" + (k + 1) + " " + renderActual.apply(actual.get(k)));
            }
            ei = anchor[0] + 1;
            aj = anchor[1] + 1;
        }
        List<String> out = new ArrayList<>();
        if (!extras.isEmpty()) {
            out.add(header(noun, plural, n, m) + ": " + joinCapped(extras));
        }
        out.addAll(details);
        return out;
    }

    /** Index pairs of the longest common subsequence of fully matching items, in order. */
    private static <E, A> List<int[]> anchors(List<E> expected, List<A> actual, BiFunction<E, A, List<String>> diffs) {
        int n = expected.size();
        int m = actual.size();
        List<int[]> out = new ArrayList<>();
        if ((long) n * m > MAX_ALIGNMENT_CELLS) {
            for (int i = 0; i < Math.min(n, m); i++) {
                if (diffs.apply(expected.get(i), actual.get(i)).isEmpty()) {
                    out.add(new int[] {i, i});
                }
            }
            return out;
        }
        boolean[][] match = new boolean[n][m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                match[i][j] = diffs.apply(expected.get(i), actual.get(j)).isEmpty();
            }
        }
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = match[i][j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < n && j < m) {
            if (match[i][j] && lcs[i][j] == lcs[i + 1][j + 1] + 1) {
                out.add(new int[] {i, j});
                i++;
                j++;
            } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
                i++;
            } else {
                j++;
            }
        }
        return out;
    }

    private static String header(String noun, String plural, long expected, long actual) {
        return "expected " + expected + " " + (expected == 1 ? noun : plural) + ", got " + actual;
    }

    private static String joinCapped(List<String> items) {
        if (items.size() <= MAX_ITEMS_SHOWN) {
            return String.join("; ", items);
        }
        return String.join("; ", items.subList(0, MAX_ITEMS_SHOWN)) + "; ... and " + (items.size() - MAX_ITEMS_SHOWN)
                + " more";
    }

    // ---------------------------------------------------------------- field helpers

    private static void diff(List<String> d, String key, String expected, String actual) {
        if (!expected.equals(actual)) {
            d.add("expected " + key + " " + scalar(expected) + ", got " + scalar(actual));
        }
    }

    /** Like {@link #diff} for values that are never quoted (booleans, counts). */
    private static void diffPlain(List<String> d, String key, String expected, String actual) {
        if (!expected.equals(actual)) {
            d.add("expected " + key + " " + expected + ", got " + actual);
        }
    }

    private static void diffAt(List<String> d, String key, At expected, SourcePosition actual) {
        if (!expected.matches(actual)) {
            d.add("expected " + key + " " + expected + ", got " + At.of(actual));
        }
    }

    private static void diffNumber(List<String> d, String key, ExpectedNumber expected, Double actual) {
        if (!expected.matches(actual)) {
            d.add("expected " + key + " " + number(expected.value()) + ", got " + number(actual));
        }
    }

    private static void diffEntry(List<String> d, String what, String key, String expected, Map<String, String> actual) {
        String a = actual.get(key);
        if (a == null) {
            d.add("expected " + what + " " + key + " " + quote(expected) + ", got no " + what + " " + key);
        } else if (!a.equals(expected)) {
            d.add("expected " + what + " " + key + " " + quote(expected) + ", got " + quote(a));
        }
    }

    private static int count(Optional<?>... keys) {
        int n = 0;
        for (Optional<?> k : keys) {
            if (k.isPresent()) {
                n++;
            }
        }
        return n;
    }

    // ---------------------------------------------------------------- rendering in scenario syntax

    static String render(AlertEvent a) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("at", At.of(a.source()).yaml());
        m.put("rule", scalar(a.rule()));
        m.put("run_id", scalar(a.runId()));
        m.put("state", a.state().id());
        m.put("action", a.action().name());
        if (a.value() != null) {
            m.put("value", number(a.value()));
        }
        if (a.threshold() != null) {
            m.put("threshold", number(a.threshold()));
        }
        return flow(m);
    }

    static String render(AlertExpectation e) {
        Map<String, String> m = new LinkedHashMap<>();
        e.at().ifPresent(x -> m.put("at", x.yaml()));
        e.rule().ifPresent(x -> m.put("rule", scalar(x)));
        e.runId().ifPresent(x -> m.put("run_id", scalar(x)));
        e.state().ifPresent(x -> m.put("state", x.id()));
        e.action().ifPresent(x -> m.put("action", x.name()));
        e.severity().ifPresent(x -> m.put("severity", x.id()));
        e.value().ifPresent(x -> m.put("value", number(x.value())));
        e.threshold().ifPresent(x -> m.put("threshold", number(x.value())));
        e.startedAt().ifPresent(x -> m.put("started_at", x.yaml()));
        if (!e.labels().isEmpty()) {
            m.put("labels", flowStrings(e.labels()));
        }
        if (!e.annotations().isEmpty()) {
            m.put("annotations", flowStrings(e.annotations()));
        }
        return flow(m);
    }

    static String render(Recommendation r) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("at", At.of(r.source()).yaml());
        m.put("run_id", scalar(r.runId()));
        m.put("action", r.action().name());
        m.put("latched", Boolean.toString(r.latched()));
        m.put("reasons", stringList(r.reasons()));
        return flow(m);
    }

    static String render(RecommendationExpectation e) {
        Map<String, String> m = new LinkedHashMap<>();
        e.at().ifPresent(x -> m.put("at", x.yaml()));
        e.runId().ifPresent(x -> m.put("run_id", scalar(x)));
        e.action().ifPresent(x -> m.put("action", x.name()));
        e.latched().ifPresent(x -> m.put("latched", x.toString()));
        e.reasons().ifPresent(x -> m.put("reasons", stringList(x)));
        e.rules().ifPresent(x -> m.put("rules", stringList(x)));
        return flow(m);
    }

    static String render(AuditRecord a) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("id", scalar(a.command().commandId()));
        m.put("type", a.command().type().id());
        m.put("run_id", scalar(a.command().runId()));
        m.put("outcome", a.outcome().id());
        m.put("detail", quote(a.detail()));
        return flow(m);
    }

    static String render(CommandExpectation e) {
        Map<String, String> m = new LinkedHashMap<>();
        e.id().ifPresent(x -> m.put("id", scalar(x)));
        e.type().ifPresent(x -> m.put("type", x.id()));
        e.runId().ifPresent(x -> m.put("run_id", scalar(x)));
        e.outcome().ifPresent(x -> m.put("outcome", x.id()));
        e.detail().ifPresent(x -> m.put("detail", quote(x)));
        return flow(m);
    }

    static String render(Rejection r) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("at", At.of(r.position()).yaml());
        m.put("reason", quote(r.reason()));
        return flow(m);
    }

    static String render(RejectionExpectation e) {
        Map<String, String> m = new LinkedHashMap<>();
        e.at().ifPresent(x -> m.put("at", x.yaml()));
        e.reason().ifPresent(x -> m.put("reason", quote(x)));
        return flow(m);
    }

    static String render(RuleErrorSummary r) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("rule", scalar(r.rule()));
        m.put("count", Long.toString(r.count()));
        m.put("at", At.of(r.firstPosition()).yaml());
        m.put("message", quote(r.firstMessage()));
        return flow(m);
    }

    static String render(RuleErrorExpectation e) {
        Map<String, String> m = new LinkedHashMap<>();
        e.rule().ifPresent(x -> m.put("rule", scalar(x)));
        e.count().ifPresent(x -> m.put("count", Long.toString(x)));
        e.at().ifPresent(x -> m.put("at", x.yaml()));
        e.message().ifPresent(x -> m.put("message", quote(x)));
        return flow(m);
    }

    private static String flow(Map<String, String> m) {
        StringBuilder sb = new StringBuilder("{");
        m.forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "").append(k).append(": ").append(v));
        return sb.append('}').toString();
    }

    private static String flowStrings(Map<String, String> m) {
        Map<String, String> q = new LinkedHashMap<>();
        m.forEach((k, v) -> q.put(k, quote(v)));
        return flow(q);
    }

    private static String stringList(List<String> items) {
        return "[" + String.join(", ", items.stream().map(Comparison::quote).toList()) + "]";
    }

    /** A number as a scenario file can write it back: no exponent, no trailing {@code .0}. */
    static String number(Double d) {
        if (d == null) {
            return "null";
        }
        if (Double.isNaN(d)) {
            return ".nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? ".inf" : "-.inf";
        }
        BigDecimal b = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        return b.scale() < 0 ? b.setScale(0).toPlainString() : b.toPlainString();
    }

    /** A string as a plain YAML scalar when that is unambiguous, else double-quoted. */
    static String scalar(String s) {
        if (PLAIN.matcher(s).matches() && !YAML_WORDS.contains(s.toLowerCase(Locale.ROOT))) {
            return s;
        }
        return quote(s);
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
