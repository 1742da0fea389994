package dev.anneal.watcher.core.notify;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A local HTTP server that records every request it answers, for the receivers' tests. It can be
 * stopped and started again on the same port (a receiver outage: connections are refused
 * meanwhile), and a function chooses each answer's status from the request body.
 */
final class WebhookServer implements AutoCloseable {

    /** One request as received. */
    record Request(String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    private final List<Request> requests = new ArrayList<>();
    private final Function<String, Integer> status;
    private int port;
    private HttpServer server;

    /** A server on a free port answering 200 to everything. */
    WebhookServer() throws IOException {
        this(body -> 200);
    }

    WebhookServer(Function<String, Integer> status) throws IOException {
        this.status = status;
        start();
    }

    synchronized void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int code = status.apply(body);
            synchronized (WebhookServer.this) {
                if (code >= 200 && code < 300) {
                    requests.add(new Request(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()),
                            body));
                }
            }
            byte[] answer = (code >= 300 ? "refused by the test server" : "").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(code, answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
            exchange.close();
        });
        server.start();
        port = server.getAddress().getPort();
    }

    /** Stops answering: connections to the port are refused until {@link #start()}. */
    synchronized void stop() {
        server.stop(0);
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** The requests answered with a 2xx so far. */
    synchronized List<Request> accepted() {
        return List.copyOf(requests);
    }

    @Override
    public synchronized void close() {
        server.stop(0);
    }
}
