package dev.anneal.watcher.core.notify;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One JSON {@code POST} and the classification of its result, shared by the HTTP receivers so
 * that they agree on what is worth retrying:
 * <ul>
 *   <li>2xx: delivered;</li>
 *   <li>connection refused or reset, timeouts, any other I/O error, 5xx and 429: transient;</li>
 *   <li>every other status (other 4xx, 3xx: redirects are not followed, since a redirected POST
 *       may change method or lose the body): permanent.</li>
 * </ul>
 * Reasons quote at most {@value #MAX_BODY} characters of the response body and never a request
 * header (which may hold a token).
 */
final class HttpPoster {

    static final int MAX_BODY = 300;

    private final HttpClient client;
    private final Duration timeout;

    HttpPoster(HttpClient client, Duration timeout) {
        this.client = Objects.requireNonNull(client, "client");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** A client for receivers: HTTP/1.1, no redirects, the given connect timeout. */
    static HttpClient newClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .build();
    }

    DeliveryOutcome post(URI url, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        HttpResponse<String> response;
        try {
            response = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            return new DeliveryOutcome.Transient("no answer from " + url + " within " + timeout.toMillis() + " ms");
        } catch (ConnectException e) {
            return new DeliveryOutcome.Transient("cannot connect to " + url + ": "
                    + (e.getMessage() == null ? "connection refused" : e.getMessage()));
        } catch (IOException e) {
            return new DeliveryOutcome.Transient("I/O error talking to " + url + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryOutcome.Transient("interrupted while sending to " + url);
        }
        return classify(url, response.statusCode(), response.body());
    }

    static DeliveryOutcome classify(URI url, int status, String body) {
        if (status >= 200 && status < 300) {
            return DeliveryOutcome.DELIVERED;
        }
        String reason = "HTTP " + status + " from " + url + quote(body);
        if (status >= 500 || status == 429) {
            return new DeliveryOutcome.Transient(reason);
        }
        return new DeliveryOutcome.Permanent(reason);
    }

    private static String quote(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String b = body.strip().replaceAll("\\s+", " ");
        return ": " + (b.length() > MAX_BODY ? b.substring(0, MAX_BODY) + "..." : b);
    }
}
