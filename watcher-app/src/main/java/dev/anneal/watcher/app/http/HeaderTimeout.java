package dev.anneal.watcher.app.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection that has not delivered a complete request header within the header timeout
 * of opening, or of its previous response. Jetty parses headers without holding a worker thread,
 * so silent and half-open connections cannot starve the endpoints; but its idle timeout restarts
 * at every byte, so a client trickling a header one byte at a time could hold a connection open
 * forever. This bound does not restart: the whole header must arrive in time.
 *
 * <p>It watches the HTTP connections (those that carry requests; a TLS connection's HTTP
 * connection opens with it, so a client that never completes the handshake is closed too). Its
 * {@link #tracking} handler says when a request starts and when its response is complete; in
 * between the connection is busy and the request's own bound ({@link HttpLimits#requestTimeout()})
 * applies.
 */
final class HeaderTimeout implements Connection.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(HeaderTimeout.class);
    /** The marker for "a request is being handled". */
    private static final long BUSY = Long.MIN_VALUE;

    private final long timeoutNanos;
    private final Scheduler scheduler;
    private final LongSupplier nanoTime;
    private final Map<Connection, Watch> watches = new ConcurrentHashMap<>();

    /** One connection: since when it has been waiting for a request header, or {@link #BUSY}. */
    private final class Watch implements Runnable {
        final Connection connection;
        final AtomicLong waitingSince;
        volatile Scheduler.Task task;

        Watch(Connection connection, long now) {
            this.connection = connection;
            this.waitingSince = new AtomicLong(now);
        }

        void schedule(long delayNanos) {
            task = scheduler.schedule(this, Math.max(1, delayNanos), TimeUnit.NANOSECONDS);
        }

        @Override
        public void run() {
            if (!watches.containsKey(connection)) {
                return;
            }
            long since = waitingSince.get();
            if (since == BUSY) {
                schedule(timeoutNanos);
                return;
            }
            long waited = nanoTime.getAsLong() - since;
            if (waited < timeoutNanos) {
                schedule(timeoutNanos - waited);
                return;
            }
            LOG.debug("closing {}: no complete request header within {} ms", connection,
                    TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
            connection.close();
        }
    }

    /**
     * @param timeout   the header timeout
     * @param scheduler the server's scheduler
     * @param nanoTime  the monotonic clock ({@code System::nanoTime} in production)
     */
    HeaderTimeout(Duration timeout, Scheduler scheduler, LongSupplier nanoTime) {
        this.timeoutNanos = timeout.toNanos();
        this.scheduler = scheduler;
        this.nanoTime = nanoTime;
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof ConnectionMetaData) {
            Watch w = new Watch(connection, nanoTime.getAsLong());
            watches.put(connection, w);
            w.schedule(timeoutNanos);
        }
    }

    @Override
    public void onClosed(Connection connection) {
        Watch w = watches.remove(connection);
        if (w != null && w.task != null) {
            w.task.cancel();
        }
    }

    /**
     * A handler that tells this watch when each request starts and when its response is complete;
     * it wraps every other handler, so a request that waits for a worker counts as started.
     */
    Handler tracking(Handler next) {
        Handler.Wrapper wrapper = new Handler.Wrapper(next) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Connection connection = request.getConnectionMetaData().getConnection();
                requestStarted(connection);
                Callback done = new Callback() {
                    @Override
                    public void succeeded() {
                        responded(connection);
                        callback.succeeded();
                    }

                    @Override
                    public void failed(Throwable x) {
                        responded(connection);
                        callback.failed(x);
                    }

                    @Override
                    public InvocationType getInvocationType() {
                        return callback.getInvocationType();
                    }
                };
                boolean handled;
                try {
                    handled = super.handle(request, response, done);
                } catch (Exception | Error e) {
                    responded(connection); // Jetty answers with an error and completes the original callback
                    throw e;
                }
                if (!handled) {
                    responded(connection); // Jetty answers 404 itself
                }
                return handled;
            }
        };
        return wrapper;
    }

    /** A request header arrived complete on {@code connection}: it is busy until {@link #responded}. */
    private void requestStarted(Connection connection) {
        Watch w = watches.get(connection);
        if (w != null) {
            w.waitingSince.set(BUSY);
        }
    }

    /** The response on {@code connection} is complete: the next header must arrive within the timeout. */
    private void responded(Connection connection) {
        Watch w = watches.get(connection);
        if (w != null) {
            w.waitingSince.set(nanoTime.getAsLong());
        }
    }

    /** How many connections are watched (open HTTP connections), for tests. */
    int watched() {
        return watches.size();
    }
}
