package dev.anneal.watcher.app.chaos;

import dev.anneal.watcher.app.daemon.CrashOutputs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The check every chaos scenario ends with, the crash test's check made reusable: what the daemon
 * published (the output topics read with {@code read_committed}, {@link CrashOutputs#daemon}) must
 * equal what {@link dev.anneal.watcher.core.replay.Replay} of the same input publishes
 * ({@link CrashOutputs#replay}), in the normal form of {@link CrashOutputs}:
 * <ul>
 *   <li>alerts as a multiset of transitions: every transition of the replay published once
 *       (a missing one is <em>lost</em>, one more is a <em>duplicate</em>);</li>
 *   <li>recommendations: every change of the replay published once (lost and duplicates counted
 *       the same way), and the final recommendation of every run equal;</li>
 *   <li>per run, in order, as the crash test requires: Kafka keeps a run's records in one
 *       partition, so a run's outputs keep their order ({@code reordered} counts runs whose
 *       outputs are all there but in another order);</li>
 *   <li>dead letters: as many as the replay rejects.</li>
 * </ul>
 * The same multiset comparison checks what a receiver got against what the alerts topic holds
 * ({@link #deliveries}). A check returns a {@link Verdict} rather than throwing, so that a control
 * (a scenario run with a fault the guarantees do not cover) can require a difference.
 */
public final class ExactlyOnceCheck {

    private ExactlyOnceCheck() {
    }

    /**
     * What one comparison found.
     *
     * @param what       what was compared (the scenario)
     * @param expected   outputs (or deliveries) expected
     * @param actual     outputs (or deliveries) found
     * @param duplicates outputs found more often than expected
     * @param lost       expected outputs not found
     * @param reordered  runs whose outputs are all there, in another order
     * @param wrongFinal runs whose final recommendation differs
     * @param report     a readable account of the differences; empty when there are none
     */
    public record Verdict(String what, long expected, long actual, long duplicates, long lost, long reordered,
            long wrongFinal, String report) {
        public Verdict {
            Objects.requireNonNull(what, "what");
            Objects.requireNonNull(report, "report");
        }

        /** Nothing lost, nothing duplicated, nothing out of order. */
        public boolean exact() {
            return duplicates == 0 && lost == 0 && reordered == 0 && wrongFinal == 0 && report.isEmpty();
        }

        /** One line for logs and the figures of docs/reliability.md. */
        public String summary() {
            return String.format(Locale.ROOT, "%s: expected %d, got %d; duplicates %d, lost %d, reordered runs %d, "
                    + "wrong final recommendations %d", what, expected, actual, duplicates, lost, reordered, wrongFinal);
        }

        /** Fails with the report unless the comparison found no difference. */
        public Verdict requireExact() {
            if (!exact()) {
                throw new AssertionError(summary() + "\n" + report);
            }
            return this;
        }

        /** Fails unless the comparison found a difference (a control must make the check fail). */
        public Verdict requireDifference() {
            if (exact()) {
                throw new AssertionError("the control found no difference: " + summary());
            }
            return this;
        }
    }

    /** Compares the daemon's outputs with the replay's. */
    public static Verdict outputs(String what, CrashOutputs.Side expected, CrashOutputs.Side actual) {
        Multisets alerts = Multisets.of(flatten(expected.alerts()), flatten(actual.alerts()));
        Multisets recs = Multisets.of(flatten(expected.recommendations()), flatten(actual.recommendations()));
        long reordered = reordered(expected.alerts(), actual.alerts()) + reordered(expected.recommendations(),
                actual.recommendations());
        List<String> wrongFinal = new ArrayList<>();
        TreeSet<String> runs = new TreeSet<>(expected.recommendations().keySet());
        runs.addAll(actual.recommendations().keySet());
        for (String run : runs) {
            if (!Objects.equals(last(expected.recommendations().get(run)), last(actual.recommendations().get(run)))) {
                wrongFinal.add(run);
            }
        }
        StringBuilder report = new StringBuilder();
        report.append(CrashOutputs.differences("alerts", expected.alerts(), actual.alerts(), 5));
        report.append(CrashOutputs.differences("recommendations", expected.recommendations(),
                actual.recommendations(), 5));
        if (!wrongFinal.isEmpty()) {
            report.append("  final recommendation differs for ").append(wrongFinal.size()).append(" runs, such as ")
                    .append(wrongFinal.subList(0, Math.min(5, wrongFinal.size()))).append('\n');
        }
        if (expected.rejections() != actual.rejections()) {
            report.append("  dead letters: expected ").append(expected.rejections()).append(", got ")
                    .append(actual.rejections()).append('\n');
        }
        long expectedCount = expected.alertCount() + expected.recommendationCount();
        long actualCount = actual.alertCount() + actual.recommendationCount();
        return new Verdict(what, expectedCount, actualCount, alerts.extra() + recs.extra(),
                alerts.missing() + recs.missing(), reordered, wrongFinal.size(), report.toString());
    }

    /**
     * Compares what a receiver got with what it should have got, as multisets of delivery ids
     * ({@code <alert id>:<state>}, the {@code X-Watcher-Delivery} header). A receiver that
     * deduplicates by delivery id sees each transition once when nothing is lost; raw repeats
     * (an HTTP answer lost on the way back) are not counted against the guarantee, only reported.
     *
     * @param expected  the delivery ids of the alert transitions on the alerts topic
     * @param delivered the delivery ids the receiver accepted, repeats included
     */
    public static Verdict deliveries(String what, List<String> expected, List<String> delivered) {
        List<String> distinct = delivered.stream().distinct().toList();
        Multisets m = Multisets.of(expected, distinct);
        StringBuilder report = new StringBuilder();
        if (m.missing() > 0 || m.extra() > 0) {
            report.append("  ").append(what).append(": ").append(m.missing()).append(" transitions never delivered ")
                    .append(m.missingSample()).append(", ").append(m.extra()).append(" delivered that are not on the ")
                    .append("alerts topic ").append(m.extraSample()).append('\n');
        }
        long repeats = delivered.size() - distinct.size();
        return new Verdict(what + " (" + repeats + " repeated deliveries, deduplicated by delivery id)",
                expected.size(), distinct.size(), m.extra(), m.missing(), 0, 0, report.toString());
    }

    private static List<String> flatten(Map<String, List<String>> perRun) {
        List<String> out = new ArrayList<>();
        perRun.values().forEach(out::addAll);
        return out;
    }

    private static String last(List<String> list) {
        return list == null || list.isEmpty() ? null : list.get(list.size() - 1);
    }

    /** Runs whose outputs are the same multiset but not the same sequence. */
    private static long reordered(Map<String, List<String>> expected, Map<String, List<String>> actual) {
        long n = 0;
        for (Map.Entry<String, List<String>> e : expected.entrySet()) {
            List<String> a = actual.getOrDefault(e.getKey(), List.of());
            if (!a.equals(e.getValue()) && Multisets.of(e.getValue(), a).equal()) {
                n++;
            }
        }
        return n;
    }

    /** The difference of two multisets: how many of each are missing from, or extra in, the actual one. */
    private record Multisets(long missing, long extra, List<String> missingSample, List<String> extraSample) {
        static Multisets of(List<String> expected, List<String> actual) {
            Map<String, Integer> count = new HashMap<>();
            expected.forEach(x -> count.merge(x, 1, Integer::sum));
            actual.forEach(x -> count.merge(x, -1, Integer::sum));
            long missing = 0;
            long extra = 0;
            List<String> missingSample = new ArrayList<>();
            List<String> extraSample = new ArrayList<>();
            for (Map.Entry<String, Integer> e : count.entrySet()) {
                if (e.getValue() > 0) {
                    missing += e.getValue();
                    sample(missingSample, e.getKey());
                } else if (e.getValue() < 0) {
                    extra -= e.getValue();
                    sample(extraSample, e.getKey());
                }
            }
            return new Multisets(missing, extra, missingSample, extraSample);
        }

        boolean equal() {
            return missing == 0 && extra == 0;
        }

        private static void sample(List<String> sample, String item) {
            if (sample.size() < 3) {
                sample.add(item.length() > 200 ? item.substring(0, 200) + "..." : item);
            }
        }
    }
}
