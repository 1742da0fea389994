package dev.anneal.watcher.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.watcher.app.http.Router.BadPath;
import dev.anneal.watcher.app.http.Router.Found;
import dev.anneal.watcher.app.http.Router.MethodNotAllowed;
import dev.anneal.watcher.app.http.Router.NotFound;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Routing decisions and path decoding, one row per case. */
class RouterTest {

    private static final Endpoint OK = call -> Reply.text(200, "ok\n");
    private static final Router ROUTER = new Router(List.of(
            Route.get("/metrics", Access.METRICS, OK),
            Route.get("/healthz", Access.PROBE, OK),
            Route.get("/api/runs", Access.READ, OK),
            Route.get("/api/runs/{id}", Access.READ, OK),
            Route.post("/api/runs/{id}/ack", Access.WRITE, OK)));

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        // method | raw path                | resolves to                   | access
        "GET      | /metrics                | Found GET /metrics            | METRICS",
        "HEAD     | /healthz                | Found GET /healthz            | PROBE",
        "GET      | /api/runs               | Found GET /api/runs           | READ",
        "GET      | /api/runs/              | Found GET /api/runs           | READ",
        "GET      | /api/runs/run-a         | Found GET /api/runs/{id}      | READ",
        "POST     | /api/runs/run-a/ack     | Found POST /api/runs/{id}/ack | WRITE",
        "GET      | /api/runs/run-a/ack     | 405 POST                      | WRITE",
        "POST     | /api/runs               | 405 GET, HEAD                 | READ",
        "DELETE   | /metrics                | 405 GET, HEAD                 | METRICS",
        "GET      | /                       | 404                           | PROBE",
        "GET      | /metricsx               | 404                           | PROBE",
        "GET      | /api/nope               | 404                           | READ",
        "GET      | /api/runs/a/b           | 404                           | READ",
        "GET      | /api/runs//ack          | 404                           | READ",
        "GET      | /api/runs/%E0%A4        | 400                           | READ",
        "GET      | /api/runs/50%           | 400                           | READ",
    })
    void resolves(String method, String path, String expected, Access access) {
        Router.Resolution r = ROUTER.resolve(method, path);
        String got;
        if (r instanceof Found f) {
            got = "Found " + f.route().method() + " " + f.route().path();
        } else if (r instanceof MethodNotAllowed m) {
            got = "405 " + m.allowHeader();
        } else if (r instanceof NotFound) {
            got = "404";
        } else {
            got = "400";
            assertThat(r).isInstanceOf(BadPath.class);
        }
        assertThat(got).isEqualTo(expected);
        assertThat(r.access()).isEqualTo(access);
    }

    @ParameterizedTest(name = "{0} -> id \"{1}\"")
    @CsvSource(delimiter = '|', value = {
        // raw path                 | the run id
        "/api/runs/a+b              | a+b",
        "/api/runs/a%2Bb            | a+b",
        "/api/runs/a%20b            | a b",
        "/api/runs/ppo%2Frun-3      | ppo/run-3",
        "/api/runs/ppo%2frun-3      | ppo/run-3",
        "/api/runs/50%25            | 50%",
        "/api/runs/caf%C3%A9        | café",
        "/api/runs/run.1~x          | run.1~x",
    })
    void aRunIdSegmentIsDecodedAsAPathSegment(String path, String id) {
        assertThat(ROUTER.resolve("GET", path)).isEqualTo(new Found(ROUTER.routes().get(3), Map.of("id", id)));
    }

    @Test
    void routesAreUniqueAndTemplatesWellFormed() {
        assertThatThrownBy(() -> new Router(List.of(Route.get("/a", Access.PROBE, OK),
                Route.get("/a", Access.READ, OK))))
                .hasMessage("two routes for GET /a");
        assertThatThrownBy(() -> PathTemplate.of("/a/{id}/{id}")).hasMessageContaining("parameter {id} twice");
        assertThatThrownBy(() -> PathTemplate.of("a")).hasMessageContaining("starts with '/'");
        assertThatThrownBy(() -> PathTemplate.of("/a b")).hasMessageContaining("bad segment");
        assertThatThrownBy(() -> new Route("HEAD", PathTemplate.of("/a"), Access.PROBE, OK))
                .hasMessageContaining("not HEAD");
    }

    @Test
    void theHintOf404ListsTheGetPaths() {
        assertThat(ROUTER.getPaths()).containsExactly("/metrics", "/healthz", "/api/runs", "/api/runs/{id}");
    }
}
