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
        if (size == 0) {
            return fn == WindowFn.COUNT || fn == WindowFn.SUM ? 0.0 : Double.NaN;
        }
        switch (fn) {
            case COUNT:
            case SUM: {
                double s = 0;
                for (int i = 0; i < size; i++) {
                    s += at(i);
                }
                return s;
            }
            case MEAN: {
                double s = 0;
                for (int i = 0; i < size; i++) {
                    s += at(i);
                }
                return s / size;
            }
            case MIN: {
                double m = Double.POSITIVE_INFINITY;
                for (int i = 0; i < size; i++) {
                    m = Math.min(m, at(i));
                }
                return m;
            }
            case MAX: {
                double m = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < size; i++) {
                    m = Math.max(m, at(i));
                }
                return m;
            }
            case VARIANCE: {
                double mean = 0;
                for (int i = 0; i < size; i++) {
                    mean += at(i);
                }
                mean /= size;
                double ss = 0;
                for (int i = 0; i < size; i++) {
                    double d = at(i) - mean;
                    ss += d * d;
                }
                return ss / size;
            }
            case DELTA:
                return at(size - 1) - at(0);
            default:
                throw new IllegalStateException("unhandled window function " + fn);
        }
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
