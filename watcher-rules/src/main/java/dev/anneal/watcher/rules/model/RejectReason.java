package dev.anneal.watcher.rules.model;

import java.util.Objects;

/**
 * Why a record was rejected: an exact sentence for people and the bounded category it belongs
 * to, created together by whoever decides to reject (the decoder's reasons, the rule packs'
 * requirements, the daemon's checks). Carrying the category from the start means nobody has to
 * recover it later by reading the sentence, so the wording can change without moving a record to
 * another metric series or dead-letter route.
 *
 * @param category the bounded category: a metric tag value and a dead-letter header
 * @param text     the exact reason, e.g. {@code missing keys grad_norm, kl_divergence}; reports,
 *                 dead letters and replay outputs print it as it is
 */
public record RejectReason(RejectionCategory category, String text) {

    public RejectReason {
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(text, "text");
        if (text.isBlank()) {
            throw new IllegalArgumentException("a reject reason needs a text");
        }
    }

    /** The error class of every rejection: {@link ErrorClass#BAD_INPUT}. */
    public ErrorClass errorClass() {
        return category.errorClass();
    }

    /** The text, as reports print it. */
    @Override
    public String toString() {
        return text;
    }
}
