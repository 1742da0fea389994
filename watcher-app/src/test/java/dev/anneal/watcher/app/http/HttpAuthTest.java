package dev.anneal.watcher.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.app.config.ValueType.HostPort;
import dev.anneal.watcher.core.notify.SecretRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The bearer token over a real server and the daemon's own routes, plus a write route of the kind
 * operator commands will be: 401 without the token, 403 with a wrong one, 200 with it; probes and
 * (unless protected) metrics open; write routes refused while no token is configured.
 */
class HttpAuthTest {

    private static final String TOKEN = "t0ken-for-the-api";
    private static final Map<String, String> BEARER = Map.of("Authorization", "Bearer " + TOKEN);
    private static final HttpTestClient CLIENT = HttpTestClient.plain();

    private static Router routes() {
        List<Route> routes = new ArrayList<>(WatcherRoutes.run(new EmptySource("watcher_up 1.0\n")).routes());
        routes.add(Route.post("/api/runs/{id}/ack", Access.WRITE,
                call -> Reply.text(200, "acked " + call.param("id") + ": " + new String(call.body()) + "\n")));
        return new Router(routes);
    }

    private static HttpServer start(boolean token, boolean protectMetrics) throws Exception {
        Optional<SecretRef.Secret> secret = token
                ? Optional.of(SecretRef.env("WATCHER_API_TOKEN").resolve(Map.of("WATCHER_API_TOKEN", TOKEN)))
                : Optional.empty();
        return HttpServer.start(new HostPort("127.0.0.1", 0), HttpLimits.DEFAULTS,
                new HttpSecurity(Optional.empty(), BearerAuth.of(secret, protectMetrics)), routes());
    }

    private static int status(HttpServer server, String method, String path, Map<String, String> headers)
            throws Exception {
        return CLIENT.send(method, server.url() + path, headers, method.equals("POST") ? "why".getBytes() : null)
                .status();
    }

    @Test
    void withATokenTheApiNeedsIt() throws Exception {
        try (HttpServer server = start(true, false)) {
            HttpTestClient.Response none = CLIENT.get(server.url() + "/api/runs");
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"watcher\"");
            assertThat(none.body()).doesNotContain(TOKEN);
            assertThat(status(server, "GET", "/api/runs", Map.of("Authorization", "Bearer wrong"))).isEqualTo(403);
            assertThat(status(server, "GET", "/api/runs", BEARER)).isEqualTo(200);
            assertThat(status(server, "GET", "/api/runs/run-a", Map.of())).isEqualTo(401);
            assertThat(status(server, "GET", "/api/runs/run-a", BEARER)).isEqualTo(404);
            // Nothing about the API is revealed without the token: not even which paths exist.
            assertThat(status(server, "GET", "/api/nope", Map.of())).isEqualTo(401);
            assertThat(status(server, "GET", "/api/nope", BEARER)).isEqualTo(404);
            assertThat(status(server, "DELETE", "/api/runs", Map.of())).isEqualTo(401);
            assertThat(status(server, "DELETE", "/api/runs", BEARER)).isEqualTo(405);
        }
    }

    @Test
    void probesAndMetricsStayOpenUnlessMetricsAreProtected() throws Exception {
        try (HttpServer server = start(true, false)) {
            assertThat(status(server, "GET", "/healthz", Map.of())).isEqualTo(200);
            assertThat(status(server, "GET", "/readyz", Map.of())).isEqualTo(200);
            assertThat(status(server, "GET", "/metrics", Map.of())).isEqualTo(200);
        }
        try (HttpServer server = start(true, true)) {
            assertThat(status(server, "GET", "/healthz", Map.of())).isEqualTo(200);
            assertThat(status(server, "GET", "/readyz", Map.of())).isEqualTo(200);
            assertThat(status(server, "GET", "/metrics", Map.of())).isEqualTo(401);
            assertThat(status(server, "GET", "/metrics", Map.of("Authorization", "Bearer nope"))).isEqualTo(403);
            HttpTestClient.Response metrics = CLIENT.send("GET", server.url() + "/metrics", BEARER, null);
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.body()).isEqualTo("watcher_up 1.0\n");
        }
    }

    @Test
    void writeRoutesNeedTheTokenAndAreOffWithoutOne() throws Exception {
        try (HttpServer server = start(false, false)) {
            assertThat(server.protection()).isEqualTo("no TLS, no API token (write endpoints disabled)");
            assertThat(status(server, "GET", "/api/runs", Map.of())).isEqualTo(200);
            HttpTestClient.Response off = CLIENT.send("POST", server.url() + "/api/runs/run-a/ack", BEARER,
                    "why".getBytes());
            assertThat(off.status()).isEqualTo(403);
            assertThat(off.body()).contains("write endpoints are disabled")
                    .contains("http.auth.token_env or http.auth.token_file");
        }
        try (HttpServer server = start(true, false)) {
            assertThat(status(server, "POST", "/api/runs/run-a/ack", Map.of())).isEqualTo(401);
            assertThat(status(server, "POST", "/api/runs/run-a/ack", Map.of("Authorization", "Bearer x")))
                    .isEqualTo(403);
            HttpTestClient.Response ok = CLIENT.send("POST", server.url() + "/api/runs/a+b/ack", BEARER,
                    "why".getBytes());
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("acked a+b: why\n");
        }
    }
}
