package dev.anneal.watcher.app.config;

import dev.anneal.watcher.app.config.ConfigSettings.Origin;
import dev.anneal.watcher.app.config.ConfigSettings.Setting;
import dev.anneal.watcher.core.stream.WatcherTopics;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.yaml.DidYouMean;
import dev.anneal.watcher.rules.yaml.YamlNode;
import dev.anneal.watcher.rules.yaml.YamlReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the configuration file over the defaults: sections, then keys, each value checked by its
 * key's type. A key is named by its full dotted path ({@code kafka.bootstrap_servers}), as its
 * environment variable and flag are, so an unknown key is reported with the keys of its section
 * and, when it belongs to another section, that section's key. Relative paths are resolved
 * against the file's directory.
 */
final class ConfigFileReader {

    private final ConfigSettings settings;
    private final YamlReader yaml;
    private final Path baseDir;

    /**
     * @param baseDir what relative paths in the file are resolved against, or null to leave them
     */
    ConfigFileReader(ConfigSettings settings, Path baseDir) {
        this.settings = settings;
        this.yaml = settings.yaml();
        this.baseDir = baseDir;
    }

    void read(String source, String text) {
        YamlNode root = yaml.parse(source, text);
        if (root == null || root instanceof YamlNode.Scalar s && s.isNull()) {
            return; // invalid YAML (reported), or an empty file: every key at its default
        }
        if (!(root instanceof YamlNode.MapNode map)) {
            yaml.problem(root.loc(), "a watcher config file is a mapping with the sections "
                    + String.join(", ", ConfigKeys.SECTIONS.keySet()) + "; got " + root.typeName());
            return;
        }
        map.entries().forEach((sectionName, sectionNode) -> {
            Map<String, ConfigKey<?>> keys = ConfigKeys.SECTIONS.get(sectionName);
            if (keys == null) {
                yaml.problem(map.keyLocs().get(sectionName), "unknown key '" + sectionName + "'"
                        + DidYouMean.hint(sectionName, ConfigKeys.SECTIONS.keySet())
                        + "; the sections are " + String.join(", ", ConfigKeys.SECTIONS.keySet()));
                return;
            }
            if (sectionNode instanceof YamlNode.Scalar s && (s.isNull() || s.text().isEmpty())) {
                return; // "kafka:" with every key commented out
            }
            YamlNode.MapNode section = yaml.mapping(sectionNode, sectionName, "a mapping with the keys "
                    + String.join(", ", keys.keySet()));
            if (section == null) {
                return;
            }
            section.entries().forEach((name, node) -> {
                ConfigKey<?> key = keys.get(name);
                if (key == null) {
                    yaml.problem(section.keyLocs().get(name), "unknown key '" + sectionName + "." + name + "'"
                            + didYouMeanKey(sectionName, name) + "; the keys of " + sectionName + " are "
                            + String.join(", ", keys.keySet()));
                    return;
                }
                read(key, node);
            });
        });
    }

    /**
     * For an unknown key of a section: how to write a group of dotted keys ({@code tls:} nested
     * instead of {@code tls.keystore:}), else the closest key of that section, else the same key in
     * another section (a key written under the wrong section), else nothing.
     */
    private static String didYouMeanKey(String section, String name) {
        List<String> dotted = ConfigKeys.SECTIONS.get(section).keySet().stream()
                .filter(k -> k.startsWith(name + ".")).toList();
        if (!dotted.isEmpty()) {
            return " (dotted keys are written whole, one per line, such as '" + dotted.get(0) + ": ...')";
        }
        String best = DidYouMean.nearest(name, ConfigKeys.SECTIONS.get(section).keySet());
        if (best != null) {
            return " (did you mean '" + section + "." + best + "'?)";
        }
        for (var e : ConfigKeys.SECTIONS.entrySet()) {
            String other = DidYouMean.nearest(name, e.getValue().keySet());
            if (other != null) {
                return " (did you mean '" + e.getKey() + "." + other + "'?)";
            }
        }
        return "";
    }

