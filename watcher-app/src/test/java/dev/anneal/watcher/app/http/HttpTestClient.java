package dev.anneal.watcher.app.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/** A small HTTP client for the server tests: one request, the status, body and headers back. */
final class HttpTestClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** An HTTP response. */
    record Response(int status, String body, String contentType, Map<String, List<String>> headers) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private final HttpClient client;

    private HttpTestClient(HttpClient client) {
        this.client = client;
    }

    static HttpTestClient plain() {
        return new HttpTestClient(HttpClient.newBuilder().connectTimeout(TIMEOUT).build());
    }

    /** A client that trusts the certificates of {@code ssl} (a test keystore's). */
    static HttpTestClient trusting(SSLContext ssl) {
        return new HttpTestClient(HttpClient.newBuilder().connectTimeout(TIMEOUT).sslContext(ssl).build());
    }

    Response get(String url) throws Exception {
        return send("GET", url, Map.of(), null);
    }

    Response send(String method, String url, Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Response(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8),
                r.headers().firstValue("Content-Type").orElse(""), r.headers().map());
    }
}
