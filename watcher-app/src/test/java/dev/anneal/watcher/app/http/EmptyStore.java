package dev.anneal.watcher.app.http;

import java.util.NoSuchElementException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** A run-state store that holds no run: what a freshly started instance queries. */
final class EmptyStore implements ReadOnlyKeyValueStore<String, byte[]> {

    @Override
    public byte[] get(String key) {
        return null;
    }

    @Override
    public KeyValueIterator<String, byte[]> range(String from, String to) {
        return all();
    }

    @Override
    public KeyValueIterator<String, byte[]> all() {
        return new KeyValueIterator<>() {
            @Override
            public boolean hasNext() {
                return false;
            }

            @Override
            public KeyValue<String, byte[]> next() {
                throw new NoSuchElementException();
            }

            @Override
            public void close() {
            }

            @Override
            public String peekNextKey() {
                throw new NoSuchElementException();
            }
        };
    }

    @Override
    public long approximateNumEntries() {
        return 0;
    }
}
