package dev.anneal.watcher.app.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.anneal.watcher.app.config.ValueType.HostPort;
import dev.anneal.watcher.core.notify.NotifierSettings;
import dev.anneal.watcher.core.stream.WatcherTopics;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.load.YamlNode;
import dev.anneal.watcher.rules.spec.Loc;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Loads the {@code watcher run} configuration: the YAML file, then the environment variables, then
 * the command-line flags (highest precedence), each checked strictly against {@link ConfigKeys}.
 * Unknown keys, wrong types, bad durations and contradicting keys are all reported together as
 * one {@link ConfigException}, each problem naming its file and line (or variable, or flag) and
 * what to write instead. {@code watcher config check} runs this same loader.
 *
 * <p>Paths in the file are resolved against the file's directory; paths from the environment,
 * flags and defaults stay relative to the working directory.
 */
public final class ConfigLoader {

    /** Kafka properties the watcher sets from its own keys; setting them as properties is an error. */
    static final Map<String, ConfigKey<?>> OWNED_PROPERTIES = ownedProperties();

    private static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String ENV_PREFIX = "WATCHER_";

    /** Where a value came from, for messages and for resolving relative paths. */
    private record Origin(String where, boolean inFile) {
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
    }

    /** A key's current value and where it came from; for a map, where each entry came from. */
    private record Setting(Object value, Origin origin, Map<String, Origin> entries) {
    }

    private final List<String> problems = new ArrayList<>();
    /** Keys whose value was refused (they keep their previous value); relations involving them are not checked. */
    private final java.util.Set<ConfigKey<?>> refused = new java.util.HashSet<>();
    private final Map<ConfigKey<?>, Setting> settings = new LinkedHashMap<>();
    private final Path baseDir;

