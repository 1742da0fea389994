package dev.anneal.watcher.app.chaos;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A webhook receiver for the receiver-outage scenario: a local HTTP server that answers 200 and
 * records the delivery id ({@code X-Watcher-Delivery}) of every notification, repeats included
 * (and the body of any other request: Alertmanager's own notifications).
 * It can go down and come back on the same port (connections are refused meanwhile). A
 * <em>dropping</em> receiver answers 200 to the first notification after it comes back without
 * recording it (the first it had not recorded before): a receiver that loses a transition, the
 * control of the scenario.
 */
final class RecordingReceiver implements AutoCloseable {

    static final String DELIVERY_HEADER = "X-Watcher-Delivery";

    private final boolean dropsOne;
    private final List<String> deliveries = new ArrayList<>();
    private final List<String> dropped = new ArrayList<>();
    private final List<String> others = new ArrayList<>();
    private boolean dropNext;
    private int port;
    private HttpServer server;

    private RecordingReceiver(boolean dropsOne) throws IOException {
        this.dropsOne = dropsOne;
        start();
    }

    /** A receiver that records everything. */
    static RecordingReceiver honest() throws IOException {
        return new RecordingReceiver(false);
    }

    /** A receiver that loses the first notification after each restart. */
    static RecordingReceiver dropping() throws IOException {
        return new RecordingReceiver(true);
    }

    /** Starts answering (again, on the same port). */
    synchronized void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String id = exchange.getRequestHeaders().getFirst(DELIVERY_HEADER);
            if (id != null) {
                record(id);
            } else {
                other(body);
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        port = server.getAddress().getPort();
        dropNext = dropsOne && !deliveries.isEmpty();
    }

    private synchronized void record(String id) {
        if (dropNext && !deliveries.contains(id)) {
            dropNext = false;
            dropped.add(id);
        } else {
            deliveries.add(id);
        }
    }

    private synchronized void other(String body) {
        others.add(body);
    }

    /** The bodies of requests without a delivery id (Alertmanager's own notifications), in arrival order. */
    synchronized List<String> others() {
        return List.copyOf(others);
    }

    /** Stops answering: connections are refused until {@link #start()}. */
    synchronized void stop() {
        server.stop(0);
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** The delivery ids recorded so far, in arrival order, repeats included. */
    synchronized List<String> deliveries() {
        return List.copyOf(deliveries);
    }

    /** The delivery ids answered 200 but not recorded (a dropping receiver's losses). */
    synchronized List<String> dropped() {
        return List.copyOf(dropped);
    }

    @Override
    public synchronized void close() {
        server.stop(0);
    }
}
