package dev.anneal.watcher.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.watcher.app.config.ValueType.HostPort;
import dev.anneal.watcher.app.config.WatcherConfig.Http;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code http.tls.*} and {@code http.auth.*} settings: their contradictions, reading their
 * secrets, and a server started from them answering over HTTPS with the token required.
 */
class HttpSecurityTest {

    private static final HostPort ANY_PORT = new HostPort("127.0.0.1", 0);
    private static final Router ROUTES = new Router(List.of(
            Route.get("/healthz", Access.PROBE, call -> Reply.text(200, "ok\n")),
            Route.get("/api/runs", Access.READ, call -> Reply.json(200, "{\"runs\":[]}\n".getBytes()))));

    private static Http http(Optional<Path> keystore, Optional<String> passwordEnv, Optional<Path> passwordFile,
            Optional<String> tokenEnv, Optional<Path> tokenFile, boolean protectMetrics) {
        return new Http(ANY_PORT, new Http.Tls(keystore, passwordEnv, passwordFile),
                new Http.Auth(tokenEnv, tokenFile, protectMetrics));
    }

    @Test
    void contradictionsAreNamedByTheirKeys() {
        Path p = Path.of("x");
        assertThat(HttpSecurity.problems(new Http(ANY_PORT))).isEmpty();
        assertThat(HttpSecurity.problems(http(Optional.of(p), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), false))).containsExactly("http.tls.keystore needs its password: set "
                + "http.tls.keystore_password_env (a variable) or http.tls.keystore_password_file (a file)");
        assertThat(HttpSecurity.problems(http(Optional.empty(), Optional.of("PW"), Optional.empty(), Optional.empty(),
                Optional.empty(), false))).containsExactly("http.tls: a keystore password is configured but "
                + "http.tls.keystore is not; set it to the PKCS12 file");
        assertThat(HttpSecurity.problems(http(Optional.of(p), Optional.of("PW"), Optional.of(p), Optional.of("T"),
                Optional.of(p), false))).containsExactly(
                "http.tls: set keystore_password_env or keystore_password_file, not both",
                "http.auth: set token_env or token_file, not both");
        assertThat(HttpSecurity.problems(http(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), true))).containsExactly("http.auth.protect_metrics: true needs a token: set "
                + "http.auth.token_env or http.auth.token_file");
    }

    @Test
    void unreadableSecretsAndKeystoresStopTheStartNamingTheKey(@TempDir Path dir) throws Exception {
        Path keystore = TestKeystore.create(dir);
        Http missingToken = http(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("API_TOKEN"),
                Optional.empty(), false);
        assertThatThrownBy(() -> HttpSecurity.resolve(missingToken, Map.of()))
                .isInstanceOf(HttpConfigException.class)
                .hasMessage("http.auth.token_env: environment variable API_TOKEN is not set");
        Http missingFile = http(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(dir.resolve("nope")), false);
        assertThatThrownBy(() -> HttpSecurity.resolve(missingFile, Map.of()))
                .hasMessage("http.auth.token_file: secret file " + dir.resolve("nope") + " does not exist");
        Http wrongPassword = http(Optional.of(keystore), Optional.of("KS_PW"), Optional.empty(), Optional.empty(),
                Optional.empty(), false);
        assertThatThrownBy(() -> HttpSecurity.resolve(wrongPassword, Map.of("KS_PW", "not-the-password")))
                .isInstanceOf(HttpConfigException.class)
                .hasMessageContaining("http.tls.keystore: cannot open " + keystore)
                .hasMessageNotContaining("not-the-password");
        Http noFile = http(Optional.of(dir.resolve("missing.p12")), Optional.of("KS_PW"), Optional.empty(),
                Optional.empty(), Optional.empty(), false);
        assertThatThrownBy(() -> HttpSecurity.resolve(noFile, Map.of("KS_PW", TestKeystore.PASSWORD)))
                .hasMessage("http.tls.keystore: " + dir.resolve("missing.p12") + " does not exist");
        Path notPkcs12 = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\n");
        Http pem = http(Optional.of(notPkcs12), Optional.of("KS_PW"), Optional.empty(), Optional.empty(),
                Optional.empty(), false);
        assertThatThrownBy(() -> HttpSecurity.resolve(pem, Map.of("KS_PW", TestKeystore.PASSWORD)))
                .hasMessageStartingWith("http.tls.keystore: cannot open " + notPkcs12 + " as a PKCS12 keystore");
    }

    @Test
    void httpsWithTheKeystoreAndTheTokenFromAFile(@TempDir Path dir) throws Exception {
        Path keystore = TestKeystore.create(dir);
        Path tokenFile = Files.writeString(dir.resolve("token"), "api-token-42\n");
        Http config = http(Optional.of(keystore), Optional.of("KS_PW"), Optional.empty(), Optional.empty(),
                Optional.of(tokenFile), false);
        SSLContext trust = TestKeystore.trusting(keystore);
        HttpTestClient client = HttpTestClient.trusting(trust);
        try (HttpServer server = HttpServer.start(config, Map.of("KS_PW", TestKeystore.PASSWORD), ROUTES)) {
            assertThat(server.url()).startsWith("https://127.0.0.1:");
            assertThat(server.protection()).isEqualTo("TLS, API token required");
            assertThat(client.get(server.url() + "/healthz").status()).isEqualTo(200);
            assertThat(client.get(server.url() + "/api/runs").status()).isEqualTo(401);
            HttpTestClient.Response ok = client.send("GET", server.url() + "/api/runs",
                    Map.of("Authorization", "Bearer api-token-42"), null);
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("{\"runs\":[]}\n");
            // Plain HTTP to the TLS port gets no answer from an endpoint.
            String plain = server.url().replace("https://", "http://") + "/healthz";
            assertThat(plainStatus(plain)).isNotEqualTo(200);
            // A client that does not trust the certificate cannot connect.
            assertThatThrownBy(() -> HttpTestClient.trusting(SSLContext.getDefault()).get(server.url() + "/healthz"))
                    .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        }
    }

    private static int plainStatus(String url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
