package dev.anneal.watcher.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.watcher.app.config.ValueType.HostPort;
import dev.anneal.watcher.core.command.CommandSendException;
import dev.anneal.watcher.core.command.Receipt;
import dev.anneal.watcher.core.notify.SecretRef;
import dev.anneal.watcher.core.output.AuditJson;
import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.CommandOutcome;
import dev.anneal.watcher.rules.model.CommandType;
import dev.anneal.watcher.rules.model.OperatorCommand;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator-command endpoints over a real server with a bearer token: authentication (401, 403,
 * and 403 while no token is configured), body checks (400 naming the field), and the answers for
 * each outcome (200, 409, 202, 503). The sender here is a test double that records the command and
 * answers what the test chose; {@code CommandRoutesIT} sends through Kafka.
 */
class CommandRoutesTest {

    private static final String TOKEN = "t0ken-for-commands";
    private static final Map<String, String> BEARER = Map.of("Authorization", "Bearer " + TOKEN,
            "Content-Type", "application/json");
    private static final Instant NOW = Instant.parse("2026-12-04T11:02:03Z");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpTestClient CLIENT = HttpTestClient.plain();

    /** What the sender double answers: an outcome, or null for no audit record, or a failure. */
    private static final AtomicReference<Object> ANSWER = new AtomicReference<>();
    private static final List<OperatorCommand> SENT = new CopyOnWriteArrayList<>();
    private static HttpServer server;

