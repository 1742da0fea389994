package dev.anneal.watcher.core.replay;

import dev.anneal.watcher.core.decode.Rejection;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.Recommendation;

/**
 * Receives replay output as it is produced, in stream order, so that alert files can be written
 * without holding a million-record replay's events in memory.
 */
public interface ReplayListener {

    ReplayListener NONE = new ReplayListener() {
    };

    default void alert(AlertEvent alert) {
    }

    default void recommendation(Recommendation recommendation) {
    }

    default void rejected(Rejection rejection) {
    }

    /** An operator command was handled ({@code replay --commands}): its audit record. */
    default void audit(AuditRecord audit) {
    }
}
