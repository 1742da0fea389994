package dev.anneal.watcher.core.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.watcher.core.notify.SecretRef.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Delivers each alert transition to a generic JSON webhook: {@code POST <url>} with the body
 *
 * <pre>
 * {"delivery_id": "&lt;alert id&gt;:&lt;state&gt;", "receiver": "&lt;name&gt;",
 *  "alert": {the alert exactly as published on the alerts topic},
 *  "recommendation": {the run's latest recommendation as published, or null}}
 * </pre>
 *
 * and the headers {@value #DELIVERY_HEADER} (the delivery id again) and, when an HMAC key is
 * configured, {@value #SIGNATURE_HEADER}{@code : sha256=<hex HMAC-SHA256 of the body bytes>}.
 *
 * <h2>Exactly once, as far as HTTP allows</h2>
 * The notifier commits an alert's offset only after a 2xx, so an alert is never lost. It can be
 * sent twice only if a request reached the receiver but its answer did not reach the notifier (a
 * timeout or a reset after the receiver acted, or a crash between the answer and the offset
 * commit): then the same delivery id arrives again. Receivers that must not act twice deduplicate
 * on {@value #DELIVERY_HEADER}; a refused connection or a 5xx answer never causes a duplicate.
 */
public final class WebhookReceiver implements Receiver {

    /** The header carrying the delivery id ({@code <alert id>:<state>}), stable across retries. */
    public static final String DELIVERY_HEADER = "X-Watcher-Delivery";
    /** The header carrying {@code sha256=<hex>}, the HMAC-SHA256 of the body under the configured key. */
    public static final String SIGNATURE_HEADER = "X-Watcher-Signature";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String name;
    private final URI url;
    private final Map<String, String> headers;
    private final Optional<Secret> hmacKey;
    private final HttpPoster http;

    WebhookReceiver(String name, URI url, Map<String, String> headers, Optional<Secret> bearerToken,
            Optional<Secret> hmacKey, HttpPoster http) {
        this.name = Objects.requireNonNull(name, "name");
        this.url = Objects.requireNonNull(url, "url");
        Map<String, String> h = new LinkedHashMap<>(headers);
        bearerToken.ifPresent(t -> h.put("Authorization", "Bearer " + t.reveal()));
        this.headers = Map.copyOf(h);
        this.hmacKey = Objects.requireNonNull(hmacKey, "hmacKey");
        this.http = Objects.requireNonNull(http, "http");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean keepsFiringAlive() {
        return false;
    }

    /** Sends each notification as its own request, stopping at the first that is not delivered. */
    @Override
    public DeliveryOutcome send(List<Notification> notifications) {
        DeliveryOutcome last = DeliveryOutcome.DELIVERED;
        for (Notification n : notifications) {
            last = sendOne(n);
            if (!last.delivered()) {
                return last;
            }
        }
        return last;
    }

    private DeliveryOutcome sendOne(Notification n) {
        byte[] body = body(name, n);
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(DELIVERY_HEADER, n.alert().deliveryId());
        hmacKey.ifPresent(key -> h.put(SIGNATURE_HEADER, signature(key.reveal(), body)));
        return http.post(url, h, body);
    }

    static byte[] body(String receiver, Notification n) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("delivery_id", n.alert().deliveryId());
        o.put("receiver", receiver);
        o.set("alert", n.alert().json());
        o.set("recommendation", n.recommendation().orElse(null));
        try {
            return MAPPER.writeValueAsBytes(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("writing JSON to memory cannot fail", e);
        }
    }

    /** {@code sha256=<lower-case hex of HMAC-SHA256(key, body)>}. */
    public static String signature(String key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