    private ConfigLoader(Path baseDir) {
        this.baseDir = baseDir;
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            settings.put(key, new Setting(key.defaultValue(), Origin.DEFAULT, Map.of()));
        }
    }

    /**
     * Loads the configuration.
     *
     * @param file  the YAML file ({@code --config}), or {@code null} for none
     * @param env   the environment ({@code System.getenv()}); only {@code WATCHER_*} variables are read
     * @param flags flag values by key, as typed (each occurrence one string)
     * @throws ConfigException listing every problem
     */
    public static WatcherConfig load(Path file, Map<String, String> env, Map<ConfigKey<?>, List<String>> flags)
            throws ConfigException {
        if (file == null) {
            return parse(null, null, null, env, flags);
        }
        String source = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(List.of(source + ": no such file"));
        } catch (CharacterCodingException e) {
            throw new ConfigException(List.of(source + ":1: not UTF-8 text; save the file as UTF-8"));
        } catch (IOException e) {
            throw new ConfigException(List.of(source + ": cannot read: " + e.getMessage()));
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(source, text, dir, env, flags);
    }

    /**
     * Loads the configuration from text (what {@link #load} does after reading the file).
     *
     * @param source  the file name used in messages, or {@code null} when there is no file
     * @param text    the YAML text, or {@code null} when there is no file
     * @param baseDir what relative paths in the text are resolved against
     */
    public static WatcherConfig parse(String source, String text, Path baseDir, Map<String, String> env,
            Map<ConfigKey<?>, List<String>> flags) throws ConfigException {
        ConfigLoader loader = new ConfigLoader(baseDir);
        if (text != null) {
            loader.readFile(source, text);
        }
        loader.readEnv(env);
        loader.readFlags(flags);
        loader.checkRelations();
        if (!loader.problems.isEmpty()) {
            throw new ConfigException(loader.problems);
        }
        return loader.build();
    }

    /** The configuration with every key at its default. */
    public static WatcherConfig defaults() {
        try {
            return parse(null, null, null, Map.of(), Map.of());
        } catch (ConfigException e) {
            throw new IllegalStateException("the defaults are invalid: " + e.getMessage(), e);
        }
    }

    // ---- the file ---------------------------------------------------------------------------------------

    private void readFile(String source, String text) {
        YamlNode root;
        try {
            root = YamlNode.parse(source, text);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
            problems.add(source + ":" + line + ": invalid YAML: " + yamlMessage(e.getOriginalMessage()));
            return;
        } catch (IOException e) {
            problems.add(source + ":1: cannot read: " + e.getMessage());
            return;
        }
        if (root instanceof YamlNode.Scalar s && s.isNull()) {
            return; // an empty file: every key at its default
        }
        if (!(root instanceof YamlNode.MapNode map)) {
            problem(root.loc().toString(), "a watcher config file is a mapping with the sections "
                    + String.join(", ", ConfigKeys.SECTIONS.keySet()) + "; got " + root.typeName());
            return;
        }
        map.entries().forEach((sectionName, sectionNode) -> {
            Loc keyLoc = map.keyLocs().get(sectionName);
            Map<String, ConfigKey<?>> keys = ConfigKeys.SECTIONS.get(sectionName);
            if (keys == null) {
                problem(keyLoc.toString(), "unknown key '" + sectionName + "'"
                        + Suggestions.didYouMean(sectionName, ConfigKeys.SECTIONS.keySet())
                        + "; the sections are " + String.join(", ", ConfigKeys.SECTIONS.keySet()));
                return;
            }
            if (sectionNode instanceof YamlNode.Scalar s && (s.isNull() || s.text().isEmpty())) {
                return; // "kafka:" with every key commented out
            }
            if (!(sectionNode instanceof YamlNode.MapNode section)) {
                problem(sectionNode.loc().toString(), sectionName + ": expected a mapping with the keys "
                        + String.join(", ", keys.keySet()) + ", got " + sectionNode.typeName());
                return;
            }
            section.entries().forEach((name, node) -> {
                ConfigKey<?> key = keys.get(name);
                if (key == null) {
                    problem(section.keyLocs().get(name).toString(), "unknown key '" + sectionName + "." + name + "'"
                            + Suggestions.didYouMeanKey(sectionName, name) + "; the keys of " + sectionName
                            + " are " + String.join(", ", keys.keySet()));
                    return;
                }
                fromYaml(key, node);
            });
        });
    }

    private void fromYaml(ConfigKey<?> key, YamlNode node) {
        Origin origin = Origin.file(node.loc());
        switch (key.shape()) {
            case SCALAR -> {
                Object value = yamlScalar(key.type(), node, key.path());
                if (value != null) {
                    settings.put(key, resolvePaths(key, new Setting(value, origin, Map.of())));
                }
            }
            case LIST -> {
                if (!(node instanceof YamlNode.Seq seq)) {
                    problem(node.loc().toString(), key.path() + ": expected a list of " + plural(key.type())
                            + " such as [" + example(key) + "], got " + node.typeName());
                    return;
                }
                List<Object> items = new ArrayList<>();
                boolean ok = true;
                for (int i = 0; i < seq.items().size(); i++) {
                    Object item = yamlScalar(key.type(), seq.items().get(i), key.path() + "[" + i + "]");
                    ok &= item != null;
                    items.add(item);
                }
                if (ok) {
                    settings.put(key, resolvePaths(key, new Setting(List.copyOf(items), origin, Map.of())));
                }
            }
            case MAP -> {
                if (!(node instanceof YamlNode.MapNode map)) {
                    problem(node.loc().toString(), key.path() + ": expected a mapping of NAME: " + key.type().expected()
                            + ", got " + node.typeName());
                    return;
                }
                Map<String, Object> values = new LinkedHashMap<>();
                Map<String, Origin> entries = new LinkedHashMap<>();
                map.entries().forEach((name, valueNode) -> {
                    String path = key.path() + "." + name;
                    if (!validEntryName(key, name, map.keyLocs().get(name).toString(), path)) {
                        return;
                    }
                    if (valueNode instanceof YamlNode.MapNode) {
                        problem(valueNode.loc().toString(), path + ": expected " + key.type().expected()
                                + ", got a mapping; write the full dotted name as one key, e.g. '" + name
                                + ".mechanism: PLAIN'");
                        return;
                    }
                    Object value = yamlScalar(key.type(), valueNode, path);
                    if (value != null) {
                        values.put(name, value);
                        entries.put(name, Origin.file(valueNode.loc()));
                    }
                });
                settings.put(key, new Setting(values, origin, entries));
            }
            case OBJECTS -> {
                List<Object> items = objects(key, node, n -> n.loc().toString(), baseDir, false);
                if (items != null) {
                    settings.put(key, new Setting(items, origin, Map.of()));
                } else {
                    refused.add(key);
                }
            }
        }
    }

    /**
     * A list of objects from a YAML node: a sequence of mappings (or, from a variable or flag, a
     * single mapping). Null when there were problems; they are reported.
     */
    private List<Object> objects(ConfigKey<?> key, YamlNode node, java.util.function.Function<YamlNode, String> where,
            Path dir, boolean singleAllowed) {
        ObjectType<?> type = key.objectType();
        List<YamlNode> elements;
        if (node instanceof YamlNode.Seq seq) {
            elements = seq.items();
        } else if (node instanceof YamlNode.MapNode && singleAllowed) {
            elements = List.of(node);
        } else {
            problem(where.apply(node), key.path() + ": expected a list of objects such as [" + type.example()
                    + "], got " + node.typeName());
            return null;
        }
        List<Object> items = new ArrayList<>();
        Map<Object, Integer> names = new LinkedHashMap<>();
        boolean ok = true;
        for (int i = 0; i < elements.size(); i++) {
            YamlNode e = elements.get(i);
            String path = key.path() + "[" + i + "]";
            if (!(e instanceof YamlNode.MapNode map)) {
                problem(where.apply(e), path + ": expected an object such as " + type.example() + ", got "
                        + e.typeName());
                ok = false;
                continue;
            }
            Object item = type.parse(map, path, dir, where, this::problem);
            if (item == null) {
                ok = false;
                continue;
            }
            if (item instanceof dev.anneal.watcher.core.notify.ReceiverSpec r) {
                Integer first = names.putIfAbsent(r.name(), i);
                if (first != null) {
                    problem(where.apply(e), path + ".name: '" + r.name() + "' is also the name of " + key.path() + "["
                            + first + "]; names must be unique");
                    ok = false;
                }
            }
            items.add(item);
        }
        return ok ? List.copyOf(items) : null;
    }

    private Object yamlScalar(ValueType<?> type, YamlNode node, String path) {
        String where = node.loc().toString();
        if (!(node instanceof YamlNode.Scalar s)) {
            problem(where, path + ": expected " + type.expected() + ", got " + node.typeName());
            return null;
        }
        if (s.isNull()) {
            problem(where, path + ": expected " + type.expected() + ", got nothing; remove the key to use "
                    + "the default");
            return null;
        }
        try {
            Object value = type.parse(s.text());
            if (s.isString() && !type.stringTokenOk(s.text())) {
                problem(where, path + ": expected " + type.expected() + ", got the string \"" + s.text()
                        + "\"; write it without quotes");
                return null;
            }
            return value;
        } catch (ValueType.Invalid e) {
            if (s.text().isEmpty()) {
                // "key:" with no value reads as an empty string; say so rather than "got ''".
                problem(where, path + ": expected " + type.expected() + ", got nothing; remove the key to use "
                        + "the default");
            } else {
                problem(where, path + ": " + e.getMessage());
            }
            return null;
        }
    }

    /**
     * The parser's message on one line: SnakeYAML's messages quote the offending source under the
     * problem (indented lines), which the {@code file:line} prefix already points to.
     */
    static String yamlMessage(String message) {
        if (message == null) {
            return "cannot parse";
        }
        java.util.regex.Matcher dup = Pattern.compile("Duplicate field '(.*)'").matcher(message);
        if (dup.lookingAt()) {
            return "duplicate key '" + dup.group(1) + "'; a key may appear only once in a mapping";
        }
        List<String> parts = new ArrayList<>();
        for (String line : message.split("\\R")) {
            if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
                parts.add(line.strip());
            }
        }
        return parts.isEmpty() ? message.strip() : String.join("; ", parts);
    }

    // ---- the environment and the flags -----------------------------------------------------------------

    private void readEnv(Map<String, String> env) {
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
                problem("environment variable " + var, "not a watcher setting"
                        + Suggestions.didYouMean(var, byVar.keySet()) + "; the " + section + " variables are "
                        + String.join(", ", byVar.keySet().stream().filter(v -> v.startsWith(prefix)).toList()));
                return;
            }
        }
    }

    private void readFlags(Map<ConfigKey<?>, List<String>> flags) {
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
            case MAP -> {
                Setting current = settings.get(key);
                @SuppressWarnings("unchecked")
                Map<String, Object> values = new LinkedHashMap<>((Map<String, Object>) current.value());
                Map<String, Origin> entries = new LinkedHashMap<>(current.entries());
                for (String text : texts) {
                    int eq = text.indexOf('=');
                    if (eq <= 0) {
                        problem(origin.where(), key.path() + ": expected NAME=VALUE, got '" + text + "'");
                        continue;
                    }
                    String name = text.substring(0, eq).strip();
                    String path = key.path() + "." + name;
                    if (!validEntryName(key, name, origin.where(), path)) {
                        continue;
                    }
                    Object value = textValue(key.type(), text.substring(eq + 1), origin, path);
                    if (value != null) {
                        values.put(name, value);
                        entries.put(name, origin);
                    }
                }
                settings.put(key, new Setting(values, origin, entries));
            }
            case OBJECTS -> {
                List<Object> items = new ArrayList<>();
                boolean ok = true;
                for (String text : texts) {
                    YamlNode node;
                    try {
                        node = YamlNode.parse(origin.where(), text);
                    } catch (IOException ex) {
                        problem(origin.where(), key.path() + ": expected YAML such as " + key.objectType().example()
                                + ": " + (ex instanceof JsonProcessingException j ? yamlMessage(j.getOriginalMessage())
                                : ex.getMessage()));
                        ok = false;
                        continue;
                    }
                    List<Object> parsed = objects(key, node, n -> origin.where(), null, true);
                    if (parsed == null) {
                        ok = false;
                    } else {
                        items.addAll(parsed);
                    }
                }
                if (ok) {
                    settings.put(key, new Setting(List.copyOf(items), origin, Map.of()));
                } else {
                    refused.add(key);
                }
            }
        }
    }

    private Object textValue(ValueType<?> type, String text, Origin origin, String path) {
        try {
            return type.parse(type == ValueType.TEXT ? text : text.strip());
        } catch (ValueType.Invalid e) {
            problem(origin.where(), path + ": " + e.getMessage());
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

    private boolean validEntryName(ConfigKey<?> key, String name, String where, String path) {
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

    // ---- relations between keys -------------------------------------------------------------------------

    private void checkRelations() {
        Setting input = settings.get(ConfigKeys.TOPICS_INPUT);
        Setting pattern = settings.get(ConfigKeys.TOPICS_INPUT_PATTERN);
        boolean both = pattern.value() != null && !input.origin().equals(Origin.DEFAULT);
        if (both) {
            problem(pattern.origin().where(), "topics.input_pattern: set either topics.input or topics.input_pattern, "
                    + "not both (topics.input is set by " + input.origin().where() + ")");
        }
        if (pattern.value() == null && list(input).isEmpty()) {
            problem(input.origin().where(), "topics.input: expected at least one topic (or set topics.input_pattern)");
        }
        Setting packs = settings.get(ConfigKeys.RULES_PACKS);
        if (list(packs).isEmpty()) {
            problem(packs.origin().where(), "rules.packs: expected at least one rule pack, such as "
                    + BuiltinPacks.DEFAULT);
        }
        List<String> inputs = new ArrayList<>();
        if (pattern.value() == null) {
            list(input).forEach(t -> inputs.add((String) t));
        }
        checkOutputTopics(inputs, both ? null : (String) pattern.value());
        Setting properties = settings.get(ConfigKeys.KAFKA_PROPERTIES);
        properties.entries().forEach((name, origin) -> {
            ConfigKey<?> owner = OWNED_PROPERTIES.get(name);
            if (owner != null) {
                problem(origin.where(), "kafka.properties." + name + ": the watcher sets " + name + " itself; use "
                        + owner.path() + " instead");
            }
        });
        checkNotify(inputs);
        Setting bootstrap = settings.get(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS);
        Setting embeddedPort = settings.get(ConfigKeys.EMBEDDED_PORT);
        Setting http = settings.get(ConfigKeys.HTTP_ADDRESS);
        int port = (Integer) embeddedPort.value();
        if (((String) bootstrap.value()).isEmpty() && port != 0 && ((HostPort) http.value()).port() == port) {
            if (http.origin().equals(Origin.DEFAULT)) {
                problem(embeddedPort.origin().where(), "embedded.port: " + port + " is also the HTTP port "
                        + "(http.address " + http.value() + "); choose another");
            } else {
                problem(http.origin().where(), "http.address: port " + port + " is also the embedded broker's port "
                        + "(embedded.port); choose another");
            }
        }
    }

    /** The notifier: receivers when enabled, backoffs in order, an undeliverable topic of its own. */
    private void checkNotify(List<String> inputs) {
        Setting enabled = settings.get(ConfigKeys.NOTIFY_ENABLED);
        Setting receivers = settings.get(ConfigKeys.NOTIFY_RECEIVERS);
        if ((Boolean) enabled.value() && list(receivers).isEmpty() && !refused.contains(ConfigKeys.NOTIFY_RECEIVERS)) {
            problem(enabled.origin().where(), "notify.enabled: true needs at least one receiver in notify.receivers, "
                    + "such as " + ReceiverType.INSTANCE.example());
        }
        Setting initial = settings.get(ConfigKeys.NOTIFY_RETRY_INITIAL_BACKOFF);
        Setting max = settings.get(ConfigKeys.NOTIFY_RETRY_MAX_BACKOFF);
        if (((java.time.Duration) max.value()).compareTo((java.time.Duration) initial.value()) < 0) {
            Setting at = max.origin().equals(Origin.DEFAULT) ? initial : max;
            problem(at.origin().where(), "notify.retry_max_backoff (" + ConfigKeys.NOTIFY_RETRY_MAX_BACKOFF.type()
                    .print(max.value()) + ") is shorter than notify.retry_initial_backoff ("
                    + ConfigKeys.NOTIFY_RETRY_INITIAL_BACKOFF.type().print(initial.value()) + ")");
        }
        Setting undeliverable = settings.get(ConfigKeys.NOTIFY_UNDELIVERABLE_TOPIC);
        String topic = (String) undeliverable.value();
        for (ConfigKey<String> key : List.of(ConfigKeys.TOPICS_ALERTS, ConfigKeys.TOPICS_RECOMMENDATIONS,
                ConfigKeys.TOPICS_DLQ)) {
            if (topic.equals(settings.get(key).value())) {
                problem(undeliverable.origin().where(), "notify.undeliverable_topic: '" + topic + "' is also "
                        + key.path() + "; the undeliverable alerts need their own topic");
            }
        }
        if (inputs.contains(topic)) {
            problem(undeliverable.origin().where(), "notify.undeliverable_topic: '" + topic + "' is also an input "
                    + "topic; the watcher would read its own output");
        }
    }

    /**
     * Outputs must differ from each other and must not be read back as input. A clash with a
     * default output name is reported where the input is set, since that is what the user wrote.
     */
    private void checkOutputTopics(List<String> inputs, String inputPattern) {
        Map<String, ConfigKey<String>> seen = new LinkedHashMap<>();
        Pattern regex = inputPattern == null ? null : Pattern.compile(inputPattern);
        for (ConfigKey<String> key : List.of(ConfigKeys.TOPICS_ALERTS, ConfigKeys.TOPICS_RECOMMENDATIONS,
                ConfigKeys.TOPICS_DLQ, ConfigKeys.TOPICS_SYNTHETIC_ALERTS, ConfigKeys.TOPICS_SYNTHETIC_RECOMMENDATIONS)) {
            Setting s = settings.get(key);
            String topic = (String) s.value();
            if (topic == null) {
                continue; // an unset quarantine topic
            }
            boolean byDefault = s.origin().equals(Origin.DEFAULT);
            ConfigKey<String> other = seen.putIfAbsent(topic, key);
            if (other != null) {
                problem(s.origin().where(), key.path() + ": '" + topic + "' is also " + other.path()
                        + "; every output needs its own topic");
            } else if (inputs.contains(topic)) {
                if (byDefault) {
                    problem(settings.get(ConfigKeys.TOPICS_INPUT).origin().where(), "topics.input: '" + topic
                            + "' is the default " + key.path() + " topic; the watcher would read its own output");
                } else {
                    problem(s.origin().where(), key.path() + ": '" + topic + "' is also an input topic; the "
                            + "watcher would read its own output");
                }
            } else if (regex != null && regex.matcher(topic).matches()) {
                if (byDefault) {
                    problem(settings.get(ConfigKeys.TOPICS_INPUT_PATTERN).origin().where(), "topics.input_pattern: "
                            + "matches '" + topic + "', the default " + key.path() + " topic; the watcher would read "
                            + "its own output (narrow the pattern or set " + key.path() + ")");
                } else {
                    problem(s.origin().where(), key.path() + ": '" + topic + "' matches topics.input_pattern; "
                            + "the watcher would read its own output");
                }
            }
        }
    }

    // ---- the result -------------------------------------------------------------------------------------------

    private WatcherConfig build() {
        String bootstrap = get(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS);
        String pattern = get(ConfigKeys.TOPICS_INPUT_PATTERN);
        return new WatcherConfig(
                new WatcherConfig.Kafka(bootstrap.isEmpty() ? Optional.empty() : Optional.of(bootstrap),
                        get(ConfigKeys.KAFKA_PROPERTIES), get(ConfigKeys.KAFKA_STARTUP_TIMEOUT)),
                new WatcherConfig.Embedded(get(ConfigKeys.EMBEDDED_PORT), get(ConfigKeys.EMBEDDED_DATA_DIR)),
                new WatcherConfig.Topics(pattern == null ? get(ConfigKeys.TOPICS_INPUT) : List.of(),
                        Optional.ofNullable(pattern), get(ConfigKeys.TOPICS_ALERTS),
                        get(ConfigKeys.TOPICS_RECOMMENDATIONS), get(ConfigKeys.TOPICS_DLQ),
                        get(ConfigKeys.TOPICS_PARTITIONS), get(ConfigKeys.TOPICS_REPLICATION_FACTOR),
                        Optional.ofNullable(get(ConfigKeys.TOPICS_SYNTHETIC_ALERTS)),
                        Optional.ofNullable(get(ConfigKeys.TOPICS_SYNTHETIC_RECOMMENDATIONS))),
                new WatcherConfig.Streams(get(ConfigKeys.STREAMS_APPLICATION_ID), get(ConfigKeys.STREAMS_STATE_DIR),
                        get(ConfigKeys.STREAMS_PROCESSING_GUARANTEE), get(ConfigKeys.STREAMS_COMMIT_INTERVAL_MS),
                        get(ConfigKeys.STREAMS_ABSENCE_CHECK_INTERVAL), get(ConfigKeys.STREAMS_RUN_STATE_CACHE)),
                new WatcherConfig.Rules(get(ConfigKeys.RULES_PACKS), get(ConfigKeys.RULES_PARAMS),
                        get(ConfigKeys.RULES_RELOAD)),
                new WatcherConfig.Http(get(ConfigKeys.HTTP_ADDRESS), new WatcherConfig.Http.Tls(
                        Optional.ofNullable(get(ConfigKeys.HTTP_TLS_KEYSTORE)),
                        Optional.ofNullable(get(ConfigKeys.HTTP_TLS_KEYSTORE_PASSWORD_ENV)),
                        Optional.ofNullable(get(ConfigKeys.HTTP_TLS_KEYSTORE_PASSWORD_FILE))),
                        new WatcherConfig.Http.Auth(Optional.ofNullable(get(ConfigKeys.HTTP_AUTH_TOKEN_ENV)),
                                Optional.ofNullable(get(ConfigKeys.HTTP_AUTH_TOKEN_FILE)),
                                get(ConfigKeys.HTTP_AUTH_PROTECT_METRICS))),
                new WatcherConfig.Log(get(ConfigKeys.LOG_FORMAT)),
                new WatcherConfig.Notify(get(ConfigKeys.NOTIFY_ENABLED), get(ConfigKeys.NOTIFY_RECEIVERS),
                        get(ConfigKeys.NOTIFY_GROUP_ID), get(ConfigKeys.NOTIFY_UNDELIVERABLE_TOPIC),
                        get(ConfigKeys.NOTIFY_RESEND_INTERVAL), get(ConfigKeys.NOTIFY_REQUEST_TIMEOUT),
                        new NotifierSettings.Resilience(get(ConfigKeys.NOTIFY_RETRY_ATTEMPTS),
                                get(ConfigKeys.NOTIFY_RETRY_INITIAL_BACKOFF), get(ConfigKeys.NOTIFY_RETRY_MAX_BACKOFF),
                                get(ConfigKeys.NOTIFY_BREAKER_FAILURE_RATE), get(ConfigKeys.NOTIFY_BREAKER_WINDOW),
                                get(ConfigKeys.NOTIFY_BREAKER_OPEN_DURATION), get(ConfigKeys.NOTIFY_RATE_LIMIT))));
    }

    @SuppressWarnings("unchecked")
    private <V> V get(ConfigKey<V> key) {
        return (V) settings.get(key).value();
    }

    /** Resolves relative paths written in the file against the file's directory. */
    private Setting resolvePaths(ConfigKey<?> key, Setting s) {
        if (!s.origin().inFile() || baseDir == null) {
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

    private static List<?> list(Setting s) {
        return (List<?>) s.value();
    }

    private static String plural(ValueType<?> type) {
        return type == ValueType.TOPIC_NAME ? "topic names" : "strings";
    }

    private static String example(ConfigKey<?> key) {
        return key == ConfigKeys.RULES_PACKS ? BuiltinPacks.DEFAULT : WatcherTopics.DEFAULT_INPUT;
    }

    private void problem(String where, String message) {
        problems.add(where + ": " + message);
    }

    private static Map<String, ConfigKey<?>> ownedProperties() {
        Map<String, ConfigKey<?>> m = new LinkedHashMap<>();
        m.put("bootstrap.servers", ConfigKeys.KAFKA_BOOTSTRAP_SERVERS);
        m.put("application.id", ConfigKeys.STREAMS_APPLICATION_ID);
        m.put("state.dir", ConfigKeys.STREAMS_STATE_DIR);
        m.put("processing.guarantee", ConfigKeys.STREAMS_PROCESSING_GUARANTEE);
        m.put("commit.interval.ms", ConfigKeys.STREAMS_COMMIT_INTERVAL_MS);
        return Map.copyOf(m);
    }
}
