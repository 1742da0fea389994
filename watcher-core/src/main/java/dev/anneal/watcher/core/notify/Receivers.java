package dev.anneal.watcher.core.notify;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The one registration point for receiver types: turns a {@link ReceiverSpec} into a
 * {@link Receiver}, reading its secrets. Adding a receiver type means adding a
 * {@link ReceiverSpec.Type} constant and its case here (docs/ARCHITECTURE.md, "add a notifier").
 */
public final class Receivers {

    private Receivers() {
    }

    /**
     * Creates the receiver {@code spec} describes.
     *
     * @param client  the HTTP client the HTTP receivers share
     * @param timeout how long one request may take
     * @param env     the environment secrets are read from
     * @throws IllegalArgumentException when a secret cannot be read (the message names where it was
     *                                  looked for, never its value)
     */
    public static Receiver create(ReceiverSpec spec, HttpClient client, Duration timeout, Map<String, String> env) {
        HttpPoster http = new HttpPoster(client, timeout);
        Optional<SecretRef.Secret> token = resolve(spec, "bearer_token", spec.bearerToken(), env);
        return switch (spec.type()) {
            case ALERTMANAGER -> new AlertmanagerReceiver(spec.name(), spec.url(), spec.headers(), token, http);
            case WEBHOOK -> new WebhookReceiver(spec.name(), spec.url(), spec.headers(), token,
                    resolve(spec, "hmac_secret", spec.hmacSecret(), env), http);
        };
    }

    private static Optional<SecretRef.Secret> resolve(ReceiverSpec spec, String what, Optional<SecretRef> ref,
            Map<String, String> env) {
        try {
            return ref.map(r -> r.resolve(env));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("receiver " + spec.name() + ": cannot read its " + what + ": "
                    + e.getMessage(), e);
        }
    }
}
