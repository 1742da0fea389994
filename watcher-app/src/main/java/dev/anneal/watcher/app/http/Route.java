package dev.anneal.watcher.app.http;

import java.util.Locale;
import java.util.Objects;

/**
 * One endpoint of the HTTP server: a method and a path template, who may call it, and the code
 * behind it. A GET route also answers HEAD (same status and headers, no body).
 *
 * @param method   the request method, upper case
 * @param path     the path template, such as {@code /api/runs/{id}}
 * @param access   who may call it
 * @param endpoint the code behind it
 */
public record Route(String method, PathTemplate path, Access access, Endpoint endpoint) {

    public Route {
        Objects.requireNonNull(method, "method");
        if (!method.equals(method.toUpperCase(Locale.ROOT)) || method.isBlank() || method.equals("HEAD")) {
            throw new IllegalArgumentException("a route's method is upper case and not HEAD (GET answers HEAD): "
                    + method);
        }
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(endpoint, "endpoint");
    }

    /** A GET (and HEAD) route. */
    public static Route get(String path, Access access, Endpoint endpoint) {
        return new Route("GET", PathTemplate.of(path), access, endpoint);
    }

    /** A POST route; give state-changing ones {@link Access#WRITE}. */
    public static Route post(String path, Access access, Endpoint endpoint) {
        return new Route("POST", PathTemplate.of(path), access, endpoint);
    }

    @Override
    public String toString() {
        return method + " " + path + " (" + access + ")";
    }
}
