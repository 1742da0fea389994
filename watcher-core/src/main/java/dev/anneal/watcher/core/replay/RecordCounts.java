package dev.anneal.watcher.core.replay;

/**
 * Record accounting: every record read is either accepted or rejected, so
 * {@code read == accepted + rejected} always (nothing is silently dropped).
 */
public record RecordCounts(long read, long accepted, long rejected) {

    public RecordCounts {
        if (read != accepted + rejected) {
            throw new IllegalArgumentException("read " + read + " != accepted " + accepted + " + rejected " + rejected);
        }
    }
}
