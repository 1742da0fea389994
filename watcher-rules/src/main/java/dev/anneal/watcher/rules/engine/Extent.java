package dev.anneal.watcher.rules.engine;

/**
 * A resolved extent: exactly one of a record count or an event-time span in milliseconds.
 */
public record Extent(int records, long millis) {

    public Extent {
        if ((records > 0) == (millis > 0)) {
            throw new IllegalArgumentException("an extent is either records or millis, got " + records + "/" + millis);
        }
    }

    public static Extent records(int n) {
        return new Extent(n, 0);
    }

    public static Extent millis(long ms) {
        return new Extent(0, ms);
    }

    public boolean isRecords() {
        return records > 0;
    }

    @Override
    public String toString() {
        return isRecords() ? records + " records" : millis + "ms";
    }
}
