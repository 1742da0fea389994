package dev.anneal.watcher.core.scenario;

import dev.anneal.watcher.rules.spec.Loc;
import java.util.Objects;
import java.util.Optional;

/**
 * One expected rejected record.
 *
 * @param loc    where the item is written
 * @param at     the rejected record's position
 * @param reason text the rejection reason must contain (a substring, so that long key lists
 *               need not be spelled out)
 */
public record RejectionExpectation(Loc loc, Optional<At> at, Optional<String> reason) {

    public RejectionExpectation {
        Objects.requireNonNull(loc, "loc");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(reason, "reason");
    }
}
