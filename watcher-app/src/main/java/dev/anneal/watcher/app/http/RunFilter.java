package dev.anneal.watcher.app.http;

import dev.anneal.watcher.core.stream.RunQueries.RunOverview;
import dev.anneal.watcher.rules.model.Action;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The query of {@code GET /api/runs}: {@code action=HOLD} (any case) keeps the runs whose current
 * recommendation is that action, {@code synthetic=true|false} the drills or the real runs; both
 * may be given (both must hold). Strict, like the rest of the watcher: an unknown parameter, a
 * repeated one or a value that is not one of the allowed ones is refused, with what to write.
 */
final class RunFilter {

    private RunFilter() {
    }

    /**
     * The filter a raw query string asks for (everything passes for an empty one).
     *
     * @throws IllegalArgumentException naming the parameter at fault
     */
    static Predicate<RunOverview> parse(String query) {
        Predicate<RunOverview> filter = r -> true;
        boolean action = false;
        boolean synthetic = false;
        if (query.isEmpty()) {
            return filter;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            switch (name) {
                case "action" -> {
                    if (action) {
                        throw new IllegalArgumentException("action: give it once");
                    }
                    action = true;
                    Action wanted = Arrays.stream(Action.values())
                            .filter(a -> a.name().equals(value.toUpperCase(Locale.ROOT))).findFirst()
                            .orElseThrow(() -> new IllegalArgumentException("action: '" + value + "' is not an "
                                    + "action; use one of " + Arrays.toString(Action.values())));
                    filter = filter.and(r -> r.action() == wanted);
                }
                case "synthetic" -> {
                    if (synthetic) {
                        throw new IllegalArgumentException("synthetic: give it once");
                    }
                    synthetic = true;
                    if (!value.equals("true") && !value.equals("false")) {
                        throw new IllegalArgumentException("synthetic: expected true or false, got '" + value + "'");
                    }
                    boolean wanted = Boolean.parseBoolean(value);
                    filter = filter.and(r -> r.synthetic() == wanted);
                }
                default -> throw new IllegalArgumentException("unknown query parameter '" + name + "'; /api/runs "
                        + "takes action and synthetic");
            }
        }
        return filter;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the query is not percent-encoded properly: " + e.getMessage(), e);
        }
    }
}
