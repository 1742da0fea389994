package dev.anneal.watcher.core.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One message QA injects into the telemetry topic: a townlet payload that {@link #render} wraps in
 * the watcher's envelope with {@code "synthetic": true}, or a deliberately broken message sent as
 * written (the {@code malformed} scenario).
 *
 * <p>Event time is not fixed here: the injector stamps each message when it sends it, because the
 * daemon measures silence on the wall clock and records stamped in the past or future would make
 * its absence rules lie. {@link #backdateMillis} lets a scenario say "this record is that much
 * older than the moment it is sent" (the {@code telemetry-stall} drill: a run that went quiet
 * eleven minutes ago).
 *
 * @param runId          the run id: the Kafka key and the envelope's {@code run_id}
 * @param kind           the envelope {@code kind} ({@code ppo}, {@code rehearsal}, ...), or null to let the
 *                       decoder detect it from the payload
 * @param data           the townlet payload, or null for a raw message
 * @param raw            the whole message text for a deliberately malformed message, else null
 * @param offsetMillis   when the record happened relative to the first one (a recording's own
 *                       spacing, which {@code --speed} replays), or -1 when unknown
 * @param backdateMillis how far before its sending time the record is stamped, {@code >= 0}
 */
public record SyntheticMessage(String runId, String kind, JsonNode data, String raw, long offsetMillis,
        long backdateMillis) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public SyntheticMessage {
        Objects.requireNonNull(runId, "runId");
        if ((data == null) == (raw == null)) {
            throw new IllegalArgumentException("a synthetic message has either a payload or raw text, not "
                    + (data == null ? "neither" : "both"));
        }
        if (backdateMillis < 0) {
            throw new IllegalArgumentException("backdateMillis must be >= 0, was " + backdateMillis);
        }
        if (offsetMillis < -1) {
            throw new IllegalArgumentException("offsetMillis must be >= 0 or -1 (unknown), was " + offsetMillis);
        }
        data = data == null ? null : data.deepCopy();
    }

    /** A payload wrapped in the envelope. */
    public static SyntheticMessage payload(String runId, String kind, JsonNode data, long offsetMillis) {
        return new SyntheticMessage(runId, kind, data, null, offsetMillis, 0);
    }

    /** A message sent exactly as written. */
    public static SyntheticMessage raw(String runId, String text) {
        return new SyntheticMessage(runId, null, null, text, -1, 0);
    }

    /** True for a raw (deliberately malformed) message. */
    public boolean isRaw() {
        return raw != null;
    }

    /** The payload (a copy: messages are immutable). */
    @Override
    public JsonNode data() {
        return data == null ? null : data.deepCopy();
    }

    /** This message with another payload. */
    public SyntheticMessage withData(JsonNode newData) {
        return new SyntheticMessage(runId, kind, newData, null, offsetMillis, backdateMillis);
    }

    /** This message for another run. */
    public SyntheticMessage withRunId(String newRunId) {
        return new SyntheticMessage(newRunId, kind, data, raw, offsetMillis, backdateMillis);
    }

    /** This message stamped {@code millis} before its sending time. */
    public SyntheticMessage backdated(long millis) {
        return new SyntheticMessage(runId, kind, data, raw, offsetMillis, millis);
    }

    /**
     * The message text for event time {@code tsMillis}: the envelope
     * {@code {"run_id", "kind", "ts", "synthetic": true, "data"}}, or the raw text unchanged.
     */
    public String render(long tsMillis) {
        if (raw != null) {
            return raw;
        }
        ObjectNode envelope = MAPPER.createObjectNode();
        envelope.put("run_id", runId);
        if (kind != null) {
            envelope.put("kind", kind);
        }
        envelope.put("ts", Instant.ofEpochMilli(tsMillis).toString());
        envelope.put("synthetic", true);
        envelope.set("data", data);
        return envelope.toString();
    }
}
