package dev.anneal.watcher.app.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NotifierStarterTest {

    @Test
    void aWorkerFailureIsReportedOnceWithWhy() throws Exception {
        AtomicInteger checks = new AtomicInteger();
        List<String> reported = new CopyOnWriteArrayList<>();
        CountDownLatch called = new CountDownLatch(1);
        Runnable stop = NotifierStarter.watchFailure(
                () -> checks.incrementAndGet() < 2 ? Optional.empty() : Optional.of("receiver am: boom"),
                "test-watchdog", why -> {
                    reported.add(why);
                    called.countDown();
                });
        try {
            assertThat(called.await(30, TimeUnit.SECONDS)).isTrue();
            int after = checks.get();
            Thread.sleep(1_500); // longer than the watch interval: a stopped watch checks no more
            assertThat(reported).containsExactly("notifier stopped: receiver am: boom");
            assertThat(checks.get()).isEqualTo(after);
        } finally {
            stop.run();
        }
    }

    @Test
    void stoppingTheWatchEndsItWithoutAReport() throws Exception {
        List<String> reported = new CopyOnWriteArrayList<>();
        AtomicInteger checks = new AtomicInteger();
        Runnable stop = NotifierStarter.watchFailure(() -> {
            checks.incrementAndGet();
            return Optional.empty();
        }, "test-watchdog", reported::add);
        while (checks.get() == 0) {
            Thread.sleep(10);
        }
        stop.run();
        Thread.sleep(100);
        int after = checks.get();
        Thread.sleep(1_500);
        assertThat(checks.get()).isEqualTo(after);
        assertThat(reported).isEmpty();
    }
}
