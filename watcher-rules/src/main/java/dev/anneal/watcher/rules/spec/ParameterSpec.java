package dev.anneal.watcher.rules.spec;

/**
 * A named pack parameter. A null default means {@code none}: the rules that reference the
 * parameter are disabled until a value is given with {@code --param NAME=VALUE}.
 */
public record ParameterSpec(String name, Double defaultValue, String description, Loc loc) {
}
