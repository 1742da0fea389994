package dev.anneal.watcher.app.config;

import dev.anneal.watcher.app.config.ConfigSettings.Origin;
import dev.anneal.watcher.app.config.ConfigSettings.Setting;
import dev.anneal.watcher.rules.yaml.DidYouMean;
import dev.anneal.watcher.rules.yaml.YamlNode;
import dev.anneal.watcher.rules.yaml.YamlSyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies the {@code WATCHER_<SECTION>_<KEY>} environment variables, then the command-line flags,
 * over the file: scalars and lists replace, maps merge entry by entry. Their text is parsed by the
 * same {@link ValueType}s as the file's values (a list of objects by the same {@link ObjectType},
 * from YAML flow text), so a problem reads the same wherever the value came from, named by the
 * variable or flag instead of a line.
 */
final class ConfigOverrides {

    private static final String ENV_PREFIX = "WATCHER_";

    private final ConfigSettings settings;

    ConfigOverrides(ConfigSettings settings) {
        this.settings = settings;
    }

    /** Applies the {@code WATCHER_*} variables of {@code env}, in name order. */
    void readEnv(Map<String, String> env) {
        Map<String, ConfigKey<?>> byVar = new LinkedHashMap<>();
        ConfigKeys.ALL.forEach(k -> byVar.put(k.envVar(), k));
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String var = e.getKey();
            if (!var.startsWith(ENV_PREFIX)) {
                continue;
            }
            ConfigKey<?> key = byVar.get(var);
            if (key == null) {
                unknownEnv(var, byVar);
                continue;
            }
            Origin origin = Origin.env(var);
            switch (key.shape()) {
                case SCALAR -> override(key, origin, List.of(e.getValue()));
                case LIST -> override(key, origin, splitList(e.getValue()));
                case MAP -> override(key, origin, splitEntries(e.getValue()));
                case OBJECTS -> override(key, origin, List.of(e.getValue()));
            }
        }
    }

    /**
     * A {@code WATCHER_<SECTION>_*} variable that is no key is reported (it is most likely a typo);
     * other {@code WATCHER_*} variables (such as the launcher's {@code WATCHER_JAVA_OPTS}) are not ours.
     */
    private void unknownEnv(String var, Map<String, ConfigKey<?>> byVar) {
        for (String section : ConfigKeys.SECTIONS.keySet()) {
            String prefix = ENV_PREFIX + section.toUpperCase(Locale.ROOT) + "_";
            if (var.startsWith(prefix)) {
                settings.problem("environment variable " + var, "not a watcher setting"
                        + DidYouMean.hint(var, byVar.keySet()) + "; the " + section + " variables are "
                        + String.join(", ", byVar.keySet().stream().filter(v -> v.startsWith(prefix)).toList()));
                return;
            }
        }
    }

    /** Applies the flags: the last occurrence of a scalar's flag wins; a list's or map's occurrences add up. */
    void readFlags(Map<ConfigKey<?>, List<String>> flags) {
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            List<String> values = flags.get(key);
            if (values == null || values.isEmpty()) {
                continue;
            }
            Origin origin = Origin.flag(key.flag());
            override(key, origin, key.shape() == ConfigKey.Shape.SCALAR ? List.of(values.get(values.size() - 1))
                    : values);
        }
    }

    /** Applies an environment variable or flag: scalars and lists replace, maps merge by entry. */
    private void override(ConfigKey<?> key, Origin origin, List<String> texts) {
        switch (key.shape()) {
            case SCALAR -> {
                Object value = textValue(key.type(), texts.get(0), origin, key.path());
                if (value != null) {
                    settings.put(key, new Setting(value, origin, Map.of()));
                }
            }
            case LIST -> {
                List<Object> items = new ArrayList<>();
                boolean ok = true;
                for (String text : texts) {
                    Object item = textValue(key.type(), text, origin, key.path());
                    ok &= item != null;
                    items.add(item);
                }
                if (ok) {
                    settings.put(key, new Setting(List.copyOf(items), origin, Map.of()));
                }
            }
            case MAP -> settings.put(key, mergeEntries(key, origin, texts));
            case OBJECTS -> objects(key, origin, texts);
        }
    }

    private Setting mergeEntries(ConfigKey<?> key, Origin origin, List<String> texts) {
        Setting current = settings.get(key);
        @SuppressWarnings("unchecked")
        Map<String, Object> values = new LinkedHashMap<>((Map<String, Object>) current.value());
        Map<String, Origin> entries = new LinkedHashMap<>(current.entries());
        for (String text : texts) {
            int eq = text.indexOf('=');
            if (eq <= 0) {
                settings.problem(origin.where(), key.path() + ": expected NAME=VALUE, got '" + text + "'");
                continue;
            }
            String name = text.substring(0, eq).strip();
            String path = key.path() + "." + name;
            if (!settings.validEntryName(key, name, origin.where(), path)) {
                continue;
            }
            Object value = textValue(key.type(), text.substring(eq + 1), origin, path);
            if (value != null) {
                values.put(name, value);
                entries.put(name, origin);
            }
        }
        return new Setting(values, origin, entries);
    }

    /** Each text is YAML flow: a list of objects, or one object. */
    private void objects(ConfigKey<?> key, Origin origin, List<String> texts) {
        List<Object> items = new ArrayList<>();
        boolean ok = true;
        for (String text : texts) {
            YamlNode node;
            try {
                node = YamlNode.parse(origin.where(), text);
            } catch (YamlSyntaxException e) {
                settings.problem(origin.where(), key.path() + ": expected YAML such as " + key.objectType().example()
                        + ": " + e.reason());
                ok = false;
                continue;
            }
            List<Object> parsed = settings.objects(key, node, settings.yaml().reportingAt(loc -> origin.where()),
                    null, true);
            if (parsed == null) {
                ok = false;
            } else {
                items.addAll(parsed);
            }
        }
        if (ok) {
            settings.put(key, new Setting(List.copyOf(items), origin, Map.of()));
        } else {
            settings.refuse(key);
        }
    }

    private Object textValue(ValueType<?> type, String text, Origin origin, String path) {
        try {
            return type.parse(type == ValueType.TEXT ? text : text.strip());
        } catch (ValueType.Invalid e) {
            settings.problem(origin.where(), path + ": " + e.getMessage());
            return null;
        }
    }

    /** Comma-separated, blanks dropped. */
    static List<String> splitList(String text) {
        List<String> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return out;
    }

    /**
     * {@code NAME=VALUE} entries separated by newlines or commas. A piece without {@code =}
     * continues the previous entry's value, so {@code ssl.enabled.protocols=TLSv1.2,TLSv1.3} is one
     * entry; a value holding {@code ,NAME=} must be given in the file or by flag instead.
     */
    static List<String> splitEntries(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\\R")) {
            for (String piece : line.split(",", -1)) {
                if (piece.isBlank()) {
                    continue;
                }
                if (!out.isEmpty() && !piece.contains("=")) {
                    out.set(out.size() - 1, out.get(out.size() - 1) + "," + piece.strip());
                } else {
                    out.add(piece.strip());
                }
            }
        }
        return out;
    }
}
