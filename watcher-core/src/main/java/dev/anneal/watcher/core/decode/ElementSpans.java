package dev.anneal.watcher.core.decode;

import java.util.Arrays;

/**
 * Where each element of one JSON array starts (parser line) and its byte range in the parsed
 * buffer. Kept only for the few arrays whose elements become records of their own, so that their
 * positions read {@code file:line[i]} and their rejections can quote just the element.
 */
final class ElementSpans {

    private long[] lines = new long[4];
    private int[] starts = new int[4];
    private int[] ends = new int[4];
    private int size;

    void add(long line, int start, int end) {
        if (size == lines.length) {
            int capacity = size * 2;
            lines = Arrays.copyOf(lines, capacity);
            starts = Arrays.copyOf(starts, capacity);
            ends = Arrays.copyOf(ends, capacity);
        }
        lines[size] = line;
        starts[size] = start;
        ends[size] = end;
        size++;
    }

    int size() {
        return size;
    }

    /** The 1-based parser line where element {@code i} starts. */
    long line(int i) {
        return lines[i];
    }

    /** Byte offset of element {@code i}'s first token, relative to the parsed range. */
    int start(int i) {
        return starts[i];
    }

    /** Byte offset just past element {@code i}'s last token, relative to the parsed range. */
    int end(int i) {
        return ends[i];
    }
}
