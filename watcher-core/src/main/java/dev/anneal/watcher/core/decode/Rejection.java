package dev.anneal.watcher.core.decode;

import dev.anneal.watcher.rules.model.SourcePosition;
import java.util.Objects;

/**
 * An input that could not become a {@link dev.anneal.watcher.rules.model.TelemetryRecord}.
 * Rejections are data, not exceptions: a replay over a directory of artifacts must keep going
 * past a corrupt line and still tell the operator exactly which line was wrong and why, so the
 * reason is short and actionable and the offending text travels with it.
 *
 * @param position where the rejected input starts ({@code file:line}, or {@code file:line[i]}
 *                 for one element of a JSON array)
 * @param reason   a short human-actionable explanation, e.g.
 *                 {@code non-finite number for key loss_total}
 * @param raw      the offending text: the line, the JSON element, or the whole document; never
 *                 null, truncated to {@link #MAX_RAW_CHARS} characters so that one huge bad input
 *                 cannot blow up a rejection report
 */
public record Rejection(SourcePosition position, String reason, String raw) {

    /** Longest {@code raw} text kept (64 Ki characters); longer text is cut, not elided. */
    public static final int MAX_RAW_CHARS = 64 * 1024;

    public Rejection {
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(raw, "raw");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("reason must not be blank");
        }
        raw = truncate(raw);
    }

    private static String truncate(String text) {
        if (text.length() <= MAX_RAW_CHARS) {
            return text;
        }
        int end = MAX_RAW_CHARS;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }

    @Override
    public String toString() {
        return position + ": " + reason;
    }
}
