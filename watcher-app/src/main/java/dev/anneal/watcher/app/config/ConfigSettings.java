package dev.anneal.watcher.app.config;

import dev.anneal.watcher.core.notify.ReceiverSpec;
import dev.anneal.watcher.rules.spec.Loc;
import dev.anneal.watcher.rules.yaml.Problems;
import dev.anneal.watcher.rules.yaml.YamlNode;
import dev.anneal.watcher.rules.yaml.YamlReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The configuration while {@link ConfigLoader} reads it: every key's current value and where it
 * came from (the default, a line of the file, an environment variable or a flag; for a map, where
 * each entry came from), the keys whose value was refused, and every problem found so far. The
 * file, the environment and the flags are applied in turn, each over the last.
 */
final class ConfigSettings {

    private static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** Where a value came from, for messages and for resolving relative paths. */
    record Origin(String where, boolean inFile) {
        static final Origin DEFAULT = new Origin("default", false);

        static Origin file(Loc loc) {
            return new Origin(loc.toString(), true);
        }

        static Origin env(String var) {
            return new Origin("environment variable " + var, false);
        }

        static Origin flag(String flag) {
            return new Origin("option " + flag, false);
        }

        boolean isDefault() {
            return equals(DEFAULT);
        }
    }

    /** A key's current value and where it came from; for a map, where each entry came from. */
    record Setting(Object value, Origin origin, Map<String, Origin> entries) {
    }

    private final Map<ConfigKey<?>, Setting> settings = new LinkedHashMap<>();
    /** Keys whose value was refused (they keep their previous value); relations involving them are not checked. */
    private final Set<ConfigKey<?>> refused = new HashSet<>();
    private final Problems problems = new Problems();
    private final YamlReader yaml = new YamlReader(problems);

    ConfigSettings() {
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            settings.put(key, new Setting(key.defaultValue(), Origin.DEFAULT, Map.of()));
        }
    }

    Setting get(ConfigKey<?> key) {
        return settings.get(key);
    }

    @SuppressWarnings("unchecked")
    <V> V value(ConfigKey<V> key) {
        return (V) settings.get(key).value();
    }

    void put(ConfigKey<?> key, Setting setting) {
        settings.put(key, setting);
    }

    void refuse(ConfigKey<?> key) {
        refused.add(key);
    }

    boolean isRefused(ConfigKey<?> key) {
        return refused.contains(key);
    }

    /** The reader of YAML from the file, reporting {@code file:line}. */
    YamlReader yaml() {
        return yaml;
    }

    Problems problems() {
        return problems;
    }

    /** Reports a problem at a place that is not a line of the file: a variable, a flag, a default. */
    void problem(String where, String message) {
        problems.at(where, message);
    }

    /** A map entry's name: a parameter name is an identifier, and no name is empty. */
    boolean validEntryName(ConfigKey<?> key, String name, String where, String path) {
        if (key == ConfigKeys.RULES_PARAMS && !PARAM_NAME.matcher(name).matches()) {
            problem(where, path + ": a parameter name is an identifier (letters, digits, _), got '" + name + "'");
            return false;
        }
        if (name.isBlank()) {
            problem(where, key.path() + ": an entry name must not be empty");
            return false;
        }
        return true;
    }

    /**
     * A list of objects from a YAML node: a sequence of mappings (or, from a variable or flag, a
     * single mapping), each read by the key's {@link ObjectType}. Null when there were problems;
     * they are reported through {@code reader}.
     */
    List<Object> objects(ConfigKey<?> key, YamlNode node, YamlReader reader, Path dir, boolean singleAllowed) {
        ObjectType<?> type = key.objectType();
        List<YamlNode> elements;
        if (node instanceof YamlNode.Seq seq) {
            elements = seq.items();
        } else if (node instanceof YamlNode.MapNode && singleAllowed) {
            elements = List.of(node);
        } else {
            reader.expected(node, key.path(), "a list of objects such as [" + type.example() + "]");
            return null;
        }
        List<Object> items = new ArrayList<>();
        Map<Object, Integer> names = new LinkedHashMap<>();
        boolean ok = true;
        for (int i = 0; i < elements.size(); i++) {
            YamlNode e = elements.get(i);
            String path = key.path() + "[" + i + "]";
            YamlNode.MapNode map = reader.mapping(e, path, "an object such as " + type.example());
            Object item = map == null ? null : type.parse(map, path, dir, reader);
            if (item == null) {
                ok = false;
                continue;
            }
            if (item instanceof ReceiverSpec r) {
                Integer first = names.putIfAbsent(r.name(), i);
                if (first != null) {
                    reader.problem(e.loc(), path + ".name: '" + r.name() + "' is also the name of " + key.path() + "["
                            + first + "]; names must be unique");
                    ok = false;
                }
            }
            items.add(item);
        }
        return ok ? List.copyOf(items) : null;
    }
}
