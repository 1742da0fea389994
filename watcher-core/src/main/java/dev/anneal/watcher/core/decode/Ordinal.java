package dev.anneal.watcher.core.decode;

/**
 * A stream-wide counter that stands in for event time when a record carries no timestamp.
 * townlet's NDJSON logs have no timestamps at all, so the rule engine orders and windows them by
 * position; the caller owns one {@code Ordinal} per logical stream and passes it to every decode
 * call so that a replay over several files numbers its records continuously. Every decoded
 * record consumes exactly one value, with or without a timestamp, so numbering does not shift
 * when timestamps appear; rejections consume none.
 *
 * <p>Not thread-safe: like the decoder, an ordinal is confined to the thread running the stream.
 */
public final class Ordinal {

    private long next;

    /** A counter whose first value is 0. */
    public Ordinal() {
        this(0);
    }

    /** A counter whose first value is {@code first}, for resuming a numbered stream. */
    public Ordinal(long first) {
        if (first < 0) {
            throw new IllegalArgumentException("first ordinal must be >= 0, was " + first);
        }
        this.next = first;
    }

    /** Returns the current value and advances. */
    public long next() {
        return next++;
    }

    /** The value the next call to {@link #next()} will return. */
    public long peek() {
        return next;
    }

    @Override
    public String toString() {
        return "Ordinal[next=" + next + "]";
    }
}
