package dev.anneal.watcher.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.app.config.ValueType.HostPort;
import dev.anneal.watcher.core.notify.SecretRef;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounds of {@link HttpLimits}, each against a real server: clients that never finish their
 * header, oversized headers and bodies, an endpoint that hangs, more requests than workers.
 */
class HttpServerLimitsTest {

    /** More connections than the server has threads of any kind. */
    private static final int HALF_OPEN = 16;
    private static final Duration LONG = Duration.ofMinutes(5);
    private static final HttpTestClient CLIENT = HttpTestClient.plain();

    private static HttpLimits limits(Duration header, Duration request) {
        return new HttpLimits(header, LONG, request, 8 * 1024, 1024, 2, 1);
    }

    private static HttpServer start(HttpLimits limits, Route... extra) throws IOException {
        List<Route> routes = new ArrayList<>(List.of(
                Route.get("/healthz", Access.PROBE, call -> Reply.text(200, "ok\n")),
                Route.post("/echo", Access.PROBE,
                        call -> Reply.text(200, new String(call.body(), StandardCharsets.UTF_8)))));
        routes.addAll(List.of(extra));
        return HttpServer.start(new HostPort("127.0.0.1", 0), limits, HttpSecurity.none(), new Router(routes));
    }

    /** Half of them send nothing, half a partial request line: what stalled the old server's 4 threads. */
    private static List<Socket> halfOpen(HttpServer server) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < HALF_OPEN; i++) {
            Socket s = new Socket(server.address().getAddress(), server.address().getPort());
            if (i % 2 == 1) {
                s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: 127.0".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
            }
            sockets.add(s);
        }
        return sockets;
    }

    private static void closeAll(List<Socket> sockets) throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
    }

    @Test
    void halfOpenConnectionsDoNotStopHealthzFromAnswering() throws Exception {
        // A header timeout far beyond the test: the connections are certainly still open.
        try (HttpServer server = start(limits(LONG, Duration.ofSeconds(30)))) {
            List<Socket> sockets = halfOpen(server);
            try {
                for (int i = 0; i < 3; i++) {
                    HttpTestClient.Response r = CLIENT.get(server.url() + "/healthz");
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.body()).isEqualTo("ok\n");
                }
                for (Socket s : sockets) {
                    assertThat(s.isClosed()).isFalse();
                }
            } finally {
                closeAll(sockets);
            }
        }
    }

    @Test
    void connectionsWithoutACompleteHeaderAreClosedAfterTheHeaderTimeout() throws Exception {
        // The idle timeout (5 minutes) is far beyond the wait below: only the header timeout closes them.
        try (HttpServer server = start(limits(Duration.ofSeconds(1), Duration.ofSeconds(30)))) {
            List<Socket> sockets = halfOpen(server);
            try {
                for (Socket s : sockets) {
                    assertThat(closedByServer(s)).as("the server closed the connection").isTrue();
                }
                assertThat(CLIENT.get(server.url() + "/healthz").status()).isEqualTo(200);
            } finally {
                closeAll(sockets);
            }
        }
    }

    @Test
    void overTlsAClientThatNeverCompletesTheHandshakeIsClosedToo(@TempDir Path dir) throws Exception {
        Path keystore = TestKeystore.create(dir);
        HttpSecurity tls = new HttpSecurity(Optional.of(TlsKeystore.load(keystore,
                SecretRef.env("KS").resolve(Map.of("KS", TestKeystore.PASSWORD)))), BearerAuth.none());
        try (HttpServer server = HttpServer.start(new HostPort("127.0.0.1", 0),
                limits(Duration.ofSeconds(1), Duration.ofSeconds(30)), tls,
                new Router(List.of(Route.get("/healthz", Access.PROBE, call -> Reply.text(200, "ok\n")))))) {
            List<Socket> sockets = halfOpen(server);
            try {
                for (Socket s : sockets) {
                    assertThat(closedByServer(s)).as("the server closed the connection").isTrue();
                }
            } finally {
                closeAll(sockets);
            }
        }
    }

    /** Reads until the server closes (true) or a generous minute passes (false). */
    private static boolean closedByServer(Socket s) throws IOException {
        s.setSoTimeout((int) TimeUnit.MINUTES.toMillis(1));
        InputStream in = s.getInputStream();
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset by the server
        }
    }

    @Test
    void anOversizedHeaderGets431() throws Exception {
        try (HttpServer server = start(limits(LONG, Duration.ofSeconds(30)))) {
            HttpTestClient.Response r = CLIENT.send("GET", server.url() + "/healthz",
                    Map.of("X-Padding", "a".repeat(9 * 1024)), null);
            assertThat(r.status()).isEqualTo(431);
            assertThat(r.body()).doesNotContain("<html").doesNotContain("Jetty");
            assertThat(CLIENT.send("GET", server.url() + "/healthz", Map.of("X-Padding", "a".repeat(6 * 1024)), null)
                    .status()).isEqualTo(200);
        }
    }

    @Test
    void anOversizedBodyGets413WithOrWithoutAContentLength() throws Exception {
        try (HttpServer server = start(limits(LONG, Duration.ofSeconds(30)))) {
            byte[] small = "x".repeat(1024).getBytes(StandardCharsets.US_ASCII);
            byte[] big = "x".repeat(1025).getBytes(StandardCharsets.US_ASCII);
            HttpTestClient.Response ok = CLIENT.send("POST", server.url() + "/echo", Map.of(), small);
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.body()).hasSize(1024);
            assertThat(CLIENT.send("POST", server.url() + "/echo", Map.of(), big).status()).isEqualTo(413);
            // Chunked: no Content-Length, so the limit is found while reading.
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> chunked = client.send(HttpRequest.newBuilder(URI.create(server.url() + "/echo"))
                    .timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(chunked.statusCode()).isEqualTo(413);
        }
    }

    @Test
    void anEndpointThatHangsGetsItsClientA503AfterTheRequestTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Route hang = Route.get("/hang", Access.PROBE, call -> {
            await(release);
            return Reply.text(200, "late\n");
        });
        try (HttpServer server = start(limits(LONG, Duration.ofMillis(300)), hang)) {
            HttpTestClient.Response r = CLIENT.get(server.url() + "/hang");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.header("Retry-After")).isEqualTo("1");
            assertThat(r.body()).contains("took longer than 300 ms");
        } finally {
            release.countDown();
        }
    }

    @Test
    void requestsBeyondTheWorkersAndTheQueueGet503AtOnce() throws Exception {
        CountDownLatch entered = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        Route busy = Route.get("/busy", Access.PROBE, call -> {
            entered.countDown();
            await(release);
            return Reply.text(200, "done\n");
        });
        // 2 workers, 1 waiting place.
        try (HttpServer server = start(limits(LONG, Duration.ofMinutes(1)), busy)) {
            List<CompletableFuture<Integer>> running = List.of(async(server.url() + "/busy"),
                    async(server.url() + "/busy"));
            assertThat(entered.await(1, TimeUnit.MINUTES)).as("both workers busy").isTrue();
            List<CompletableFuture<Integer>> more = List.of(async(server.url() + "/healthz"),
                    async(server.url() + "/healthz"), async(server.url() + "/healthz"));
            // One of the three waits for a worker; the other two are refused without waiting.
            CompletableFuture.anyOf(more.toArray(CompletableFuture[]::new)).get(1, TimeUnit.MINUTES);
            waitUntil(() -> more.stream().filter(f -> f.isDone() && f.join() == 503).count() == 2);
            assertThat(more.stream().filter(CompletableFuture::isDone).count()).isEqualTo(2);
            release.countDown();
            for (CompletableFuture<Integer> f : running) {
                assertThat(f.get(1, TimeUnit.MINUTES)).isEqualTo(200);
            }
            assertThat(more.stream().map(f -> f.join()).sorted().toList()).containsExactly(200, 503, 503);
        } finally {
            release.countDown();
        }
    }

    private static CompletableFuture<Integer> async(String url) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return HttpTestClient.plain().get(url).status();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited a minute").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
