package dev.anneal.watcher.core.decode;

import dev.anneal.watcher.rules.model.RejectionCategory;
import dev.anneal.watcher.rules.model.SourcePosition;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.util.Objects;

/**
 * The outcome of decoding one unit of input: a record for the rule engine, or a rejection for the
 * operator. One sealed type (rather than a record stream plus an error callback) keeps records
 * and rejections in input order on a single channel, which is what replay reports and the
 * dead-letter path both need.
 */
public sealed interface DecodeResult permits DecodeResult.Decoded, DecodeResult.Rejected {

    /** Where the decoded or rejected input came from. */
    SourcePosition position();

    /** A successfully decoded record. */
    record Decoded(TelemetryRecord record) implements DecodeResult {
        public Decoded {
            Objects.requireNonNull(record, "record");
        }

        @Override
        public SourcePosition position() {
            return record.position();
        }
    }

    /** An input that was not a usable record, with the reason. */
    record Rejected(Rejection rejection) implements DecodeResult {
        public Rejected {
            Objects.requireNonNull(rejection, "rejection");
        }

        @Override
        public SourcePosition position() {
            return rejection.position();
        }

        /** The category the rejection was created with. */
        public RejectionCategory category() {
            return rejection.category();
        }
    }
}
