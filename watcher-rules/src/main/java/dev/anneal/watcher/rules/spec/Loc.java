package dev.anneal.watcher.rules.spec;

/** A place in a rule file, for error messages: {@code file:line}. */
public record Loc(String file, int line) {
    @Override
    public String toString() {
        return file + ":" + line;
    }
}
