package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.cel.CompiledExpr;
import dev.anneal.watcher.rules.spec.WindowFn;

/** A rolling window ready to evaluate. */
public record CompiledWindow(String name, WindowFn fn, CompiledExpr of, Extent extent) {
}
