package dev.anneal.watcher.app.http;

import dev.anneal.watcher.core.notify.SecretRef.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether a request may reach its route, from the route's {@link Access} level and the
 * request's {@code Authorization} header. With a token configured ({@code http.auth.token_env} or
 * {@code http.auth.token_file}), the API needs {@code Authorization: Bearer <token>}: 401 without
 * it, 403 with a wrong one. Probes are always open; {@code /metrics} is open unless
 * {@code http.auth.protect_metrics} is true. Write routes are refused (403) while no token is
 * configured at all.
 *
 * <p>The token is compared in constant time (both sides hashed with SHA-256, then
 * {@link MessageDigest#isEqual}), so neither its content nor its length leaks through timing.
 */
public final class BearerAuth {

    /** The {@code WWW-Authenticate} challenge sent with a 401. */
    static final String CHALLENGE = "Bearer realm=\"watcher\"";

    /** What to do with a request. */
    public sealed interface Decision {
    }

    /** Let it through. */
    public record Allowed() implements Decision {
    }

    /** Answer with {@code reply} instead (401 or 403). */
    public record Refused(Reply reply) implements Decision {
        public Refused {
            Objects.requireNonNull(reply, "reply");
        }
    }

    private static final Allowed ALLOWED = new Allowed();

    private final Optional<byte[]> tokenHash;
    private final boolean protectMetrics;

    private BearerAuth(Optional<byte[]> tokenHash, boolean protectMetrics) {
        this.tokenHash = tokenHash;
        this.protectMetrics = protectMetrics;
    }

    /**
     * @param token          the bearer token, or empty for none (the API is then open and write routes refused)
     * @param protectMetrics whether {@code /metrics} needs the token too
     */
    public static BearerAuth of(Optional<Secret> token, boolean protectMetrics) {
        return new BearerAuth(token.map(t -> sha256(t.reveal())), protectMetrics);
    }

    /** No token: probes, metrics and the read API open, write routes refused. */
    public static BearerAuth none() {
        return of(Optional.empty(), false);
    }

    /** Whether a token is configured. */
    public boolean hasToken() {
        return tokenHash.isPresent();
    }

    /** Decides for a route of level {@code access}; {@code authorization} is the header, or null. */
    public Decision decide(Access access, String authorization) {
        return switch (access) {
            case PROBE -> ALLOWED;
            case METRICS -> protectMetrics ? checkToken(authorization) : ALLOWED;
            case READ -> checkToken(authorization);
            case WRITE -> tokenHash.isEmpty()
                    ? new Refused(Reply.json(403, RunsJson.error("write endpoints are disabled: no API token is "
                            + "configured; set http.auth.token_env or http.auth.token_file to enable them")))
                    : checkToken(authorization);
        };
    }

    private Decision checkToken(String authorization) {
        if (tokenHash.isEmpty()) {
            return ALLOWED;
        }
        Optional<String> presented = bearer(authorization);
        if (presented.isEmpty()) {
            return new Refused(Reply.json(401, RunsJson.error("authentication required: send the header "
                    + "'Authorization: Bearer <token>'")).withHeader("WWW-Authenticate", CHALLENGE));
        }
        if (!MessageDigest.isEqual(sha256(presented.get()), tokenHash.get())) {
            return new Refused(Reply.json(403, RunsJson.error("the bearer token is not valid")));
        }
        return ALLOWED;
    }

    /** The token of an {@code Authorization: Bearer <token>} header (scheme case-insensitive). */
    static Optional<String> bearer(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        String h = authorization.strip();
        int space = h.indexOf(' ');
        if (space < 0 || !h.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
            return Optional.empty();
        }
        String token = h.substring(space + 1).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "BearerAuth[token " + (tokenHash.isPresent() ? "configured" : "none") + ", metrics "
                + (protectMetrics ? "protected" : "open") + "]";
    }
}
