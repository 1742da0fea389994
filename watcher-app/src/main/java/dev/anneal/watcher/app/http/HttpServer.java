package dev.anneal.watcher.app.http;

import dev.anneal.watcher.app.config.ValueType.HostPort;
import dev.anneal.watcher.app.config.WatcherConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of {@code watcher run} and {@code watcher notify}: a Jetty server with its
 * lifecycle ({@link #start}, {@link #close}) and every bound of {@link HttpLimits} configured, serving
 * the routes of a {@link Router} behind {@link BearerAuth}, over TLS when a keystore is configured.
 *
 * <p>How it stays up whatever clients do: Jetty reads request headers on its selector without
 * holding a worker thread, so silent or half-open connections cost a socket, not a thread, and
 * {@link HeaderTimeout} closes them; endpoints run on a fixed number of worker threads with a
 * bounded queue; oversized headers get 431 and oversized bodies 413 before any endpoint runs; an
 * endpoint that hangs gets its client a 503 after the request timeout.
 *
 * <p>Paths keep every character a run id may have: an encoded slash ({@code %2F}) or percent sign
 * ({@code %25}) is allowed in a request path and decoded inside its segment ({@link PathTemplate}).
 * At start-up a server bound beyond loopback without TLS or a token logs a warning naming the keys
 * to set ({@link Exposure}).
 */
public final class HttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    /** The acceptor and selector threads Jetty takes from the pool besides the workers. */
    private static final int IO_THREADS = 2;
    /** How long a stop waits for requests in progress. */
    private static final long STOP_TIMEOUT_MS = 1_000;
    /** How long a connection may stay idle once a stop has begun. */
    private static final long SHUTDOWN_IDLE_MS = 200;
    /** Threads for Jetty's own tasks while every worker runs an endpoint. */
    private static final int SPARE_THREADS = 2;

    private final Server server;
    private final ServerConnector connector;
    private final HttpSecurity security;

    private HttpServer(Server server, ServerConnector connector, HttpSecurity security) {
        this.server = server;
        this.connector = connector;
        this.security = security;
    }

    /**
     * Reads the TLS and token settings ({@code http.*}), binds {@code http.address} and starts
     * serving with {@link HttpLimits#DEFAULTS}.
     *
     * @param env the environment the {@code *_env} keys name variables of
     * @throws HttpConfigException when a secret or the keystore cannot be read, or the settings contradict
     * @throws IOException         when the address cannot be bound
     */
    public static HttpServer start(WatcherConfig.Http config, Map<String, String> env, Router router)
            throws HttpConfigException, IOException {
        return start(config.address(), HttpLimits.DEFAULTS, HttpSecurity.resolve(config, env), router);
    }

    /**
     * Binds {@code address} (port 0 picks a free port) and starts serving.
     *
     * @throws IOException when the address cannot be bound
     */
    public static HttpServer start(HostPort address, HttpLimits limits, HttpSecurity security, Router router)
            throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(router, "router");
        Server server = new Server(threadPool(limits));
        server.setStopTimeout(STOP_TIMEOUT_MS);
        HeaderTimeout headerTimeout = new HeaderTimeout(limits.headerTimeout(), server.getScheduler(),
                System::nanoTime);
        ServerConnector connector = connector(server, address, limits, security);
        connector.addEventListener(headerTimeout);
        server.addConnector(connector);
        server.setErrorHandler(new PlainErrorHandler());
        // Outermost first: note when a request starts (header timeout), admit or queue it (bounded
        // workers and queue), refuse an oversized body, then route.
        QoSHandler admission = new QoSHandler();
        admission.setMaxRequestCount(limits.workerThreads());
        admission.setMaxSuspendedRequestCount(limits.queueCapacity());
        admission.setMaxSuspend(limits.requestTimeout());
        admission.setRejectStatusCode(503);
        SizeLimitHandler sizeLimit = new SizeLimitHandler(limits.maxBodyBytes(), -1);
        admission.setHandler(sizeLimit);
        sizeLimit.setHandler(new RouterHandler(router, security.auth(), limits, server.getScheduler()));
        server.setHandler(headerTimeout.tracking(admission));
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getMessage(), e);
        }
        HttpServer started = new HttpServer(server, connector, security);
        InetSocketAddress bound = started.address();
        Exposure.warning(bound.getAddress(), started.hostPort(), security.tls().isPresent(), security.auth().hasToken())
                .ifPresent(LOG::warn);
        return started;
    }

    /**
     * The threads. Jetty runs its own short tasks (parsing, completing writes) on the same pool: the
     * threads beyond the workers keep those going while every worker is busy in an endpoint, and its
     * task queue keeps Jetty's default size (it holds at most a few tasks per connection; Jetty warns
     * against a small one). What is bounded is the work: the QoSHandler lets
     * {@link HttpLimits#workerThreads()} requests run and {@link HttpLimits#queueCapacity()} wait.
     */
    private static QueuedThreadPool threadPool(HttpLimits limits) {
        int maxThreads = limits.workerThreads() + IO_THREADS + SPARE_THREADS;
        QueuedThreadPool pool = new QueuedThreadPool(maxThreads, IO_THREADS + 1, 60_000, 0, null, null);
        pool.setName("watcher-http");
        pool.setDaemon(true);
        pool.setStopTimeout(2_000);
        return pool;
    }

    /** The listening socket: HTTP/1.1, over TLS when a keystore is configured, with the header limit. */
    private static ServerConnector connector(Server server, HostPort address, HttpLimits limits,
            HttpSecurity security) {
        HttpConfiguration config = new HttpConfiguration();
        config.setRequestHeaderSize(limits.maxHeaderBytes());
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        config.setUriCompliance(UriCompliance.DEFAULT.with("watcher",
                UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR, UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING));
        HttpConnectionFactory http = new HttpConnectionFactory(config);
        ConnectionFactory[] factories;
        if (security.tls().isPresent()) {
            // The certificate is the client's to check; rejecting requests whose SNI names another host
            // (Jetty's default) would refuse clients that reach the server by an IP address or an alias.
            config.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
            factories = new ConnectionFactory[] {
                new SslConnectionFactory(security.tls().get().sslContextFactory(), http.getProtocol()), http};
        } else {
            factories = new ConnectionFactory[] {http};
        }
        ServerConnector connector = new ServerConnector(server, 1, 1, factories);
        connector.setHost(address.host());
        connector.setPort(address.port());
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        // At stop, idle keep-alive connections are closed after this long instead of the idle timeout,
        // so a stop is not held up by clients that keep their connection open (Prometheus does).
        connector.setShutdownIdleTimeout(SHUTDOWN_IDLE_MS);
        return connector;
    }

    /** The bound address (with the real port when 0 was asked for). */
    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) ((ServerSocketChannel) connector.getTransport()).getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("the server socket is closed", e);
        }
    }

    /** {@code http://host:port} or {@code https://host:port}. */
    public String url() {
        return (security.tls().isPresent() ? "https" : "http") + "://" + hostPort();
    }

    /** What protects the server, for the start-up log: TLS or not, token or not. Never a secret. */
    public String protection() {
        return (security.tls().isPresent() ? "TLS" : "no TLS") + ", " + (security.auth().hasToken()
                ? "API token required" : "no API token (write endpoints disabled)");
    }

    private String hostPort() {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Stops accepting, gives running requests a second to finish, and stops the threads. */
    @Override
    public void close() {
        stopQuietly(server);
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (TimeoutException e) {
            LOG.debug("HTTP requests still running after the stop timeout were cut off");
        } catch (Exception e) {
            LOG.warn("stopping the HTTP server: {}", e.toString());
        }
    }
}
