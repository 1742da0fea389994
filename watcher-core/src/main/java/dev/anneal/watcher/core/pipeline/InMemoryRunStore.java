package dev.anneal.watcher.core.pipeline;

import dev.anneal.watcher.rules.engine.DeadlineQueue;
import dev.anneal.watcher.rules.engine.Due;
import dev.anneal.watcher.rules.engine.RunLifecycle;
import dev.anneal.watcher.rules.engine.RunState;
import dev.anneal.watcher.rules.engine.RunStateCodec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every run's state in memory, with its deadlines in a {@link DeadlineQueue}: replay's store.
 * Memory grows with live runs and rules, never with records; an expired run leaves it. The queue
 * fires the absence rules of all runs in deadline order (then run id, then rule), which makes
 * replay output deterministic. Not thread-safe.
 */
public final class InMemoryRunStore implements RunStore {

    private final Map<String, RunState> runs = new LinkedHashMap<>();
    private RunLifecycle lifecycle;
    private DeadlineQueue deadlines;

    @Override
    public void useRules(RunLifecycle next) {
        if (lifecycle != null && lifecycle.engine().ruleSet() == next.engine().ruleSet()) {
            lifecycle = next;
            return;
        }
        if (lifecycle != null && !runs.isEmpty()) {
            // Through the codec, as the daemon's store does it: the same states come out of both.
            RunStateCodec from = new RunStateCodec(lifecycle.engine().ruleSet());
            RunStateCodec to = new RunStateCodec(next.engine().ruleSet());
            runs.replaceAll((id, run) -> to.decode(from.encode(run)));
        }
        lifecycle = next;
        deadlines = new DeadlineQueue(next);
        runs.values().forEach(deadlines::update);
    }

    @Override
    public RunState load(String runId) {
        RunState run = runs.get(runId);
        if (run == null) {
            run = lifecycle.engine().newRun(runId);
            runs.put(runId, run);
        }
        return run;
    }

    @Override
    public Optional<RunState> find(String runId) {
        return Optional.ofNullable(runs.get(runId));
    }

    @Override
    public void save(RunState run) {
        deadlines.update(run);
    }

    @Override
    public void delete(String runId) {
        runs.remove(runId);
    }

    /** Nothing to do: the state in memory is the state of record, and a replay stops at the failure. */
    @Override
    public void abandon(String runId) {
    }

    @Override
    public List<Due> due(long now) {
        return deadlines.due(now, runs::get);
    }

    @Override
    public void updateEach(Update update) {
        for (RunState run : runs.values()) {
            if (update.apply(run)) {
                save(run);
            }
        }
    }
}
