package dev.anneal.watcher.app.daemon;

import com.sun.net.httpserver.HttpExchange;
import dev.anneal.watcher.app.config.ValueType.HostPort;
import dev.anneal.watcher.core.stream.RunQueries;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP endpoints, on the JDK's own {@code com.sun.net.httpserver} (a handful of
 * read-only endpoints need no web framework):
 *
 * <ul>
 *   <li>{@code GET /metrics}: Prometheus text exposition of every meter (the watcher's, Kafka
 *       Streams' client metrics and the JVM's);</li>
 *   <li>{@code GET /healthz}: 200 while the process serves at all (liveness);</li>
 *   <li>{@code GET /readyz}: 200 when Kafka Streams is RUNNING, else 503 naming its state
 *       (readiness: starting, rebalancing, restoring state, stopping);</li>
 *   <li>{@code GET /api/runs}: the runs this instance holds, with their current recommendation;</li>
 *   <li>{@code GET /api/runs/{id}}: one run: recommendation, active alerts and evidence; 404
 *       when this instance holds no such run.</li>
 * </ul>
 *
 * The run endpoints answer 503 while the state store cannot be queried (starting, rebalancing).
 * Only GET and HEAD are allowed. Handlers run on a small pool of daemon threads.
 */
public final class HttpServer implements AutoCloseable {

    /** Where the daemon's state comes from; kept abstract so the server can be tested alone. */
    public interface Source {
        /** The Prometheus text exposition. */
        String scrape();

        /** The Kafka Streams state, or empty before Streams exists. */
        Optional<KafkaStreams.State> streamsState();

        /**
         * A view of this instance's runs.
         *
         * @throws InvalidStateStoreException while the store cannot be queried
         */
        RunQueries runs();

        /** The digest of the running rule set. */
        String ruleSetDigest();
    }

    static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String JSON = "application/json";
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final int THREADS = 4;
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

    private final com.sun.net.httpserver.HttpServer server;
    private final ExecutorService executor;
    private final Source source;

    private HttpServer(com.sun.net.httpserver.HttpServer server, ExecutorService executor, Source source) {
        this.server = server;
        this.executor = executor;
        this.source = source;
    }

    /**
     * Binds {@code address} (port 0 picks a free port) and starts serving.
     *
     * @throws IOException when the address cannot be bound
     */
    public static HttpServer start(HostPort address, Source source) throws IOException {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new InetSocketAddress(address.host(), address.port()), 0);
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "watcher-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        HttpServer http = new HttpServer(server, executor, source);
        server.setExecutor(executor);
        server.createContext("/", http::handle);
        server.start();
        return http;
    }

    /** The bound address (with the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** {@code http://host:port}. */
    public String url() {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                send(ex, 405, TEXT, "method not allowed\n");
                return;
            }
            String path = ex.getRequestURI().getRawPath();
            switch (path) {
                case "/metrics" -> send(ex, 200, PROMETHEUS_CONTENT_TYPE, source.scrape());
                case "/healthz" -> send(ex, 200, TEXT, "ok\n");
                case "/readyz" -> readyz(ex);
                case "/api/runs", "/api/runs/" -> runs(ex);
                default -> {
                    if (path.startsWith("/api/runs/")) {
                        run(ex, URLDecoder.decode(path.substring("/api/runs/".length()), StandardCharsets.UTF_8));
                    } else {
                        send(ex, 404, TEXT, "not found; try /metrics, /healthz, /readyz, /api/runs\n");
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("HTTP client went away: {}", e.toString());
        } catch (RuntimeException e) {
            LOG.error("HTTP {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
            try {
                send(ex, 500, JSON, RunsJson.error("internal error: " + e));
            } catch (IOException | RuntimeException ignored) {
                // the response may already be under way; nothing more to do
            }
        }
    }

    private void readyz(HttpExchange ex) throws IOException {
        Optional<KafkaStreams.State> state = source.streamsState();
        if (state.isPresent() && state.get() == KafkaStreams.State.RUNNING) {
            send(ex, 200, TEXT, "ready: Kafka Streams is RUNNING\n");
        } else {
            send(ex, 503, TEXT, "not ready: Kafka Streams is " + state.map(Enum::name).orElse("not started") + "\n");
        }
    }

    private void runs(HttpExchange ex) throws IOException {
        RunQueries queries;
        try {
            queries = source.runs();
            send(ex, 200, JSON, RunsJson.runs(queries.runs(), source.ruleSetDigest()));
        } catch (InvalidStateStoreException e) {
            notQueryable(ex, e);
        }
    }

    private void run(HttpExchange ex, String runId) throws IOException {
        try {
            Optional<RunQueries.RunDetail> run = source.runs().run(runId);
            if (run.isPresent()) {
                send(ex, 200, JSON, RunsJson.run(run.get()));
            } else {
                send(ex, 404, JSON, RunsJson.error("no run '" + runId + "' on this instance"));
            }
        } catch (InvalidStateStoreException e) {
            notQueryable(ex, e);
        }
    }

    private void notQueryable(HttpExchange ex, InvalidStateStoreException e) throws IOException {
        ex.getResponseHeaders().set("Retry-After", "1");
        send(ex, 503, JSON, RunsJson.error("the run state cannot be queried yet (Kafka Streams is "
                + source.streamsState().map(Enum::name).orElse("not started") + "); try again: " + e.getMessage()));
    }

    private static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        send(ex, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : (body.length == 0 ? -1 : body.length));
        if (!head && body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Stops accepting requests, lets running ones finish (at most a second) and stops the threads. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
