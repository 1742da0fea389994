package dev.anneal.watcher.core.scenario;

import java.util.List;

/**
 * An expectation that is either just a count ({@code rejected: 2}) or the complete ordered list
 * of items ({@code rejected: [{at: 3, reason: missing keys}]}).
 *
 * @param <T> the item expectation type
 */
public sealed interface CountOrItems<T> {

    /** The number of items expected. */
    long expectedCount();

    record Count<T>(long count) implements CountOrItems<T> {
        public Count {
            if (count < 0) {
                throw new IllegalArgumentException("count must be >= 0, was " + count);
            }
        }

        @Override
        public long expectedCount() {
            return count;
        }
    }

    record Items<T>(List<T> items) implements CountOrItems<T> {
        public Items {
            items = List.copyOf(items);
        }

        @Override
        public long expectedCount() {
            return items.size();
        }
    }
}
