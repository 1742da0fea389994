package dev.anneal.watcher.rules.spec;

import java.time.Duration;

/**
 * How long something lasts, as written: a number of records ({@code 3}), an event-time duration
 * ({@code 10m}, {@code 90s}, {@code 1h30m}), or a parameter reference ({@code params.NAME}), which
 * means a number of records in {@code for}, {@code keep_firing_for}, {@code last} and
 * {@code consecutive}, and seconds in {@code absent} and {@code span}.
 */
public sealed interface ExtentSpec {

    Loc loc();

    record Records(int count, Loc loc) implements ExtentSpec {
        public Records {
            if (count < 1) {
                throw new IllegalArgumentException("record count must be >= 1");
            }
        }
    }

    record Time(Duration duration, Loc loc) implements ExtentSpec {
        public Time {
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("duration must be positive");
            }
        }
    }

    record Param(String name, Loc loc) implements ExtentSpec {
    }
}
