package dev.anneal.watcher.app.cli;

import static dev.anneal.watcher.app.cli.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.app.cli.CliRunner.Result;
import dev.anneal.watcher.app.config.ValueType.HostPort;
import dev.anneal.watcher.app.http.Access;
import dev.anneal.watcher.app.http.BearerAuth;
import dev.anneal.watcher.app.http.HttpLimits;
import dev.anneal.watcher.app.http.HttpSecurity;
import dev.anneal.watcher.app.http.HttpServer;
import dev.anneal.watcher.app.http.Reply;
import dev.anneal.watcher.app.http.Route;
import dev.anneal.watcher.app.http.Router;
import dev.anneal.watcher.core.notify.SecretRef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code watcher runs} and {@code watcher runs show} against a real HTTP server with a bearer
 * token, serving answers in the shape of {@code /api/runs} (the daemon's routes are tested on their
 * own in {@code WatcherRoutesTest}): the table, the JSON, the query the filters send, and the exit
 * code of each failure.
 */
class RunsCommandTest {

    private static final String TOKEN = "runs-t0ken";
    private static final String RUNS = """
            {"runs": [
              {"run_id": "run-42", "status": "ACTIVE", "action": "ROLLBACK", "latched": true, "reasons": ["drift"],
               "active_alerts": 1, "changed_at": "anneal.telemetry/0:9", "synthetic": false, "acks": 1,
               "silences": [], "last_record_at": "2026-12-04T11:02:03Z"},
              {"run_id": "qa-1", "action": "PASS", "latched": false, "reasons": [], "active_alerts": 0,
               "changed_at": null, "synthetic": true}],
             "rule_set": "sha256:abc"}
            """;
    private static final String RUN_42 = """
            {"run_id": "run-42", "status": "ACTIVE", "last_record_at": "2026-12-04T11:02:03Z", "records": 120,
             "recommendation": {"action": "ROLLBACK", "latched": true, "reasons": ["loss_drift_rollback: 15 % above"]},
             "latched": "ROLLBACK",
             "active_alerts": [{"rule": "kl_gate", "alert_id": "a1", "state": "firing", "severity": "warning",
               "action": "HOLD", "value": 0.07, "threshold": 0.05, "started_at": "anneal.telemetry/0:3"}],
             "evidence": [{"rule": "loss_drift_rollback", "action": "ROLLBACK", "value": 0.2, "threshold": 0.15,
               "source": "anneal.telemetry/0:9"}],
             "acks": [{"rule": "kl_gate", "by": "alice", "reason": "on it"}],
             "audit": [{"applied_at": "2026-12-04T11:05:00Z", "outcome": "refused", "type": "clear", "actor": "bob",
               "reason": "try", "detail": "loss_drift_rollback still demands ROLLBACK"}],
             "rule_set": "sha256:abc"}
            """;

    private static final List<String> QUERIES = new CopyOnWriteArrayList<>();
    private static HttpServer server;

    @TempDir
    static Path dir;
    private static String tokenFile;

    @BeforeAll
    static void start() throws Exception {
        Path f = dir.resolve("token");
        Files.writeString(f, TOKEN + "\n", StandardCharsets.UTF_8);
        tokenFile = f.toString();
        server = HttpServer.start(new HostPort("127.0.0.1", 0), HttpLimits.DEFAULTS, new HttpSecurity(
                Optional.empty(), BearerAuth.of(Optional.of(SecretRef.env("T").resolve(Map.of("T", TOKEN))), false)),
                new Router(List.of(
                        Route.get("/api/runs", Access.READ, call -> {
                            QUERIES.add(call.query());
                            return call.query().contains("action=BOGUS")
                                    ? Reply.json(400, "{\"error\": \"action: 'BOGUS' is not an action\"}".getBytes())
                                    : Reply.json(200, RUNS.getBytes(StandardCharsets.UTF_8));
                        }),
                        Route.get("/api/runs/{id}", Access.READ, call -> call.param("id").equals("run 42/x")
                                ? Reply.json(200, RUN_42.getBytes(StandardCharsets.UTF_8))
                                : Reply.json(404, ("{\"error\": \"no run '" + call.param("id")
                                        + "' on this instance\"}").getBytes(StandardCharsets.UTF_8))))));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Result runs(String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"--api", server.url(), "--token-file", tokenFile}, 0, all, args.length, 4);
        return run(all);
    }

    @Test
    void theTableShowsEveryColumnAndADashForWhatTheApiDidNotSend() {
        Result r = runs("runs");
        assertThat(r.code()).as(r.toString()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).containsSubsequence("RUN", "STATUS", "ACTION", "LATCHED", "OPEN ALERTS", "ACKS",
                "SILENCES", "LAST RECORD");
        assertThat(lines.get(1).split(" +")).containsExactly("run-42", "ACTIVE", "ROLLBACK", "yes", "1", "1", "0",
                "2026-12-04T11:02:03Z");
        assertThat(lines.get(2).split(" +")).containsExactly("qa-1", "-", "PASS", "no", "0", "-", "-", "-");
        assertThat(lines.get(3)).isEqualTo("2 runs; rule set sha256:abc");
    }

    @Test
    void filtersGoToTheServerAndJsonIsTheApisAnswer() throws Exception {
        QUERIES.clear();
        Result r = runs("runs", "--action", "hold", "--synthetic", "false", "--json");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(QUERIES).containsExactly("action=HOLD&synthetic=false");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out()).path("runs").size())
                .isEqualTo(2);
        Result bad = runs("runs", "--action", "bogus");
        assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("'BOGUS' is not an action");
    }

    @Test
    void showPrintsTheEvidenceAcksAndAuditTrail() {
        Result r = runs("runs", "show", "run 42/x");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains(
                "run run-42  status ACTIVE  last record 2026-12-04T11:02:03Z  records 120",
                "recommendation ROLLBACK (latched)",
                "  loss_drift_rollback: 15 % above",
                "latched ROLLBACK",
                "open alerts (1)",
                "  kl_gate  firing  warning  HOLD  0.07  0.05  anneal.telemetry/0:3",
                "evidence (1)",
                "acks (1)",
                "  by=alice",
                "audit trail (1)",
                "refused   clear     by bob: \"try\" -> loss_drift_rollback still demands ROLLBACK");
        Result missing = runs("runs", "show", "run-9");
        assertThat(missing.code()).isEqualTo(ExitCodes.NO_INPUT);
        assertThat(missing.err()).contains("no run 'run-9' on this instance");
    }

    @Test
    void withoutTheTokenOrTheServerTheExitCodeSaysWhy() {
        Result noToken = run("runs", "--api", server.url());
        assertThat(noToken.code()).as(noToken.toString()).isEqualTo(ExitCodes.CONFIG);
        assertThat(noToken.err()).contains("answered 401", "--token-file or WATCHER_API_TOKEN");
        Result nobody = run("runs", "--api", "http://127.0.0.1:1");
        assertThat(nobody.code()).as(nobody.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(nobody.err()).contains("no watcher API answered at http://127.0.0.1:1");
    }
}
