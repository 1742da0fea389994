package dev.anneal.watcher.app.bench;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A key-value store in a sorted map, for running the daemon's run store without Kafka Streams in
 * the run-store benchmark. It counts what a changelogged store would write to its changelog: a
 * record per put, a tombstone per delete, and the bytes it holds.
 */
final class MapKeyValueStore implements KeyValueStore<String, byte[]> {

    private final TreeMap<String, byte[]> map = new TreeMap<>();
    private long puts;
    private long deletes;

    /** Records a changelog would have received for puts. */
    long puts() {
        return puts;
    }

    /** Tombstones a changelog would have received. */
    long deletes() {
        return deletes;
    }

    /** Bytes of the keys and values held. */
    long bytes() {
        long n = 0;
        for (Map.Entry<String, byte[]> e : map.entrySet()) {
            n += e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().length;
        }
        return n;
    }

    @Override
    public void put(String key, byte[] value) {
        puts++;
        map.put(key, value);
    }

    @Override
    public byte[] putIfAbsent(String key, byte[] value) {
        byte[] old = map.get(key);
        if (old == null) {
            put(key, value);
        }
        return old;
    }

    @Override
    public void putAll(List<KeyValue<String, byte[]>> entries) {
        entries.forEach(e -> put(e.key, e.value));
    }

    @Override
    public byte[] delete(String key) {
        deletes++;
        return map.remove(key);
    }

    @Override
    public byte[] get(String key) {
        return map.get(key);
    }

    @Override
    public KeyValueIterator<String, byte[]> range(String from, String to) {
        return iterator(map.subMap(from, true, to, true));
    }

    @Override
    public KeyValueIterator<String, byte[]> all() {
        // The run store writes only after its scans, so the live map can be iterated.
        return iterator(map);
    }

    private static KeyValueIterator<String, byte[]> iterator(Map<String, byte[]> entries) {
        Iterator<Map.Entry<String, byte[]>> it = entries.entrySet().iterator();
        return new KeyValueIterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public KeyValue<String, byte[]> next() {
                if (!it.hasNext()) {
                    throw new NoSuchElementException();
                }
                Map.Entry<String, byte[]> e = it.next();
                return KeyValue.pair(e.getKey(), e.getValue());
            }

            @Override
            public void close() {
            }

            @Override
            public String peekNextKey() {
                throw new UnsupportedOperationException("not needed by the run store");
            }
        };
    }

    @Override
    public long approximateNumEntries() {
        return map.size();
    }

    @Override
    public String name() {
        return "benchmark-run-state";
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
    }

    @Override
    public void close() {
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return true;
    }
}
