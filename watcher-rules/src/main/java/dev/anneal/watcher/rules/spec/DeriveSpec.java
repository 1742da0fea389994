package dev.anneal.watcher.rules.spec;

/**
 * A pack-level derived value: a named CEL expression evaluated once per record, before the
 * pack's rules, and visible to them as a variable (like a Prometheus recording rule).
 */
public record DeriveSpec(String name, Expr expr) {
}
