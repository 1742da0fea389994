package dev.anneal.watcher.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ScheduledExecutorService} whose time stands still until the test moves it: tasks run
 * in the test's thread, in due order, only inside {@link #advance}. Injected where the code under
 * test would otherwise wait on a real timer, it lets a test say "the check that would have done X
 * has run" and then assert that X did not happen, with no sleep. Tasks may be scheduled from other
 * threads (a file watcher, say); running them is the test's.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private final AtomicLong sequence = new AtomicLong();
    private long nowNanos;
    private boolean shutdown;

    /** Moves time on by {@code step}, running every task that falls due meanwhile, in due order. */
    public void advance(Duration step) {
        long until;
        synchronized (this) {
            until = nowNanos + step.toNanos();
        }
        while (true) {
            Task<?> next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.dueNanos > until) {
                    nowNanos = until;
                    return;
                }
                queue.poll();
                nowNanos = Math.max(nowNanos, next.dueNanos);
            }
            next.runOnce();
        }
    }

    /** Runs the tasks due now (those scheduled without delay), without moving time. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** How many tasks wait to run (a periodic task counts once). */
    public synchronized int pending() {
        return queue.size();
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return enqueue(new Task<>(() -> {
            command.run();
            return null;
        }, unit.toNanos(delay), 0));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return enqueue(new Task<>(callable, unit.toNanos(delay), 0));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return schedulePeriodic(command, initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        // With time standing still while a task runs, a fixed delay and a fixed rate are the same.
        return schedulePeriodic(command, initialDelay, delay, unit);
    }

    private ScheduledFuture<?> schedulePeriodic(Runnable command, long initialDelay, long period, TimeUnit unit) {
        if (period <= 0) {
            throw new IllegalArgumentException("period must be positive, was " + period);
        }
        return enqueue(new Task<>(() -> {
            command.run();
            return null;
        }, unit.toNanos(initialDelay), unit.toNanos(period)));
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    private synchronized <V> Task<V> enqueue(Task<V> task) {
        if (shutdown) {
            throw new RejectedExecutionException("the scheduler is shut down");
        }
        task.dueNanos = nowNanos + Math.max(0, task.dueNanos);
        queue.add(task);
        return task;
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
        queue.clear();
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        List<Runnable> never = new ArrayList<>(queue);
        shutdown();
        return never;
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }

    /** A scheduled task: one-shot ({@code periodNanos == 0}) or periodic; ordered by due time, then by scheduling. */
    private final class Task<V> implements ScheduledFuture<V>, Runnable {
        private final Callable<V> body;
        private final long periodNanos;
        private final long seq = sequence.incrementAndGet();
        private long dueNanos;
        private boolean done;
        private boolean cancelled;
        private V result;
        private Throwable failure;

        Task(Callable<V> body, long delayNanos, long periodNanos) {
            this.body = body;
            this.dueNanos = delayNanos;
            this.periodNanos = periodNanos;
        }

        void runOnce() {
            try {
                V v = body.call();
                synchronized (ManualScheduler.this) {
                    if (periodNanos > 0 && !cancelled && !shutdown) {
                        dueNanos += periodNanos;
                        queue.add(this);
                    } else {
                        result = v;
                        done = true;
                    }
                }
            } catch (Exception | Error e) {
                // As a ScheduledExecutorService does: a failed task is done, and a periodic one stops.
                synchronized (ManualScheduler.this) {
                    failure = e;
                    done = true;
                }
            }
        }

        @Override
        public void run() {
            runOnce();
        }

        @Override
        public long getDelay(TimeUnit unit) {
            synchronized (ManualScheduler.this) {
                return unit.convert(dueNanos - nowNanos, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public int compareTo(Delayed other) {
            if (other instanceof ManualScheduler.Task<?> t) {
                int byDue = Long.compare(dueNanos, t.dueNanos);
                return byDue != 0 ? byDue : Long.compare(seq, t.seq);
            }
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            synchronized (ManualScheduler.this) {
                if (done) {
                    return false;
                }
                cancelled = true;
                done = true;
                queue.remove(this);
                return true;
            }
        }

        @Override
        public boolean isCancelled() {
            synchronized (ManualScheduler.this) {
                return cancelled;
            }
        }

        @Override
        public boolean isDone() {
            synchronized (ManualScheduler.this) {
                return done;
            }
        }

        @Override
        public V get() throws ExecutionException {
            synchronized (ManualScheduler.this) {
                if (cancelled) {
                    throw new CancellationException();
                }
                if (!done) {
                    throw new IllegalStateException("the task has not run: advance the scheduler first");
                }
                if (failure != null) {
                    throw new ExecutionException(failure);
                }
                return result;
            }
        }

        @Override
        public V get(long timeout, TimeUnit unit) throws ExecutionException {
            return get();
        }
    }
}
