package dev.anneal.watcher.app.bench;

import java.util.Locale;

/**
 * How the benchmark reports write numbers: grouped thousands, fixed decimals, percentages and
 * sizes, always in {@link Locale#ROOT} so a report reads the same on every machine.
 */
final class ReportFormat {

    private ReportFormat() {
    }

    /** {@code 1,234,567}. */
    static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    /** {@code 1,234.5}. */
    static String f1(double v) {
        return String.format(Locale.ROOT, "%,.1f", v);
    }

    /** {@code 0.25}. */
    static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** A share as a whole percentage: {@code 0.674} -> {@code 67 %}. */
    static String pct(double share) {
        return String.format(Locale.ROOT, "%.0f %%", share * 100);
    }

    /** Bytes in decimal megabytes: {@code 333.5 MB}. */
    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%,.1f MB", bytes / 1e6);
    }

    /** Bytes in binary gigabytes: {@code 23.5 GiB}. */
    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
