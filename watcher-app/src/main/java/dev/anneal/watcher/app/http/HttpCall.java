package dev.anneal.watcher.app.http;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * One request as an {@link Endpoint} sees it: already routed, authorised and with its body read
 * (within {@link HttpLimits#maxBodyBytes()}). Nothing of the server's API leaks through, so
 * endpoints are plain functions.
 *
 * @param method the request method ({@code GET}, {@code HEAD}, {@code POST}, ...)
 * @param params the values of the route's {@code {name}} segments, each decoded as a path segment
 * @param query  the raw query string, or the empty string
 * @param body   the request body (empty for GET and HEAD); copied, never shared
 */
public record HttpCall(String method, Map<String, String> params, String query, byte[] body) {

    public HttpCall {
        Objects.requireNonNull(method, "method");
        params = Map.copyOf(params);
        Objects.requireNonNull(query, "query");
        body = body.clone();
    }

    /**
     * The value of the path parameter {@code name}.
     *
     * @throws IllegalArgumentException when the route has no such parameter (a programming error)
     */
    public String param(String name) {
        String value = params.get(name);
        if (value == null) {
            throw new IllegalArgumentException("the route has no parameter {" + name + "}");
        }
        return value;
    }

    /** The body; a copy. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpCall c && c.method.equals(method) && c.params.equals(params) && c.query.equals(query)
                && Arrays.equals(c.body, body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, params, query, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "HttpCall[" + method + " " + params + ", " + body.length + " bytes]";
    }
}
