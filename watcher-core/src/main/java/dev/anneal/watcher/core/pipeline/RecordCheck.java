package dev.anneal.watcher.core.pipeline;

import dev.anneal.watcher.rules.model.RejectReason;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.util.Optional;

/**
 * A check an adapter adds to validation, for what only it knows: the daemon rejects a keyed Kafka
 * record whose envelope names another run. It runs before the rule set's own check
 * ({@code RuleSet.rejectReason}).
 */
@FunctionalInterface
public interface RecordCheck {

    /** No check of the adapter's own (replay). */
    RecordCheck NONE = record -> Optional.empty();

    /** Why the record must be rejected, or empty when it passes. */
    Optional<RejectReason> rejectReason(TelemetryRecord record);
}
