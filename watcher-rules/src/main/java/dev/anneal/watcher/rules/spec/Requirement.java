package dev.anneal.watcher.rules.spec;

import dev.anneal.watcher.rules.model.RecordKind;
import java.util.List;

/**
 * The fields a pack needs on every record of one kind; a record lacking them is rejected with
 * its position and the missing keys named, before any rule sees it.
 *
 * @param kind    record kind
 * @param numeric keys that must be present as finite JSON numbers
 * @param text    keys that must be present as strings
 */
public record Requirement(RecordKind kind, List<String> numeric, List<String> text, Loc loc) {
    public Requirement {
        numeric = List.copyOf(numeric);
        text = List.copyOf(text);
    }
}
