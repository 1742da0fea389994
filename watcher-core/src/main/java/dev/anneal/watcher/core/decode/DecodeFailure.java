package dev.anneal.watcher.core.decode;

import dev.anneal.watcher.rules.model.RejectReason;

/**
 * Thrown inside the decoder when a record must be rejected, carrying the rejection reason up to
 * the one place that knows the record's position and raw text. It never leaves the package and
 * has no stack trace, because a rejection is an ordinary outcome on a hot path, not a bug.
 */
final class DecodeFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient RejectReason reason;

    DecodeFailure(RejectReason reason) {
        super(reason.text(), null, false, false);
        this.reason = reason;
    }

    RejectReason reason() {
        return reason;
    }
}
