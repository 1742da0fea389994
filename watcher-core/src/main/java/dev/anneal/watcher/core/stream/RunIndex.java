package dev.anneal.watcher.core.stream;

import dev.anneal.watcher.rules.engine.CompiledRule;
import dev.anneal.watcher.rules.engine.RunLifecycle;
import dev.anneal.watcher.rules.engine.RunState;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.Recommendation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * What one stream task knows about each run in its store without decoding it: the run's next
 * deadline ({@link RunLifecycle#nextDeadline}: absence rules and idle end while active, silence
 * ends, expiry once ended), in a sorted index, and the run's contribution to the gauges of
 * {@link WatcherMetrics} ({@value WatcherMetrics#RUNS}, {@value WatcherMetrics#RUNS_LATCHED},
 * {@value WatcherMetrics#ALERTS_FIRING}). With it, a clock advance costs the runs whose deadline is
 * due, not a walk of the store, and the gauges follow every save and delete.
 *
 * <p>It lives in memory only and is rebuilt by one scan of the store whenever the task takes up a
 * rule set (at initialisation, and at every rules switch, which scans the store anyway), then kept
 * up to date by {@link KeyValueRunStore#save} and {@link KeyValueRunStore#delete}. Memory: one small
 * entry per stored run. Not thread-safe: one per task; the gauges it feeds are shared.
 */
final class RunIndex {

    /** A run's part in the gauges: its tags, and the tags of each firing alert. */
    private record View(String action, String status, String synthetic, String latched, List<List<String>> firing) {
    }

    /** A deadline in the index: ordered by time, then run id. */
    private record Deadline(long at, String runId) {
    }

    private static final Comparator<Deadline> ORDER = Comparator.comparingLong(Deadline::at)
            .thenComparing(Deadline::runId);
    /** A tracked run with no deadline in the index. */
    private static final long NONE = Long.MAX_VALUE;

    private final WatcherMetrics metrics;
    private final Map<String, View> views = new HashMap<>();
    private final Map<String, Long> indexed = new HashMap<>();
    private final TreeSet<Deadline> deadlines = new TreeSet<>(ORDER);
    private RunLifecycle lifecycle;

    RunIndex(WatcherMetrics metrics) {
        this.metrics = metrics;
    }

    /** Starts over for a rule set (the caller re-tracks every run): the task's gauges are withdrawn meanwhile. */
    void use(RunLifecycle next) {
        release();
        lifecycle = next;
    }

    /** Takes note of a run as it is now (after every save, and for every run of a scan). */
    void track(RunState run) {
        String runId = run.runId();
        View view = view(run);
        View old = views.put(runId, view);
        if (!view.equals(old)) {
            count(old, -1);
            count(view, 1);
        }
        OptionalLong next = lifecycle.nextDeadline(run);
        index(runId, next.isPresent() ? next.getAsLong() : NONE);
    }

    /** The run was deleted. */
    void forget(String runId) {
        count(views.remove(runId), -1);
        index(runId, NONE);
    }

    /**
     * Takes the runs whose deadline is at or before {@code now} out of the index, earliest first;
     * the caller handles them and tracks them again.
     */
    List<String> pollDue(long now) {
        List<String> due = new ArrayList<>();
        while (!deadlines.isEmpty() && deadlines.first().at() <= now) {
            Deadline d = deadlines.pollFirst();
            indexed.remove(d.runId());
            due.add(d.runId());
        }
        return due;
    }

    /** Withdraws this task's runs from the gauges and forgets them (the task closes, or re-scans). */
    void release() {
        views.values().forEach(v -> count(v, -1));
        views.clear();
        indexed.clear();
        deadlines.clear();
    }

    /** How many runs are tracked, and how many of them have a deadline (for tests and the benchmark). */
    int size() {
        return views.size();
    }

    int deadlines() {
        return deadlines.size();
    }

    private void index(String runId, long at) {
        Long old = at == NONE ? indexed.remove(runId) : indexed.put(runId, at);
        if (old != null && old != at) {
            deadlines.remove(new Deadline(old, runId));
        }
        if (at != NONE) {
            deadlines.add(new Deadline(at, runId));
        }
    }

    private View view(RunState run) {
        Recommendation rec = run.recommendation();
        List<List<String>> firing = new ArrayList<>();
        for (CompiledRule rule : lifecycle.engine().ruleSet().rules()) {
            if (run.rule(rule.index()).state() == AlertState.FIRING) {
                firing.add(List.of(rule.id(), rule.severity().id()));
            }
        }
        Action latched = run.latched();
        return new View(rec == null ? "NONE" : rec.action().name(), run.status().id(),
                Boolean.toString(run.synthetic()), latched == null ? null : latched.name(), firing);
    }

    private void count(View v, long delta) {
        if (v == null) {
            return;
        }
        metrics.gauge(WatcherMetrics.RUNS, delta, WatcherMetrics.TAG_ACTION, v.action(), WatcherMetrics.TAG_STATUS,
                v.status(), WatcherMetrics.TAG_SYNTHETIC, v.synthetic());
        if (v.latched() != null) {
            metrics.gauge(WatcherMetrics.RUNS_LATCHED, delta, WatcherMetrics.TAG_ACTION, v.latched(),
                    WatcherMetrics.TAG_SYNTHETIC, v.synthetic());
        }
        for (List<String> alert : v.firing()) {
            metrics.gauge(WatcherMetrics.ALERTS_FIRING, delta, WatcherMetrics.TAG_RULE, alert.get(0),
                    WatcherMetrics.TAG_SEVERITY, alert.get(1), WatcherMetrics.TAG_SYNTHETIC, v.synthetic());
        }
    }
}