    private void read(ConfigKey<?> key, YamlNode node) {
        Origin origin = Origin.file(node.loc());
        switch (key.shape()) {
            case SCALAR -> {
                Object value = scalar(key.type(), node, key.path());
                if (value != null) {
                    settings.put(key, resolvePaths(key, new Setting(value, origin, Map.of())));
                }
            }
            case LIST -> {
                YamlNode.Seq seq = yaml.list(node, key.path(), "a list of " + plural(key.type()) + " such as ["
                        + example(key) + "]");
                if (seq == null) {
                    return;
                }
                List<Object> items = new ArrayList<>();
                boolean ok = true;
                for (int i = 0; i < seq.items().size(); i++) {
                    Object item = scalar(key.type(), seq.items().get(i), key.path() + "[" + i + "]");
                    ok &= item != null;
                    items.add(item);
                }
                if (ok) {
                    settings.put(key, resolvePaths(key, new Setting(List.copyOf(items), origin, Map.of())));
                }
            }
            case MAP -> {
                YamlNode.MapNode map = yaml.mapping(node, key.path(), "a mapping of NAME: " + key.type().expected());
                if (map != null) {
                    settings.put(key, entries(key, map, origin));
                }
            }
            case OBJECTS -> {
                List<Object> items = settings.objects(key, node, yaml, baseDir, false);
                if (items != null) {
                    settings.put(key, new Setting(items, origin, Map.of()));
                } else {
                    settings.refuse(key);
                }
            }
        }
    }

    private Setting entries(ConfigKey<?> key, YamlNode.MapNode map, Origin origin) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Origin> entries = new LinkedHashMap<>();
        map.entries().forEach((name, valueNode) -> {
            String path = key.path() + "." + name;
            if (!settings.validEntryName(key, name, map.keyLocs().get(name).toString(), path)) {
                return;
            }
            if (valueNode instanceof YamlNode.MapNode) {
                yaml.problem(valueNode.loc(), path + ": expected " + key.type().expected() + ", got a mapping; write "
                        + "the full dotted name as one key, e.g. '" + name + ".mechanism: PLAIN'");
                return;
            }
            Object value = scalar(key.type(), valueNode, path);
            if (value != null) {
                values.put(name, value);
                entries.put(name, Origin.file(valueNode.loc()));
            }
        });
        return new Setting(values, origin, entries);
    }

    private Object scalar(ValueType<?> type, YamlNode node, String path) {
        if (!(node instanceof YamlNode.Scalar s)) {
            yaml.expected(node, path, type.expected());
            return null;
        }
        if (s.isNull()) {
            yaml.problem(node.loc(), path + ": expected " + type.expected() + ", got nothing; remove the key to use "
                    + "the default");
            return null;
        }
        try {
            Object value = type.parse(s.text());
            if (s.isString() && !type.stringTokenOk(s.text())) {
                yaml.problem(node.loc(), path + ": expected " + type.expected() + ", got the string \"" + s.text()
                        + "\"; write it without quotes");
                return null;
            }
            return value;
        } catch (ValueType.Invalid e) {
            if (s.text().isEmpty()) {
                // "key:" with no value reads as an empty string; say so rather than "got ''".
                yaml.problem(node.loc(), path + ": expected " + type.expected() + ", got nothing; remove the key to "
                        + "use the default");
            } else {
                yaml.problem(node.loc(), path + ": " + e.getMessage());
            }
            return null;
        }
    }

    /** Resolves relative paths written in the file against the file's directory. */
    private Setting resolvePaths(ConfigKey<?> key, Setting s) {
        if (baseDir == null) {
            return s;
        }
        boolean path = key.type() == ValueType.PATH || key.type() == ValueType.FILE;
        if (path && s.value() instanceof Path p && !p.isAbsolute()) {
            return new Setting(baseDir.resolve(p).normalize(), s.origin(), s.entries());
        }
        if (key == ConfigKeys.RULES_PACKS) {
            List<String> resolved = new ArrayList<>();
            for (Object item : (List<?>) s.value()) {
                String pack = (String) item;
                boolean relativePath = !BuiltinPacks.NAMES.contains(pack) && !Path.of(pack).isAbsolute();
                resolved.add(relativePath ? baseDir.resolve(pack).normalize().toString() : pack);
            }
            return new Setting(List.copyOf(resolved), s.origin(), s.entries());
        }
        return s;
    }

    private static String plural(ValueType<?> type) {
        return type == ValueType.TOPIC_NAME ? "topic names" : "strings";
    }

    private static String example(ConfigKey<?> key) {
        return key == ConfigKeys.RULES_PACKS ? BuiltinPacks.DEFAULT : WatcherTopics.DEFAULT_INPUT;
    }
}
