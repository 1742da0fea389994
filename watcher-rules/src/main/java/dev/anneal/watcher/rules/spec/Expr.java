package dev.anneal.watcher.rules.spec;

import java.util.Objects;

/** A CEL expression as written in a rule file, with where it was written. */
public record Expr(String text, Loc loc) {
    public Expr {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(loc, "loc");
    }
}
