package dev.anneal.watcher.core.scenario;

import dev.anneal.watcher.rules.model.CommandOutcome;
import dev.anneal.watcher.rules.model.CommandType;
import dev.anneal.watcher.rules.spec.Loc;
import java.util.Objects;
import java.util.Optional;

/**
 * One expected audit record of an operator command ({@code expect.commands}). Only the keys
 * written are compared; {@code detail} is a substring of the record's detail.
 *
 * @param loc     where the item is written
 * @param id      the command id
 * @param type    the command type
 * @param runId   the run
 * @param outcome applied, refused or duplicate
 * @param detail  text the detail contains
 */
public record CommandExpectation(Loc loc, Optional<String> id, Optional<CommandType> type, Optional<String> runId,
        Optional<CommandOutcome> outcome, Optional<String> detail) {

    public CommandExpectation {
        Objects.requireNonNull(loc, "loc");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(detail, "detail");
    }
}
