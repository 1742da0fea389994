package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.spec.WindowFn;
import java.util.Arrays;

/**
 * The values of one rolling window for one (rule, run): the last N values, or the values whose
 * event time lies within a span of the newest. Aggregates are computed on demand over what the
 * window holds (windows are short: a few records or minutes), which keeps the arithmetic exact
 * and the state small. An empty window aggregates to NaN, so comparisons against it are false.
 */
public final class WindowBuffer {

    private final Extent extent;
    private long[] times;
    private double[] values;
    private int head;
    private int size;

    public WindowBuffer(Extent extent) {
        this.extent = extent;
        int capacity = extent.isRecords() ? extent.records() : 8;
        this.times = new long[capacity];
        this.values = new double[capacity];
    }

    /**
     * For span windows: forgets the values that have fallen out of the span ending at
     * {@code time}, whether or not a value is added at that time. No-op for record windows.
     */
    public void advanceTo(long time) {
        if (!extent.isRecords()) {
            evictOlderThan(time - extent.millis());
        }
    }

    /** Adds a value observed at {@code time} and evicts what falls out of the window. */
    public void add(long time, double value) {
        if (extent.isRecords()) {
            if (size == values.length) {
                head = (head + 1) % values.length;
                size--;
            }
        } else {
            evictOlderThan(time - extent.millis());
            if (size == values.length) {
                grow();
            }
        }
        int tail = (head + size) % values.length;
        times[tail] = time;
        values[tail] = value;
        size++;
    }

    /** For span windows: drops values at or before {@code cutoff}. */
    private void evictOlderThan(long cutoff) {
        while (size > 0 && times[head] <= cutoff) {
            head = (head + 1) % values.length;
            size--;
        }
    }

    private void grow() {
        int n = values.length * 2;
        long[] t = new long[n];
        double[] v = new double[n];
        for (int i = 0; i < size; i++) {
            t[i] = times[(head + i) % values.length];
            v[i] = values[(head + i) % values.length];
        }
        times = t;
        values = v;
        head = 0;
    }

    public int size() {
        return size;
    }

    private double at(int i) {
        return values[(head + i) % values.length];
    }

    /** The aggregate over the window's current contents. */
    public double aggregate(WindowFn fn) {
        return aggregate(fn, 0, size, false, 0.0);
    }

    /**
     * The aggregate the window would have if {@code value} were added now, without changing the
     * window: the engine commits the value only once the whole rule evaluated without error.
     * Call {@link #advanceTo} first for span windows.
     */
    public double aggregateWith(WindowFn fn, double value) {
        int skip = extent.isRecords() && size == values.length ? 1 : 0;
        return aggregate(fn, skip, size - skip, true, value);
    }

    /** Aggregates {@code n} stored values from offset {@code from}, plus {@code extra} if {@code withExtra}. */
    private double aggregate(WindowFn fn, int from, int n, boolean withExtra, double extra) {
        int count = n + (withExtra ? 1 : 0);
        if (count == 0) {
            return fn == WindowFn.COUNT || fn == WindowFn.SUM ? 0.0 : Double.NaN;
        }
        switch (fn) {
            case COUNT:
            case SUM:
            case MEAN: {
                double sum = 0;
                for (int i = 0; i < count; i++) {
                    sum += element(from, n, i, extra);
                }
                return fn == WindowFn.MEAN ? sum / count : sum;
            }
            case MIN: {
                double m = Double.POSITIVE_INFINITY;
                for (int i = 0; i < count; i++) {
                    m = Math.min(m, element(from, n, i, extra));
                }
                return m;
            }
            case MAX: {
                double m = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < count; i++) {
                    m = Math.max(m, element(from, n, i, extra));
                }
                return m;
            }
            case VARIANCE: {
                double mean = 0;
                for (int i = 0; i < count; i++) {
                    mean += element(from, n, i, extra);
                }
                mean /= count;
                double ss = 0;
                for (int i = 0; i < count; i++) {
                    double d = element(from, n, i, extra) - mean;
                    ss += d * d;
                }
                return ss / count;
            }
            case DELTA:
                return element(from, n, count - 1, extra) - element(from, n, 0, extra);
            default:
                throw new IllegalStateException("unhandled window function " + fn);
        }
    }

    /** The i-th value of the virtual sequence: n stored values from {@code from}, then {@code extra}. */
    private double element(int from, int n, int i, double extra) {
        return i < n ? at(from + i) : extra;
    }

    /** Snapshot of the values, oldest first (for state serialisation and tests). */
    public double[] values() {
        double[] out = new double[size];
        for (int i = 0; i < size; i++) {
            out[i] = at(i);
        }
        return out;
    }

    /** Snapshot of the times, oldest first. */
    public long[] times() {
        long[] out = new long[size];
        for (int i = 0; i < size; i++) {
            out[i] = times[(head + i) % times.length];
        }
        return out;
    }

    @Override
    public String toString() {
        return "WindowBuffer" + Arrays.toString(values());
    }
}
