package dev.anneal.watcher.rules.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Function;

/**
 * The absence deadlines of many runs under one clock, in the order they fire: by deadline, then
 * run id, then rule index, so that a replay fires the absence rules of all its runs in the same
 * order every time; with a {@link RunLifecycle}, also each run's lifecycle deadline (a silence
 * ends, the run ends idle or expires), after the absence rules of the same run and deadline. Used
 * where every run lives in memory (replay's run store, tests).
 *
 * <p>An entry is made when a rule's deadline is first known ({@link #update}) and is not moved
 * when later records push the deadline back: when it comes up, the rule fires if its current
 * deadline has passed too, or is queued again at that deadline. So a queued deadline may be
 * earlier than the rule's current one, and firings due at the same clock advance follow the queued
 * deadlines. That is replay's order by definition; the golden replay outputs pin it. A run's
 * lifecycle deadline can also move earlier (an operator adds a silence that ends before the run
 * would end idle): then an earlier entry is queued, and the later one is dropped when it comes
 * up. Not thread-safe.
 */
public final class DeadlineQueue {

    private record Entry(long at, String runId, int rule) {
    }

    private static final Comparator<Entry> FIRING_ORDER = Comparator.comparingLong(Entry::at)
            .thenComparing(Entry::runId).thenComparingInt(Entry::rule);

    /** The rule index of a lifecycle entry: after every absence rule of the same run and deadline. */
    private static final int LIFECYCLE = Integer.MAX_VALUE;

    private final Engine engine;
    private final RunLifecycle lifecycle;
    private final PriorityQueue<Entry> queue = new PriorityQueue<>(FIRING_ORDER);

    /** A queue of the absence deadlines of the runs of {@code engine}'s rule set. */
    public DeadlineQueue(Engine engine) {
        this.engine = engine;
        this.lifecycle = null;
    }

    /** A queue of the absence and lifecycle deadlines of the runs of {@code lifecycle}'s engine. */
    public DeadlineQueue(RunLifecycle lifecycle) {
        this.engine = lifecycle.engine();
        this.lifecycle = lifecycle;
    }

    /** Queues the run's deadlines that have no entry yet; call after every change of the run. */
    public void update(RunState run) {
        if (lifecycle != null) {
            queueLifecycle(run, lifecycle.deadline(run));
        }
        for (CompiledRule rule : engine.absenceRules()) {
            RuleState st = run.rules[rule.index()];
            if (!st.deadlineQueued) {
                OptionalLong at = engine.deadline(run, rule);
                if (at.isPresent()) {
                    queue.add(new Entry(at.getAsLong(), run.runId, rule.index()));
                    st.deadlineQueued = true;
                }
            }
        }
    }

    /** Queues the run's lifecycle deadline unless an entry at or before it is queued. */
    private void queueLifecycle(RunState run, OptionalLong at) {
        if (at.isPresent() && at.getAsLong() < run.lifecycleQueuedAt) {
            queue.add(new Entry(at.getAsLong(), run.runId, LIFECYCLE));
            run.lifecycleQueuedAt = at.getAsLong();
        }
    }

    /**
     * Takes the entries due at {@code now} off the queue and returns what is due, in firing order;
     * an entry whose deadline moved past {@code now} is queued again at it.
     *
     * @param runs the state of a queued run, by run id, or null when it was deleted
     */
    public List<Due> due(long now, Function<String, RunState> runs) {
        if (queue.isEmpty() || queue.peek().at() > now) {
            return List.of();
        }
        List<Due> due = new ArrayList<>();
        Set<RunState> lifecycleDue = Collections.newSetFromMap(new IdentityHashMap<>());
        while (!queue.isEmpty() && queue.peek().at() <= now) {
            Entry e = queue.poll();
            RunState run = runs.apply(e.runId());
            if (run == null) {
                continue; // the run expired and was deleted
            }
            if (e.rule() == LIFECYCLE) {
                if (e.at() == run.lifecycleQueuedAt) {
                    run.lifecycleQueuedAt = Long.MAX_VALUE;
                }
                OptionalLong at = lifecycle.deadline(run);
                if (at.isPresent() && at.getAsLong() <= now) {
                    // An entry superseded by an earlier one may come up in the same advance: once.
                    if (lifecycleDue.add(run)) {
                        due.add(Due.lifecycle(run));
                    }
                } else {
                    queueLifecycle(run, at);
                }
                continue;
            }
            CompiledRule rule = engine.ruleSet().rules().get(e.rule());
            run.rules[e.rule()].deadlineQueued = false;
            OptionalLong at = engine.deadline(run, rule);
            if (at.isEmpty()) {
                continue;
            }
            if (at.getAsLong() <= now) {
                due.add(new Due(run, rule));
            } else {
                queue.add(new Entry(at.getAsLong(), e.runId(), e.rule()));
                run.rules[e.rule()].deadlineQueued = true;
            }
        }
        return due;
    }
}
