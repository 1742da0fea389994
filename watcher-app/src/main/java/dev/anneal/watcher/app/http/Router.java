package dev.anneal.watcher.app.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the route of a request, or says why there is none (404, 405, a malformed path). Pure: no
 * server, no I/O, so every routing decision is unit-tested.
 *
 * <p>Even an answer without a route has an {@link Access} level, so that authentication is checked
 * before anything about the API is revealed: a path with routes for other methods takes the least
 * strict level among them, and an unknown path takes the least strict level of the routes that
 * share its first segment (an unknown {@code /api/...} path needs the token like the rest of the
 * API), or {@link Access#PROBE} when there are none.
 */
public final class Router {

    /** What a request resolved to. */
    public sealed interface Resolution {
        /** Who may learn this answer. */
        Access access();
    }

    /** A route matched; {@code params} are its decoded path parameters. */
    public record Found(Route route, Map<String, String> params) implements Resolution {
        public Found {
            Objects.requireNonNull(route, "route");
            params = Map.copyOf(params);
        }

        @Override
        public Access access() {
            return route.access();
        }
    }

    /** The path exists for other methods only: 405 with an {@code Allow} header. */
    public record MethodNotAllowed(Set<String> allowed, Access access) implements Resolution {
        public MethodNotAllowed {
            allowed = Set.copyOf(new LinkedHashSet<>(allowed));
        }

        /** The {@code Allow} header: the methods in a stable order, HEAD after GET. */
        public String allowHeader() {
            return String.join(", ", allowed.stream().sorted(Comparator.comparing(Router::methodOrder)
                    .thenComparing(Comparator.naturalOrder())).toList());
        }
    }

    /** No route has this path: 404. */
    public record NotFound(Access access) implements Resolution {
    }

    /** The path cannot be decoded (a stray {@code %}, bytes that are not UTF-8): 400. */
    public record BadPath(String reason, Access access) implements Resolution {
    }

    private final List<Route> routes;

    /**
     * @throws IllegalArgumentException when two routes have the same method and path
     */
    public Router(List<Route> routes) {
        Map<String, Route> seen = new LinkedHashMap<>();
        for (Route r : routes) {
            Route before = seen.putIfAbsent(r.method() + " " + r.path(), r);
            if (before != null) {
                throw new IllegalArgumentException("two routes for " + r.method() + " " + r.path());
            }
        }
        this.routes = List.copyOf(routes);
    }

    public List<Route> routes() {
        return routes;
    }

    /** The paths of the GET routes, for a 404's hint. */
    public List<String> getPaths() {
        return routes.stream().filter(r -> r.method().equals("GET")).map(r -> r.path().toString()).toList();
    }

    /** Resolves a request: its method and its raw (percent-encoded) path. */
    public Resolution resolve(String method, String rawPath) {
        List<String> segments;
        try {
            segments = PathTemplate.segments(rawPath);
        } catch (IllegalArgumentException e) {
            return new BadPath(e.getMessage(), accessOfUnknown(firstRawSegment(rawPath)));
        }
        String wanted = method.equals("HEAD") ? "GET" : method;
        Set<String> allowed = new LinkedHashSet<>();
        List<Access> levels = new ArrayList<>();
        for (Route r : routes) {
            Optional<Map<String, String>> params = r.path().match(segments);
            if (params.isEmpty()) {
                continue;
            }
            if (r.method().equals(wanted)) {
                return new Found(r, params.get());
            }
            allowed.add(r.method());
            if (r.method().equals("GET")) {
                allowed.add("HEAD");
            }
            levels.add(r.access());
        }
        if (!allowed.isEmpty()) {
            return new MethodNotAllowed(allowed, leastStrict(levels));
        }
        return new NotFound(accessOfUnknown(segments.isEmpty() ? "" : segments.get(0)));
    }

    private Access accessOfUnknown(String first) {
        List<Access> levels = routes.stream()
                .filter(r -> r.path().firstLiteral().filter(first::equals).isPresent())
                .map(Route::access).toList();
        return levels.isEmpty() ? Access.PROBE : leastStrict(levels);
    }

    private static Access leastStrict(List<Access> levels) {
        return levels.stream().min(Comparator.naturalOrder()).orElse(Access.PROBE);
    }

    private static String firstRawSegment(String rawPath) {
        String p = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        int slash = p.indexOf('/');
        return slash < 0 ? p : p.substring(0, slash);
    }

    private static int methodOrder(String method) {
        return switch (method) {
            case "GET" -> 0;
            case "HEAD" -> 1;
            default -> 2;
        };
    }
}
