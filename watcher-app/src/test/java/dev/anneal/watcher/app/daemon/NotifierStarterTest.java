package dev.anneal.watcher.app.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.testkit.ManualScheduler;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NotifierStarterTest {

    @Test
    void aWorkerFailureIsReportedOnceWithWhy() {
        AtomicInteger checks = new AtomicInteger();
        List<String> reported = new CopyOnWriteArrayList<>();
        ManualScheduler time = new ManualScheduler();
        Runnable stop = NotifierStarter.watchFailure(
                () -> checks.incrementAndGet() < 2 ? Optional.empty() : Optional.of("receiver am: boom"),
                time, reported::add);
        try {
            time.runDue();
            assertThat(checks.get()).as("a check at once").isEqualTo(1);
            assertThat(reported).isEmpty();

            time.advance(NotifierStarter.WATCH_INTERVAL);
            assertThat(checks.get()).isEqualTo(2);
            assertThat(reported).containsExactly("notifier stopped: receiver am: boom");

            // Three more intervals: a watch that has reported checks no more.
            time.advance(NotifierStarter.WATCH_INTERVAL.multipliedBy(3));
            assertThat(reported).containsExactly("notifier stopped: receiver am: boom");
            assertThat(checks.get()).isEqualTo(2);
            assertThat(time.pending()).isZero();
        } finally {
            stop.run();
        }
    }

    @Test
    void stoppingTheWatchEndsItWithoutAReport() {
        List<String> reported = new CopyOnWriteArrayList<>();
        AtomicInteger checks = new AtomicInteger();
        ManualScheduler time = new ManualScheduler();
        Runnable stop = NotifierStarter.watchFailure(() -> {
            checks.incrementAndGet();
            return Optional.empty();
        }, time, reported::add);
        time.advance(NotifierStarter.WATCH_INTERVAL);
        assertThat(checks.get()).as("a check at once and one an interval later").isEqualTo(2);

        stop.run();
        time.advance(NotifierStarter.WATCH_INTERVAL.multipliedBy(3));
        assertThat(checks.get()).isEqualTo(2);
        assertThat(time.pending()).isZero();
        assertThat(reported).isEmpty();
    }

    @Test
    void theDaemonsWatchRunsOnAThreadOfItsOwn() throws Exception {
        CountDownLatch called = new CountDownLatch(1);
        List<String> threads = new CopyOnWriteArrayList<>();
        Runnable stop = NotifierStarter.watchFailure(() -> Optional.of("receiver am: boom"), "test-watchdog", why -> {
            threads.add(Thread.currentThread().getName() + ": " + why);
            called.countDown();
        });
        try {
            assertThat(called.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(threads).containsExactly("test-watchdog: notifier stopped: receiver am: boom");
        } finally {
            stop.run();
        }
    }
}
