package dev.anneal.watcher.core.decode;

import dev.anneal.watcher.rules.model.RejectReason;
import dev.anneal.watcher.rules.model.RejectionCategory;
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
 * @param cause    why, as created by whoever rejected it: a short human-actionable explanation, e.g.
 *                 {@code non-finite number for key loss_total}, and its category
 * @param raw      the offending text: the line, the JSON element, or the whole document; never
 *                 null, truncated to {@link #MAX_RAW_CHARS} characters so that one huge bad input
 *                 cannot blow up a rejection report
 */
public record Rejection(SourcePosition position, RejectReason cause, String raw) {

    /** Longest {@code raw} text kept (64 Ki characters); longer text is cut, not elided. */
    public static final int MAX_RAW_CHARS = 64 * 1024;

    public Rejection {
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(raw, "raw");
        raw = truncate(raw);
    }

    /** The reason's text, exactly as reports, dead letters and replay outputs print it. */
    public String reason() {
        return cause.text();
    }

    /** The reason's category, for metrics and the dead-letter headers. */
    public RejectionCategory category() {
        return cause.category();
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
        return position + ": " + reason();
    }
}
