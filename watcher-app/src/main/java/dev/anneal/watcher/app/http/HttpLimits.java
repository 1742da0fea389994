package dev.anneal.watcher.app.http;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds that keep the HTTP server answering whatever its clients do. Each one closes a way a
 * client could tie the server up: a connection that never finishes its request header
 * ({@code headerTimeout}), one that goes quiet ({@code idleTimeout}), a request whose endpoint
 * hangs ({@code requestTimeout}), an enormous header or body ({@code maxHeaderBytes},
 * {@code maxBodyBytes}), and more work than threads ({@code workerThreads}, {@code queueCapacity}).
 *
 * @param headerTimeout  a connection must deliver each complete request header within this time of
 *                       opening or of its previous response, else it is closed (slow or silent
 *                       clients, half-open connections)
 * @param idleTimeout    a connection on which nothing moves for this long while a request body is
 *                       read or a response written is closed
 * @param requestTimeout an endpoint that has not answered within this time gets its client a 503
 * @param maxHeaderBytes the largest request line plus headers; larger ones get 431
 * @param maxBodyBytes   the largest request body; larger ones get 413
 * @param workerThreads  how many requests run at once, each on its own thread (the server adds an
 *                       acceptor, a selector and two threads for its own short tasks, which never
 *                       run endpoints)
 * @param queueCapacity  how many more requests may wait for a worker (without holding a thread, at
 *                       most the request timeout); beyond that a request gets 503 at once
 */
public record HttpLimits(Duration headerTimeout, Duration idleTimeout, Duration requestTimeout, int maxHeaderBytes,
        int maxBodyBytes, int workerThreads, int queueCapacity) {

    /**
     * The limits of the daemon's server: generous for probes, scrapes and the run API on a cluster
     * network, tight enough that a handful of bad connections cannot matter.
     */
    public static final HttpLimits DEFAULTS = new HttpLimits(Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(30), 8 * 1024, 64 * 1024, 8, 64);

    public HttpLimits {
        requirePositive(headerTimeout, "headerTimeout");
        requirePositive(idleTimeout, "idleTimeout");
        requirePositive(requestTimeout, "requestTimeout");
        if (maxHeaderBytes < 1024) {
            throw new IllegalArgumentException("maxHeaderBytes must be at least 1024, got " + maxHeaderBytes);
        }
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes must not be negative, got " + maxBodyBytes);
        }
        if (workerThreads < 1) {
            throw new IllegalArgumentException("workerThreads must be at least 1, got " + workerThreads);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1, got " + queueCapacity);
        }
    }

    /** These limits with other timeouts (tests shorten them). */
    public HttpLimits withTimeouts(Duration header, Duration idle, Duration request) {
        return new HttpLimits(header, idle, request, maxHeaderBytes, maxBodyBytes, workerThreads, queueCapacity);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }
}
