package dev.anneal.watcher.app.http;

import dev.anneal.watcher.core.stream.RunQueries;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * The endpoints of {@code watcher run} and {@code watcher notify}, as routes:
 *
 * <ul>
 *   <li>{@code GET /metrics}: Prometheus text exposition of every meter (the watcher's, Kafka
 *       Streams' client metrics and the JVM's);</li>
 *   <li>{@code GET /healthz}: 200 while the process serves at all (liveness); {@code watcher notify}
 *       answers 503 once a receiver's worker has failed;</li>
 *   <li>{@code GET /readyz}: 200 when Kafka Streams is RUNNING, else 503 naming its state
 *       (readiness: starting, rebalancing, restoring state, stopping); both add the rebalances
 *       so far and, while state stores are restored, how many records are left;</li>
 *   <li>{@code GET /api/runs}: the runs this instance holds, with their current recommendation;
 *       {@code ?action=HOLD} keeps the runs whose recommendation is that action, {@code ?synthetic=true}
 *       (or {@code false}) only drills (or only real runs); an unknown parameter or value is a 400;</li>
 *   <li>{@code GET /api/runs/{id}}: one run: recommendation, active alerts and evidence; 404
 *       when this instance holds no such run.</li>
 * </ul>
 *
 * The run endpoints answer 503 while the state store cannot be queried (starting, rebalancing).
 * Every other method on these paths gets 405. New endpoints are added as routes here (or in a
 * class of their own for a larger feature, as the operator commands of {@link CommandRoutes}) and
 * listed in {@link #run}.
 */
public final class WatcherRoutes {

    /** The content type of {@code /metrics}. */
    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** Where the daemon's state comes from; kept abstract so the routes can be tested alone. */
    public interface Source {
        /** The Prometheus text exposition. */
        String scrape();

        /** The Kafka Streams state, or empty before Streams exists. */
        Optional<KafkaStreams.State> streamsState();

        /**
         * A view of this instance's runs.
         *
         * @throws InvalidStateStoreException while the store cannot be queried
         */
        RunQueries runs();

        /** The digest of the running rule set. */
        String ruleSetDigest();

        /**
         * Rebalances and restoration progress ({@code StreamsProgress.describe()}), added to the
         * {@code /readyz} answer; empty when unknown.
         */
        default String streamsProgress() {
            return "";
        }
    }

    private WatcherRoutes() {
    }

    /** The routes of {@code watcher run}. */
    public static Router run(Source source) {
        return run(source, List.of());
    }

    /** The routes of {@code watcher run} and {@code more} (the operator commands, {@link CommandRoutes}). */
    public static Router run(Source source, List<Route> more) {
        List<Route> routes = new ArrayList<>(List.of(
                metrics(source::scrape),
                Route.get("/healthz", Access.PROBE, call -> Reply.text(200, "ok\n")),
                Route.get("/readyz", Access.PROBE, call -> readyz(source)),
                Route.get("/api/runs", Access.READ, call -> runs(source, call.query())),
                Route.get("/api/runs/{id}", Access.READ, call -> run(source, call.param("id")))));
        routes.addAll(more);
        return new Router(routes);
    }

    /**
     * The routes of {@code watcher notify}: {@code /metrics}, and {@code /healthz} failing with the
     * notifier's failure.
     */
    public static Router notifier(Supplier<String> scrape, Supplier<Optional<String>> failure) {
        return new Router(List.of(
                metrics(scrape),
                Route.get("/healthz", Access.PROBE, call -> failure.get()
                        .map(f -> Reply.text(503, "failed: " + f + "\n"))
                        .orElseGet(() -> Reply.text(200, "ok\n")))));
    }

    private static Route metrics(Supplier<String> scrape) {
        return Route.get("/metrics", Access.METRICS, call -> new Reply(200, PROMETHEUS_CONTENT_TYPE,
                scrape.get().getBytes(StandardCharsets.UTF_8), Map.of()));
    }

    private static Reply readyz(Source source) {
        Optional<KafkaStreams.State> state = source.streamsState();
        String progress = source.streamsProgress();
        String detail = progress.isEmpty() ? "" : " (" + progress + ")";
        if (state.isPresent() && state.get() == KafkaStreams.State.RUNNING) {
            return Reply.text(200, "ready: Kafka Streams is RUNNING" + detail + "\n");
        }
        return Reply.text(503, "not ready: Kafka Streams is " + state.map(Enum::name).orElse("not started") + detail
                + "\n");
    }

    private static Reply runs(Source source, String query) {
        Predicate<RunQueries.RunOverview> filter;
        try {
            filter = RunFilter.parse(query);
        } catch (IllegalArgumentException e) {
            return Reply.json(400, RunsJson.error(e.getMessage()));
        }
        try {
            return Reply.json(200, RunsJson.runs(source.runs().runs().stream().filter(filter).toList(),
                    source.ruleSetDigest()));
        } catch (InvalidStateStoreException e) {
            return notQueryable(source, e);
        }
    }

    private static Reply run(Source source, String runId) {
        try {
            Optional<RunQueries.RunDetail> run = source.runs().run(runId);
            return run.map(r -> Reply.json(200, RunsJson.run(r)))
                    .orElseGet(() -> Reply.json(404, RunsJson.error("no run '" + runId + "' on this instance")));
        } catch (InvalidStateStoreException e) {
            return notQueryable(source, e);
        }
    }

    private static Reply notQueryable(Source source, InvalidStateStoreException e) {
        return Reply.json(503, RunsJson.error("the run state cannot be queried yet (Kafka Streams is "
                + source.streamsState().map(Enum::name).orElse("not started") + "); try again: " + e.getMessage()))
                .withHeader("Retry-After", "1");
    }
}
