package dev.anneal.watcher.core.notify;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.anneal.watcher.core.notify.SecretRef.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Delivers alerts to Prometheus Alertmanager through its API v2: {@code POST <url>/api/v2/alerts}
 * with a JSON array of alerts.
 *
 * <p>Each alert is identified in Alertmanager by its labels: {@code alertname} (the rule id),
 * {@code run_id}, {@code severity}, {@code action}, {@code synthetic} and the rule's own labels.
 * Annotations: {@code summary} (the rule's summary with the value and the threshold),
 * {@code recommendation} (the run's recommendation as last seen, see {@link Notification}),
 * {@code runbook_url} and the rule's other annotations, and {@code alert_id} / {@code source}; an
 * acknowledged alert ({@code watcher ack}) also {@code acked_by}, {@code ack_reason} and
 * {@code acked_at}.
 *
 * <p>A firing transition is sent with {@code startsAt} = its event time and no {@code endsAt}, so
 * Alertmanager considers it firing for its {@code resolve_timeout}; the worker re-sends every
 * firing alert each {@code notify.resend_interval}, which must be shorter. A resolved transition is
 * sent with {@code startsAt} = {@code endsAt} = its event time: Alertmanager merges it with the
 * firing alert of the same labels (keeping the earlier {@code startsAt}) and resolves it at once.
 *
 * <p>An acknowledged alert is still re-sent, with its ack annotations: Alertmanager has no notion of
 * an ack, and an alert that is not re-sent resolves there after {@code resolve_timeout}, which
 * would tell on-call the problem went away. To stop Alertmanager's own repeat notifications for it,
 * silence it in Alertmanager (its labels identify the run and the rule); a {@code watcher silence}
 * stops the watcher sending it at all.
 */
public final class AlertmanagerReceiver implements Receiver {

    /** The API path appended to the configured URL. */
    public static final String ALERTS_PATH = "/api/v2/alerts";

    private static final JsonFactory JSON = new JsonFactory();

    private final String name;
    private final URI endpoint;
    private final Map<String, String> headers;
    private final HttpPoster http;

    AlertmanagerReceiver(String name, URI baseUrl, Map<String, String> headers, Optional<Secret> bearerToken,
            HttpPoster http) {
        this.name = Objects.requireNonNull(name, "name");
        String base = baseUrl.toString();
        this.endpoint = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + ALERTS_PATH);
        Map<String, String> h = new LinkedHashMap<>(headers);
        bearerToken.ifPresent(t -> h.put("Authorization", "Bearer " + t.reveal()));
        this.headers = Map.copyOf(h);
        this.http = Objects.requireNonNull(http, "http");
    }

    @Override
    public String name() {
        return name;
    }

    /** {@code <url>/api/v2/alerts}. */
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public boolean keepsFiringAlive() {
        return true;
    }

    @Override
    public DeliveryOutcome send(List<Notification> notifications) {
        return http.post(endpoint, headers, body(notifications));
    }

    /** The request body: a JSON array of Alertmanager v2 postable alerts. */
    static byte[] body(List<Notification> notifications) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512 * notifications.size());
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartArray();
            for (Notification n : notifications) {
                write(g, n);
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, Notification n) throws IOException {
        AlertMessage a = n.alert();
        g.writeStartObject();
        g.writeObjectFieldStart("labels");
        for (Map.Entry<String, String> e : labels(a).entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeObjectFieldStart("annotations");
        for (Map.Entry<String, String> e : annotations(n).entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeStringField("startsAt", Instant.ofEpochMilli(a.eventTime()).toString());
        if (!a.firing()) {
            g.writeStringField("endsAt", Instant.ofEpochMilli(a.eventTime()).toString());
        }
        g.writeEndObject();
    }

    /** The alert's labels with the identifying ones set from its fields; empty values are left out. */
    static Map<String, String> labels(AlertMessage a) {
        Map<String, String> labels = new LinkedHashMap<>();
        a.labels().forEach((k, v) -> {
            if (!v.isEmpty()) {
                labels.put(k, v);
            }
        });
        labels.put("alertname", a.rule());
        labels.put("run_id", a.runId());
        labels.put("severity", a.severity());
        labels.put("action", a.action());
        labels.put("synthetic", Boolean.toString(a.synthetic()));
        return labels;
    }

    static Map<String, String> annotations(Notification n) {
        AlertMessage a = n.alert();
        Map<String, String> out = new LinkedHashMap<>();
        String summary = a.annotations().getOrDefault("summary", a.rule() + " " + a.state() + " for run " + a.runId());
        out.put("summary", summary + valueAndThreshold(a));
        out.put("recommendation", n.recommendationText() + " (the run's latest recommendation seen by the notifier "
                + "when this was sent)");
        a.annotations().forEach((k, v) -> {
            if (!k.equals("summary") && !v.isEmpty()) {
                out.putIfAbsent(k, v);
            }
        });
        a.acked().ifPresent(ack -> {
            out.put("acked_by", ack.by());
            out.put("ack_reason", ack.reason());
            out.put("acked_at", ack.at());
        });
        out.put("alert_id", a.id());
        if (a.source() != null) {
            out.put("source", a.source());
        }
        return out;
    }

    private static String valueAndThreshold(AlertMessage a) {
        if (a.value() == null && a.threshold() == null) {
            return "";
        }
        return " (value " + number(a.value()) + ", threshold " + number(a.threshold()) + ")";
    }

    private static String number(Double d) {
        if (d == null) {
            return "none";
        }
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.format(Locale.ROOT, "%.1f", d) : d.toString();
    }
}
