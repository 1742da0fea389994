package dev.anneal.watcher.core.pipeline;

import dev.anneal.watcher.rules.engine.TaskSilences;

/**
 * Where {@link RecordPipeline} keeps the silences of every run ({@code run_id "*"}): in memory for
 * a replay ({@link #inMemory}), in the stream task's changelogged {@code watcher-silences} store in
 * the daemon. The pipeline loads them once, when it starts, and saves them whenever a command or
 * an expiry changed them, before anything that caused is routed.
 */
public interface TaskSilenceStore {

    /** The stored silences (none when nothing was stored). */
    TaskSilences load();

    /** Keeps the silences after a change. */
    void save(TaskSilences silences);

    /** Silences held in memory only: replay's. */
    static TaskSilenceStore inMemory() {
        return new TaskSilenceStore() {
            private TaskSilences kept = new TaskSilences();

            @Override
            public TaskSilences load() {
                return kept;
            }

            @Override
            public void save(TaskSilences silences) {
                kept = silences;
            }
        };
    }
}
