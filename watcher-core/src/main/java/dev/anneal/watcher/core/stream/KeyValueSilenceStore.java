package dev.anneal.watcher.core.stream;

import dev.anneal.watcher.core.pipeline.TaskSilenceStore;
import dev.anneal.watcher.rules.engine.TaskSilences;
import dev.anneal.watcher.rules.model.ErrorClass;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The daemon's {@link TaskSilenceStore}: one stream task's silences of every run, under one key of
 * its changelogged {@value WatcherTopology#SILENCES_STORE} store, so they survive a restart and
 * follow the task to another instance. A stored value that cannot be read is logged, counted and
 * replaced by an empty list (as an unreadable run state is).
 */
final class KeyValueSilenceStore implements TaskSilenceStore {

    /** The one key: a task holds one list. */
    static final String KEY = "silences";

    private static final Logger LOG = LoggerFactory.getLogger(KeyValueSilenceStore.class);

    private final KeyValueStore<String, byte[]> store;
    private final WatcherMetrics metrics;

    KeyValueSilenceStore(KeyValueStore<String, byte[]> store, WatcherMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    @Override
    public TaskSilences load() {
        byte[] stored = store.get(KEY);
        if (stored == null) {
            return new TaskSilences();
        }
        try {
            return TaskSilences.decode(stored);
        } catch (IllegalArgumentException e) {
            ErrorLog.at(LOG, Level.ERROR, ErrorClass.FATAL).log(
                    "the stored silences of every run cannot be read ({}); starting without them", e.getMessage());
            metrics.stateError();
            return new TaskSilences();
        }
    }

    @Override
    public void save(TaskSilences silences) {
        store.put(KEY, silences.encode());
    }
}
