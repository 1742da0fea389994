package dev.anneal.watcher.core.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The receivers' pure parts: outcome classification, payloads, signatures, secrets, specs. */
class ReceiversTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final URI URL = URI.create("http://127.0.0.1:1/x");

    @ParameterizedTest(name = "HTTP {0} -> {1}")
    @CsvSource({
        "200, delivered", "202, delivered", "204, delivered",
        "500, transient", "502, transient", "503, transient", "429, transient",
        "400, permanent", "401, permanent", "403, permanent", "404, permanent", "422, permanent",
        "301, permanent", "307, permanent"})
    void statusesAreClassified(int status, String outcome) {
        assertThat(HttpPoster.classify(URL, status, "why").id()).isEqualTo(outcome);
    }

    @Test
    void reasonsQuoteTheStatusTheUrlAndABoundedBody() {
        assertThat(HttpPoster.classify(URL, 400, "bad\n  label").reason())
                .isEqualTo("HTTP 400 from http://127.0.0.1:1/x: bad label");
        assertThat(HttpPoster.classify(URL, 503, "x".repeat(1000)).reason())
                .hasSize("HTTP 503 from http://127.0.0.1:1/x: ".length() + HttpPoster.MAX_BODY + 3);
    }

    @Test
    void aRefusedConnectionIsTransient() {
        HttpPoster http = new HttpPoster(HttpPoster.newClient(java.time.Duration.ofSeconds(2)),
                java.time.Duration.ofSeconds(2));
        // Port 1 on the loopback address is never listened on by tests: the connection is refused.
        DeliveryOutcome o = http.post(URI.create("http://127.0.0.1:1/"), Map.of(), new byte[0]);
        assertThat(o).isInstanceOf(DeliveryOutcome.Transient.class);
        assertThat(o.reason()).startsWith("cannot connect to http://127.0.0.1:1/");
    }

    @Test
    void alertmanagerPayloadCarriesLabelsAnnotationsAndTimes() throws Exception {
        AlertMessage firing = AlertMessage.parse(Alerts.firing("k1", "run-1", 1_700_000_000_000L)
                .getBytes(StandardCharsets.UTF_8));
        JsonNode rec = MAPPER.readTree(Alerts.hold("run-1"));
        JsonNode body = MAPPER.readTree(AlertmanagerReceiver.body(List.of(new Notification(firing, Optional.of(rec)))));
        assertThat(body.size()).isEqualTo(1);
        JsonNode a = body.get(0);
        assertThat(a.path("labels").toString()).isEqualTo("{\"action\":\"HOLD\",\"alertname\":\"kl_gate\","
                + "\"run_id\":\"run-1\",\"severity\":\"warning\",\"team\":\"rl\",\"synthetic\":\"false\"}");
        assertThat(a.path("annotations").path("summary").asText())
                .isEqualTo("kl_divergence above the gate (value 0.07, threshold 0.05)");
        assertThat(a.path("annotations").path("recommendation").asText()).isEqualTo("HOLD because kl_gate: "
                + "kl_divergence 0.07 > 0.05 (the run's latest recommendation seen by the notifier when this was sent)");
        assertThat(a.path("annotations").path("runbook_url").asText()).isEqualTo("https://runbooks.example/kl_gate");
        assertThat(a.path("startsAt").asText()).isEqualTo("2023-11-14T22:13:20Z");
        assertThat(a.has("endsAt")).isFalse();

        AlertMessage resolved = AlertMessage.parse(Alerts.resolved("k1", "run-1", 1_700_000_060_000L)
                .getBytes(StandardCharsets.UTF_8));
        JsonNode r = MAPPER.readTree(AlertmanagerReceiver.body(List.of(new Notification(resolved, Optional.empty()))))
                .get(0);
        assertThat(r.path("endsAt").asText()).isEqualTo("2023-11-14T22:14:20Z");
        assertThat(r.path("annotations").path("recommendation").asText())
                .startsWith("unknown (no recommendation seen yet for this run)");
    }

    @Test
    void theSignatureIsHmacSha256OfTheBody() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assertThat(WebhookReceiver.signature("Jefe", "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void secretsComeFromTheEnvironmentOrAFileAndNeverPrint(@TempDir Path dir) throws Exception {
        assertThat(SecretRef.env("TOKEN").resolve(Map.of("TOKEN", "s3cret")).reveal()).isEqualTo("s3cret");
        assertThat(SecretRef.env("TOKEN").resolve(Map.of("TOKEN", "s3cret")).toString())
                .isEqualTo("*** (from env:TOKEN)").doesNotContain("s3cret");
        Path file = Files.writeString(dir.resolve("key"), "from-file\n");
        assertThat(SecretRef.file(file.toString()).resolve(Map.of()).reveal()).isEqualTo("from-file");
        assertThatThrownBy(() -> SecretRef.env("TOKEN").resolve(Map.of()))
                .hasMessage("environment variable TOKEN is not set");
        assertThatThrownBy(() -> SecretRef.env("TOKEN").resolve(Map.of("TOKEN", "")))
                .hasMessage("environment variable TOKEN is empty");
        assertThatThrownBy(() -> SecretRef.file(dir.resolve("none").toString()).resolve(Map.of()))
                .hasMessage("secret file " + dir.resolve("none") + " does not exist");
    }

    @Test
    void aMissingSecretIsNamedWithItsReceiver() {
        ReceiverSpec spec = new ReceiverSpec("hook", ReceiverSpec.Type.WEBHOOK, URL, Map.of(), Optional.empty(),
                Optional.of(SecretRef.env("HOOK_KEY")));
        assertThatThrownBy(() -> Receivers.create(spec, HttpPoster.newClient(java.time.Duration.ofSeconds(1)),
                java.time.Duration.ofSeconds(1), Map.of()))
                .hasMessage("receiver hook: cannot read its hmac_secret: environment variable HOOK_KEY is not set");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"id\":1,\"event_time\":5} | field id: expected a string",
        "[] | expected a JSON object, got array",
        "{not json | not JSON: Unexpected character ('n' (code 110)): was expecting double-quote to start field name",
        "{\"id\":\"a\",\"rule\":\"r\",\"run_id\":\"x\",\"state\":\"pending\",\"severity\":\"s\",\"action\":\"HOLD\",\"event_time\":1} | state must be firing or resolved, was pending",
        "{\"id\":\"a\",\"rule\":\"r\",\"run_id\":\"x\",\"state\":\"firing\",\"severity\":\"s\",\"action\":\"HOLD\"} | field event_time: expected epoch milliseconds"})
    void unreadableAlertsSayWhy(String json, String message) {
        assertThatThrownBy(() -> AlertMessage.parse(json.getBytes(StandardCharsets.UTF_8))).hasMessage(message);
    }

    @Test
    void specsAreChecked() {
        assertThatThrownBy(() -> new ReceiverSpec("a b", ReceiverSpec.Type.WEBHOOK, URL, Map.of(), Optional.empty(),
                Optional.empty())).hasMessageContaining("receiver name 'a b' may only contain");
        assertThatThrownBy(() -> new ReceiverSpec("a", ReceiverSpec.Type.WEBHOOK, URI.create("ftp://h/x"), Map.of(),
                Optional.empty(), Optional.empty())).hasMessageContaining("url must be http://");
        assertThatThrownBy(() -> new ReceiverSpec("a", ReceiverSpec.Type.ALERTMANAGER, URL, Map.of(),
                Optional.empty(), Optional.of(SecretRef.env("K")))).hasMessageContaining("hmac_secret is for webhook");
    }
}
