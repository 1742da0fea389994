package dev.anneal.watcher.app.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What an {@link Endpoint} answers: a status, a content type, a body and extra headers. A value,
 * so that endpoints are plain functions that tests can call without a server, and so that the
 * server alone decides how (and whether, after a timeout) the answer is written.
 *
 * @param status      the HTTP status
 * @param contentType the {@code Content-Type}
 * @param body        the body; copied, never shared
 * @param headers     extra response headers, in order
 */
public record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {

    /** {@code text/plain; charset=utf-8}. */
    public static final String TEXT = "text/plain; charset=utf-8";
    /** {@code application/json}. */
    public static final String JSON = "application/json";

    public Reply {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status " + status + " is not between 100 and 599");
        }
        Objects.requireNonNull(contentType, "contentType");
        body = body.clone();
        headers = Map.copyOf(new LinkedHashMap<>(headers));
    }

    /** A plain-text reply. */
    public static Reply text(int status, String body) {
        return new Reply(status, TEXT, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** A JSON reply ({@code body} is already serialised). */
    public static Reply json(int status, byte[] body) {
        return new Reply(status, JSON, body, Map.of());
    }

    /** This reply with one more header. */
    public Reply withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Reply(status, contentType, body, more);
    }

    /** The body; a copy. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body as text (for tests and logs). */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Reply r && r.status == status && r.contentType.equals(contentType)
                && Arrays.equals(r.body, body) && r.headers.equals(headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, contentType, Arrays.hashCode(body), headers);
    }

    @Override
    public String toString() {
        return "Reply[" + status + " " + contentType + ", " + body.length + " bytes, headers " + headers.keySet() + "]";
    }
}
