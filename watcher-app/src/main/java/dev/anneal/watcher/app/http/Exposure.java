package dev.anneal.watcher.app.http;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether the server is reachable beyond this machine without the protection that calls for: the
 * decision behind the start-up warning. On a loopback address only local processes can connect,
 * so plain HTTP without a token is the safe default; on any other address (a wildcard such as
 * {@code 0.0.0.0} included) anyone who can route to it can read the run API and metrics, and
 * sniff them in clear text, unless TLS and a token are configured.
 */
public final class Exposure {

    private Exposure() {
    }

    /**
     * The warning to log, or empty when none is needed.
     *
     * @param bound   the address the server listens on
     * @param display how to name it in the message ({@code host:port})
     * @param tls     whether HTTPS is on
     * @param token   whether a bearer token is configured
     */
    public static Optional<String> warning(InetAddress bound, String display, boolean tls, boolean token) {
        if (bound.isLoopbackAddress() || (tls && token)) {
            return Optional.empty();
        }
        List<String> missing = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        if (!tls) {
            missing.add("without TLS (requests, responses and any token travel in clear text)");
            keys.add("http.tls.keystore with http.tls.keystore_password_env or http.tls.keystore_password_file");
        }
        if (!token) {
            missing.add("without an API token (anyone who can connect can read /api/runs)");
            keys.add("http.auth.token_env or http.auth.token_file");
        }
        return Optional.of("HTTP is served on " + display + ", beyond loopback" + (bound.isAnyLocalAddress()
                ? " (every interface)" : "") + ", " + String.join(" and ", missing) + ". Set " + String.join(
                " and ", keys) + ", or bind http.address to 127.0.0.1 and put a proxy that has them in front.");
    }
}
