package dev.anneal.watcher.app.http;

import dev.anneal.watcher.app.config.WatcherConfig;
import dev.anneal.watcher.core.notify.SecretRef;
import dev.anneal.watcher.core.notify.SecretRef.Secret;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The HTTP server's TLS and authentication, from the {@code http.tls.*} and {@code http.auth.*}
 * keys. Secrets (the keystore password, the bearer token) are named in the configuration by an
 * environment variable or a file ({@link SecretRef}, as the notifier's are), read once here at
 * start-up and never logged.
 *
 * @param tls  the keystore when HTTPS is on
 * @param auth who may call what
 */
public record HttpSecurity(Optional<TlsKeystore> tls, BearerAuth auth) {

    public HttpSecurity {
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(auth, "auth");
    }

    /** Plain HTTP, no token. */
    public static HttpSecurity none() {
        return new HttpSecurity(Optional.empty(), BearerAuth.none());
    }

    /**
     * The contradictions in these settings, each a sentence naming the keys; empty when they are
     * consistent. Reads nothing: {@code config check} uses it as well as start-up.
     */
    public static List<String> problems(WatcherConfig.Http http) {
        List<String> problems = new ArrayList<>();
        WatcherConfig.Http.Tls tls = http.tls();
        boolean password = tls.passwordEnv().isPresent() || tls.passwordFile().isPresent();
        if (tls.passwordEnv().isPresent() && tls.passwordFile().isPresent()) {
            problems.add("http.tls: set keystore_password_env or keystore_password_file, not both");
        }
        if (tls.keystore().isPresent() && !password) {
            problems.add("http.tls.keystore needs its password: set http.tls.keystore_password_env (a variable) "
                    + "or http.tls.keystore_password_file (a file)");
        }
        if (tls.keystore().isEmpty() && password) {
            problems.add("http.tls: a keystore password is configured but http.tls.keystore is not; set it to the "
                    + "PKCS12 file");
        }
        WatcherConfig.Http.Auth auth = http.auth();
        if (auth.tokenEnv().isPresent() && auth.tokenFile().isPresent()) {
            problems.add("http.auth: set token_env or token_file, not both");
        }
        if (auth.protectMetrics() && auth.tokenEnv().isEmpty() && auth.tokenFile().isEmpty()) {
            problems.add("http.auth.protect_metrics: true needs a token: set http.auth.token_env or "
                    + "http.auth.token_file");
        }
        return problems;
    }

    /**
     * What the settings turn on, in words, naming where secrets come from and never a secret:
     * {@code config check} prints it.
     */
    public static String describe(WatcherConfig.Http http) {
        WatcherConfig.Http.Tls tls = http.tls();
        WatcherConfig.Http.Auth auth = http.auth();
        String transport = tls.keystore().map(k -> "TLS (keystore " + k + ")").orElse("plain HTTP (no TLS)");
        Optional<SecretRef> token = ref(auth.tokenEnv(), auth.tokenFile());
        return transport + ", " + token.map(t -> "API token from " + t + (auth.protectMetrics()
                ? " (also for /metrics)" : "")).orElse("no API token");
    }

    /**
     * Reads the secrets and opens the keystore.
     *
     * @param env the environment the {@code *_env} keys name variables of
     * @throws HttpConfigException when the settings contradict each other or a secret or the keystore
     *                             cannot be read (the message names the key, never a value)
     */
    public static HttpSecurity resolve(WatcherConfig.Http http, Map<String, String> env) throws HttpConfigException {
        List<String> problems = problems(http);
        if (!problems.isEmpty()) {
            throw new HttpConfigException(problems);
        }
        WatcherConfig.Http.Tls tls = http.tls();
        Optional<TlsKeystore> keystore = Optional.empty();
        if (tls.keystore().isPresent()) {
            Secret password = read(ref(tls.passwordEnv(), tls.passwordFile()).orElseThrow(), env,
                    "http.tls.keystore_password");
            keystore = Optional.of(TlsKeystore.load(tls.keystore().get(), password));
        }
        WatcherConfig.Http.Auth auth = http.auth();
        Optional<SecretRef> tokenRef = ref(auth.tokenEnv(), auth.tokenFile());
        Optional<Secret> token = Optional.empty();
        if (tokenRef.isPresent()) {
            token = Optional.of(read(tokenRef.get(), env, "http.auth.token"));
        }
        return new HttpSecurity(keystore, BearerAuth.of(token, auth.protectMetrics()));
    }

    private static Optional<SecretRef> ref(Optional<String> var, Optional<Path> file) {
        return var.map(SecretRef::env).or(() -> file.map(p -> SecretRef.file(p.toString())));
    }

    private static Secret read(SecretRef ref, Map<String, String> env, String key) throws HttpConfigException {
        try {
            return ref.resolve(env);
        } catch (IllegalArgumentException e) {
            String which = key + (ref.source() == SecretRef.Source.ENV ? "_env" : "_file");
            throw new HttpConfigException(which + ": " + e.getMessage(), e);
        }
    }
}
