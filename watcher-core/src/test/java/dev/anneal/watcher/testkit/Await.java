package dev.anneal.watcher.testkit;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The one way tests wait for something that happens in another thread or process: poll a
 * condition until it holds, and fail with a message naming what was awaited when it does not
 * within the time given. Waiting for something to happen is all this does; a test that must show
 * that something did <em>not</em> happen waits for the point where it provably would have
 * happened instead (a scheduler has run the task, a consumer group has committed the end of a
 * topic), never for a while.
 */
public final class Await {

    /** How long a test waits by default for something that should happen within seconds. */
    public static final Duration DEFAULT = Duration.ofSeconds(60);

    private static final Duration POLL = Duration.ofMillis(20);

    private Await() {
    }

    /** Waits {@link #DEFAULT} until {@code condition} holds. */
    public static void until(String what, BooleanSupplier condition) {
        until(DEFAULT, what, condition);
    }

    /**
     * Waits until {@code condition} holds.
     *
     * @param timeout   how long to wait before failing
     * @param what      what is awaited, for the failure message ("the rename is reloaded")
     * @param condition checked at once and then every 20 ms; it may do work (poll a consumer) or
     *                  throw to fail at once (the process it waits for has died)
     * @throws AssertionError when {@code condition} does not hold within {@code timeout}
     */
    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        value(timeout, what, () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    /** Waits {@link #DEFAULT} for a value; see {@link #value(Duration, String, Supplier)}. */
    public static <T> T value(String what, Supplier<Optional<T>> attempt) {
        return value(DEFAULT, what, attempt);
    }

    /**
     * Waits until {@code attempt} returns a value, and returns it.
     *
     * @throws AssertionError when no attempt returns a value within {@code timeout}
     */
    public static <T> T value(Duration timeout, String what, Supplier<Optional<T>> attempt) {
        return poll(timeout, what, attempt).orElseThrow(() -> new AssertionError("timed out after "
                + (timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms")
                + " waiting until " + what));
    }

    /**
     * Whether {@code condition} comes to hold within {@code timeout}, for a test that goes on
     * either way and records which (never to conclude that something did not happen).
     */
    public static boolean within(Duration timeout, BooleanSupplier condition) {
        return poll(timeout, "a condition", () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE)
                : Optional.empty()).isPresent();
    }

    private static <T> Optional<T> poll(Duration timeout, String what, Supplier<Optional<T>> attempt) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> v = attempt.get();
            if (v.isPresent() || System.nanoTime() - deadline > 0) {
                return v;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting until " + what, e);
            }
        }
    }
}
