package dev.anneal.watcher.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.anneal.watcher.rules.spec.WindowFn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Property tests for {@link WindowBuffer}: after every add, the aggregate equals a naive
 * recomputation over the full history (the last N values, or the values newer than
 * {@code newest time - span}). Plain seeded {@link Random}s, many generated cases per function
 * and extent; a failure message names the seed and the case, which replays it exactly.
 */
class WindowBufferPropertyTest {

    static final int CASES = 500;
    static final long BASE_SEED = 0x5EED_0000L;

    /** One generated case: an extent and a sequence of (time, value) adds. */
    record Case(long seed, Extent extent, long[] times, double[] values) {
        @Override
        public String toString() {
            return "seed=" + seed + " extent=" + extent + " times=" + Arrays.toString(times)
                    + " values=" + Arrays.toString(values);
        }
    }

    static Case generate(long seed, boolean span) {
        Random rnd = new Random(seed);
        Extent extent = span ? Extent.millis(1 + rnd.nextInt(rnd.nextBoolean() ? 50 : 5_000))
                : Extent.records(1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 40));
        int n = 1 + rnd.nextInt(80);
        long[] times = new long[n];
        double[] values = new double[n];
        long t = rnd.nextInt(1_000);
        for (int i = 0; i < n; i++) {
            // Increasing times, with equal times and gaps both shorter and longer than the span.
            int gapKind = rnd.nextInt(10);
            t += gapKind == 0 ? 0 : gapKind < 8 ? rnd.nextInt(20) : rnd.nextInt(3_000);
            times[i] = t;
            values[i] = value(rnd);
        }
        return new Case(seed, extent, times, values);
    }

    private static double value(Random rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> rnd.nextInt(5);                                 // small integers, many repeats
            case 1 -> -rnd.nextInt(1000);                             // negatives
            case 2 -> rnd.nextGaussian();                             // around zero
            case 3 -> rnd.nextGaussian() * 1e6 + 1e9;                 // large offset, small spread
            case 4 -> rnd.nextBoolean() ? 1.0 : 0.0;                  // count-style 0/1
            default -> rnd.nextDouble() * 100 - 50;
        };
    }

    /** The aggregate recomputed from scratch over what the window should hold after add {@code i}. */
    static double naive(WindowFn fn, Case c, int i) {
        List<Double> in = new ArrayList<>();
        for (int j = 0; j <= i; j++) {
            boolean inside = c.extent().isRecords()
                    ? j > i - c.extent().records()
                    : c.times()[j] > c.times()[i] - c.extent().millis();
            if (inside) {
                in.add(c.values()[j]);
            }
        }
        if (in.isEmpty()) {
            return fn == WindowFn.SUM || fn == WindowFn.COUNT ? 0.0 : Double.NaN;
        }
        double sum = 0;
        for (double v : in) {
            sum += v;
        }
        double mean = sum / in.size();
        return switch (fn) {
            case SUM, COUNT -> sum;
            case MEAN -> mean;
            case MIN -> in.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            case MAX -> in.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            case VARIANCE -> in.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / in.size();
            case DELTA -> in.get(in.size() - 1) - in.get(0);
        };
    }

    static List<Double> naiveContents(Case c, int i) {
        List<Double> in = new ArrayList<>();
        for (int j = 0; j <= i; j++) {
            boolean inside = c.extent().isRecords()
                    ? j > i - c.extent().records()
                    : c.times()[j] > c.times()[i] - c.extent().millis();
            if (inside) {
                in.add(c.values()[j]);
            }
        }
        return in;
    }

    static void check(WindowFn fn, boolean span, long seedOffset) {
        for (int k = 0; k < CASES; k++) {
            long seed = BASE_SEED + seedOffset + k;
            Case c = generate(seed, span);
            WindowBuffer buffer = new WindowBuffer(c.extent());
            for (int i = 0; i < c.values().length; i++) {
                buffer.add(c.times()[i], c.values()[i]);
                double expected = naive(fn, c, i);
                double actual = buffer.aggregate(fn);
                boolean same = Double.isNaN(expected) ? Double.isNaN(actual)
                        : Math.abs(actual - expected) <= 1e-9 * Math.max(1.0, Math.abs(expected));
                if (!same) {
                    fail("%s after add %d: expected %s, got %s; case %s", fn.id(), i, expected, actual, c);
                }
                double[] contents = naiveContents(c, i).stream().mapToDouble(Double::doubleValue).toArray();
                if (!Arrays.equals(buffer.values(), contents)) {
                    fail("contents after add %d: expected %s, got %s; case %s", i, Arrays.toString(contents),
                            Arrays.toString(buffer.values()), c);
                }
                long[] times = buffer.times();
                if (buffer.size() != contents.length || times.length != contents.length
                        || times[times.length - 1] != c.times()[i]) {
                    fail("size/times after add %d: size %d, times %s; case %s", i, buffer.size(),
                            Arrays.toString(times), c);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} over last N records")
    @EnumSource(WindowFn.class)
    void lastNMatchesNaiveRecomputation(WindowFn fn) {
        check(fn, false, fn.ordinal() * 1_000_000L);
    }

    @ParameterizedTest(name = "{0} over an event-time span")
    @EnumSource(WindowFn.class)
    void spanMatchesNaiveRecomputation(WindowFn fn) {
        check(fn, true, 500_000L + fn.ordinal() * 1_000_000L);
    }

    @Test
    void anEmptyBufferAggregatesToNaNExceptSumAndCount() {
        for (Extent extent : List.of(Extent.records(3), Extent.millis(1000))) {
            WindowBuffer b = new WindowBuffer(extent);
            for (WindowFn fn : WindowFn.values()) {
                double v = b.aggregate(fn);
                if (fn == WindowFn.SUM || fn == WindowFn.COUNT) {
                    assertThat(v).as(fn + " " + extent).isEqualTo(0.0);
                } else {
                    assertThat(v).as(fn + " " + extent).isNaN();
                }
            }
        }
    }

    @Test
    void aSpanWindowGrowsBeyondItsInitialCapacity() {
        WindowBuffer b = new WindowBuffer(Extent.millis(1_000_000));
        for (int i = 0; i < 1000; i++) {
            b.add(i, i);
        }
        assertThat(b.size()).isEqualTo(1000);
        assertThat(b.aggregate(WindowFn.SUM)).isEqualTo(999.0 * 1000 / 2);
        assertThat(b.aggregate(WindowFn.DELTA)).isEqualTo(999.0);
    }
}
