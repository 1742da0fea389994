package dev.anneal.watcher.core.inject;

import java.util.Locale;

/**
 * How fast {@code watcher inject} sends: as fast as possible, at a fixed rate, or with the
 * recording's own spacing sped up or slowed down.
 */
public sealed interface Pacing {

    /** How long to wait before sending {@code current}, which follows {@code previous} (null for the first). */
    long delayMillis(SyntheticMessage previous, SyntheticMessage current);

    /** No waiting. */
    record AsFastAsPossible() implements Pacing {
        @Override
        public long delayMillis(SyntheticMessage previous, SyntheticMessage current) {
            return 0;
        }
    }

    /**
     * A fixed number of records per second.
     *
     * @param perSecond records per second, {@code > 0}
     */
    record Rate(double perSecond) implements Pacing {
        public Rate {
            if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
                throw new IllegalArgumentException("--rate must be a positive number of records per second, was "
                        + perSecond);
            }
        }

        @Override
        public long delayMillis(SyntheticMessage previous, SyntheticMessage current) {
            return previous == null ? 0 : Math.round(1000.0 / perSecond);
        }
    }

    /**
     * The recording's own spacing (the difference of the records' timestamps) divided by
     * {@code factor}: 2 plays twice as fast, 0.5 half as fast.
     *
     * @param factor the speed-up, {@code > 0}
     */
    record Speed(double factor) implements Pacing {
        public Speed {
            if (!(factor > 0) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException("--speed must be a positive factor, was " + factor);
            }
        }

        @Override
        public long delayMillis(SyntheticMessage previous, SyntheticMessage current) {
            if (previous == null) {
                return 0;
            }
            if (previous.offsetMillis() < 0 || current.offsetMillis() < 0) {
                throw new IllegalArgumentException("--speed needs timestamps on every record (envelope ts); "
                        + "this one has none, use --rate instead");
            }
            return Math.max(0, Math.round((current.offsetMillis() - previous.offsetMillis()) / factor));
        }
    }

    /**
     * Parses {@code --rate}: {@code N/s}, {@code N/m} or a bare {@code N} (per second).
     *
     * @throws IllegalArgumentException saying what to write instead
     */
    static Rate parseRate(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        double divisor = 1;
        if (t.endsWith("/s")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("/m")) {
            t = t.substring(0, t.length() - 2);
            divisor = 60;
        }
        double n;
        try {
            n = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--rate '" + text + "' is not a rate; write records per second as 10/s "
                    + "(or per minute as 30/m)");
        }
        if (!(n > 0) || Double.isInfinite(n)) {
            throw new IllegalArgumentException("--rate '" + text + "' must be positive");
        }
        return new Rate(n / divisor);
    }
}