    @BeforeAll
    static void start() throws Exception {
        server = server(true);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void reset() {
        SENT.clear();
        ANSWER.set(CommandOutcome.APPLIED);
    }

    private static HttpServer server(boolean token) throws Exception {
        Optional<SecretRef.Secret> secret = token
                ? Optional.of(SecretRef.env("T").resolve(Map.of("T", TOKEN))) : Optional.empty();
        CommandRoutes.Sender sender = (command, wait) -> {
            SENT.add(command);
            Object a = ANSWER.get();
            if (a instanceof CommandSendException e) {
                throw e;
            }
            if (a == null) {
                return new Receipt(command, 1, List.of());
            }
            AuditRecord audit = new AuditRecord(command, (CommandOutcome) a, a == CommandOutcome.REFUSED
                    ? "nothing is latched on run-1" : "ROLLBACK latch released; recommendation now PASS",
                    command.issuedAt(), 12, "sha256:0");
            return new Receipt(command, 1, List.of(new Receipt.Audit(audit, AuditJson.toJson(audit))));
        };
        return HttpServer.start(new HostPort("127.0.0.1", 0), HttpLimits.DEFAULTS,
                new HttpSecurity(Optional.empty(), BearerAuth.of(secret, false)),
                WatcherRoutes.run(new EmptySource(), CommandRoutes.routes(sender, Clock.fixed(NOW, ZoneOffset.UTC))));
    }

    private static HttpTestClient.Response post(String path, String body) throws Exception {
        return CLIENT.send("POST", server.url() + path, BEARER, body.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(HttpTestClient.Response r) throws Exception {
        return MAPPER.readTree(r.body());
    }

    @Test
    void writeRoutesNeedTheTokenAndAreRefusedWithoutOne() throws Exception {
        byte[] body = "{\"reason\": \"r\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(CLIENT.send("POST", server.url() + "/api/runs/run-1/clear", Map.of(), body).status())
                .isEqualTo(401);
        assertThat(CLIENT.send("POST", server.url() + "/api/runs/run-1/clear",
                Map.of("Authorization", "Bearer wrong"), body).status()).isEqualTo(403);
        assertThat(CLIENT.send("DELETE", server.url() + "/api/silences/c-1", Map.of(), body).status())
                .isEqualTo(401);
        try (HttpServer open = server(false)) {
            HttpTestClient.Response r = CLIENT.send("POST", open.url() + "/api/silences", Map.of(), body);
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.body()).contains("no API token is configured");
        }
        assertThat(SENT).as("nothing was sent").isEmpty();
        assertThat(CLIENT.send("GET", server.url() + "/api/runs/run-1/clear", BEARER, null).status())
                .isEqualTo(405);
    }

    @Test
    void anAppliedClearAnswers200WithTheAuditRecord() throws Exception {
        HttpTestClient.Response r = post("/api/runs/run-1/clear", "{\"reason\": \"loss recovered\", "
                + "\"command_id\": \"c-http-1\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.path("command_id").asText()).isEqualTo("c-http-1");
        assertThat(body.path("status").asText()).isEqualTo("applied");
        assertThat(body.path("detail").asText()).isEqualTo("ROLLBACK latch released; recommendation now PASS");
        assertThat(body.path("audit").get(0).path("schema").asText()).isEqualTo(AuditJson.SCHEMA);
        assertThat(SENT).hasSize(1);
        OperatorCommand c = SENT.get(0);
        assertThat(c.type()).isEqualTo(CommandType.CLEAR);
        assertThat(c.runId()).isEqualTo("run-1");
        assertThat(c.actor()).isEqualTo(CommandRoutes.DEFAULT_ACTOR);
        assertThat(c.reason()).isEqualTo("loss recovered");
        assertThat(c.issuedAt()).isEqualTo(NOW.toEpochMilli());
        ANSWER.set(CommandOutcome.DUPLICATE);
        HttpTestClient.Response again = post("/api/runs/run-1/clear", "{\"reason\": \"loss recovered\", "
                + "\"command_id\": \"c-http-1\"}");
        assertThat(again.status()).isEqualTo(200);
        assertThat(json(again).path("status").asText()).isEqualTo("duplicate");
    }

    @Test
    void aRefusedCommandIs409AndAnUnansweredOne202() throws Exception {
        ANSWER.set(CommandOutcome.REFUSED);
        HttpTestClient.Response refused = post("/api/runs/run-1/ack", "{\"rule\": \"kl_gate\", \"reason\": \"on it\", "
                + "\"actor\": \"bob\"}");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(json(refused).path("detail").asText()).isEqualTo("nothing is latched on run-1");
        assertThat(SENT.get(0).actor()).isEqualTo("bob");
        assertThat(SENT.get(0).rule()).isEqualTo("kl_gate");
        ANSWER.set(null);
        HttpTestClient.Response pending = post("/api/runs/run-1/end", "{\"reason\": \"cancelled\"}");
        assertThat(pending.status()).isEqualTo(202);
        assertThat(json(pending).path("status").asText()).isEqualTo("pending");
        assertThat(json(pending).path("detail").asText()).contains("may still apply");
    }

    @Test
    void silencesOfOneRunOrEveryRunAndTheirEnd() throws Exception {
        assertThat(post("/api/runs/run-2/silence", "{\"rule\": \"stale_telemetry\", \"duration\": \"2h\", "
                + "\"reason\": \"maintenance\"}").status()).isEqualTo(200);
        assertThat(post("/api/silences", "{\"labels\": {\"pack\": \"anneal-gates\"}, \"duration\": \"30m\", "
                + "\"reason\": \"drill\", \"command_id\": \"c-sil\"}").status()).isEqualTo(200);
        assertThat(CLIENT.send("DELETE", server.url() + "/api/silences/c-sil", BEARER,
                "{\"reason\": \"done\"}".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
        assertThat(CLIENT.send("DELETE", server.url() + "/api/silences/c-one", BEARER,
                "{\"reason\": \"done\", \"run_id\": \"run-2\"}".getBytes(StandardCharsets.UTF_8)).status())
                .isEqualTo(200);
        assertThat(SENT).extracting(OperatorCommand::type).containsExactly(CommandType.SILENCE, CommandType.SILENCE,
                CommandType.UNSILENCE, CommandType.UNSILENCE);
        assertThat(SENT.get(0).runId()).isEqualTo("run-2");
        assertThat(SENT.get(0).silence().rule()).isEqualTo("stale_telemetry");
        assertThat(SENT.get(0).silenceMillis()).isEqualTo(2 * 3600_000L);
        assertThat(SENT.get(1).allRuns()).isTrue();
        assertThat(SENT.get(1).silence().labels()).isEqualTo(Map.of("pack", "anneal-gates"));
        assertThat(SENT.get(2).allRuns()).isTrue();
        assertThat(SENT.get(2).silenceId()).isEqualTo("c-sil");
        assertThat(SENT.get(3).runId()).isEqualTo("run-2");
        assertThat(SENT.get(3).silenceId()).isEqualTo("c-one");
    }

    @Test
    void aBadBodyIs400NamingTheField() throws Exception {
        assertBad(post("/api/runs/run-1/clear", "not json"), "body", "not JSON");
        assertBad(post("/api/runs/run-1/clear", "[]"), "body", "expected a JSON object");
        assertBad(post("/api/runs/run-1/clear", "{}"), "reason", "reason: required");
        assertBad(post("/api/runs/run-1/clear", "{\"reason\": \"r\", \"rule\": \"x\"}"), "rule", "unknown field");
        assertBad(post("/api/runs/run-1/ack", "{\"reason\": \"r\"}"), "rule", "names the rule");
        assertBad(post("/api/runs/run-1/end", "{\"reason\": 3}"), "reason", "expected a string");
        assertBad(post("/api/silences", "{\"reason\": \"r\", \"duration\": \"1h\"}"), "rule", "names a rule or labels");
        assertBad(post("/api/runs/run-1/silence", "{\"reason\": \"r\", \"duration\": \"8d\"}"), "duration",
                "longer than 7d");
        assertBad(post("/api/runs/run-1/silence", "{\"reason\": \"r\"}"), "duration", "give a duration");
        assertBad(post("/api/silences", "{\"reason\": \"r\", \"duration\": \"1h\", \"labels\": {\"a\": 1}}"),
                "labels.a", "expected a string");
        assertBad(post("/api/runs/run-1/clear", "{\"reason\": \"r\", \"command_id\": \"a b\"}"), "command_id",
                "is not a command id");
        assertThat(SENT).isEmpty();
    }

    @Test
    void kafkaOutOfReachIs503WithRetryAfter() throws Exception {
        ANSWER.set(new CommandSendException(CommandSendException.Kind.UNAVAILABLE, "no Kafka broker answered", null));
        HttpTestClient.Response r = post("/api/runs/run-1/clear", "{\"reason\": \"r\"}");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("Retry-After")).isEqualTo("5");
        assertThat(json(r).path("error").asText()).contains("not sent: no Kafka broker answered");
    }

    private static void assertBad(HttpTestClient.Response r, String field, String message) throws Exception {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        JsonNode body = json(r);
        assertThat(body.path("field").asText()).as(r.body()).isEqualTo(field);
        assertThat(body.path("error").asText()).contains(message);
    }
}
