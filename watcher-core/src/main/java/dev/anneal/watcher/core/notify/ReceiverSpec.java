package dev.anneal.watcher.core.notify;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One configured receiver: where alerts go and how to authenticate there. Built by the daemon's
 * config loader (which reports problems with file and line); the constructor checks what must hold
 * whatever the source.
 *
 * @param name        a unique name: the metric tag, the log field, and the suffix of the receiver's
 *                    consumer group (so it is restricted to letters, digits, '.', '_' and '-')
 * @param type        the kind of receiver
 * @param url         the endpoint: Alertmanager's base URL ({@code /api/v2/alerts} is appended) or
 *                    the webhook URL; http or https
 * @param headers     extra request headers, sent as they are (not secrets: they are logged by
 *                    {@code config show})
 * @param bearerToken where an {@code Authorization: Bearer} token is read from, if any
 * @param hmacSecret  where the key of the body signature is read from, if any (webhook only)
 * @param includeSynthetic whether the receiver also gets the alerts of drills (synthetic records),
 *                    from the alerts topic and from the quarantine topic; false (the default) keeps
 *                    drills away from it
 */
public record ReceiverSpec(String name, Type type, URI url, Map<String, String> headers,
        Optional<SecretRef> bearerToken, Optional<SecretRef> hmacSecret, boolean includeSynthetic) {

    /** A receiver that skips the alerts of drills. */
    public ReceiverSpec(String name, Type type, URI url, Map<String, String> headers,
            Optional<SecretRef> bearerToken, Optional<SecretRef> hmacSecret) {
        this(name, type, url, headers, bearerToken, hmacSecret, false);
    }

    /** The receiver types. {@link Receivers} creates one of each; adding a type starts here. */
    public enum Type {
        /** Alertmanager API v2: {@code POST <url>/api/v2/alerts}. */
        ALERTMANAGER,
        /** A generic JSON webhook: {@code POST <url>}, optionally HMAC-signed. */
        WEBHOOK;

        /** The name used in configuration: {@code alertmanager}, {@code webhook}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Legal receiver names. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    public ReceiverSpec {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("receiver name '" + name + "' may only contain letters, digits, "
                    + "'.', '_' and '-' (1 to 100 characters)");
        }
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme) || url.getHost() == null) {
            throw new IllegalArgumentException("receiver " + name + ": url must be http://HOST[:PORT]/... or "
                    + "https://..., was " + url);
        }
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        Objects.requireNonNull(bearerToken, "bearerToken");
        Objects.requireNonNull(hmacSecret, "hmacSecret");
        if (type == Type.ALERTMANAGER && hmacSecret.isPresent()) {
            throw new IllegalArgumentException("receiver " + name + ": Alertmanager does not check body signatures; "
                    + "hmac_secret is for webhook receivers");
        }
    }
}
