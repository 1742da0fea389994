package dev.anneal.watcher.app.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One key of the {@code watcher run} configuration, with everything about it in one place: its
 * name in the YAML file ({@code section.name}), its type and validator, its default, the
 * environment variable and the command-line flag that override it, and its documentation. The
 * keys themselves are listed in {@link ConfigKeys}.
 *
 * <p>A key has one of three shapes: a scalar; a list (in YAML a sequence; in an environment
 * variable comma-separated; as a flag, one element per occurrence); or a map of names to values
 * (in YAML a mapping; in an environment variable {@code NAME=VALUE} entries separated by commas or
 * newlines; as a flag, one {@code NAME=VALUE} per occurrence); or a list of objects (in YAML a
 * sequence of mappings read by an {@link ObjectType}; in an environment variable a YAML flow
 * sequence {@code [{...}, {...}]}; as a flag, one YAML flow mapping {@code {...}} per occurrence).
 * A list set by a higher-precedence source replaces the lower one; a map is merged entry by entry.
 *
 * @param <V> the type of the key's value: {@code T}, {@code List<T>} or {@code Map<String, T>}
 */
public final class ConfigKey<V> {

    /** Whether the value is one scalar, a list of them, or a map of names to them. */
    public enum Shape {
        SCALAR, LIST, MAP, OBJECTS
    }

    private final String section;
    private final String name;
    private final Shape shape;
    private final ValueType<?> type;
    private final ObjectType<?> objectType;
    private final V defaultValue;
    private final String flag;
    private final String doc;

    private ConfigKey(String section, String name, Shape shape, ValueType<?> type, V defaultValue, String flag,
            String doc) {
        this(section, name, shape, type, null, defaultValue, flag, doc);
    }

    private ConfigKey(String section, String name, Shape shape, ValueType<?> type, ObjectType<?> objectType,
            V defaultValue, String flag, String doc) {
        this.section = Objects.requireNonNull(section);
        this.name = Objects.requireNonNull(name);
        this.shape = shape;
        this.type = type;
        this.objectType = objectType;
        this.defaultValue = defaultValue;
        this.flag = Objects.requireNonNull(flag);
        this.doc = Objects.requireNonNull(doc);
    }

    static <T> ConfigKey<T> scalar(String section, String name, ValueType<T> type, T defaultValue, String flag,
            String doc) {
        return new ConfigKey<>(section, name, Shape.SCALAR, type, defaultValue, flag, doc);
    }

    static <T> ConfigKey<List<T>> list(String section, String name, ValueType<T> type, List<T> defaultValue,
            String flag, String doc) {
        return new ConfigKey<>(section, name, Shape.LIST, type, List.copyOf(defaultValue), flag, doc);
    }

    static <T> ConfigKey<Map<String, T>> map(String section, String name, ValueType<T> type, String flag,
            String doc) {
        return new ConfigKey<>(section, name, Shape.MAP, type, Map.of(), flag, doc);
    }

    static <T> ConfigKey<List<T>> objects(String section, String name, ObjectType<T> type, String flag, String doc) {
        return new ConfigKey<>(section, name, Shape.OBJECTS, null, Objects.requireNonNull(type), List.of(), flag,
                doc);
    }

    /** The section: {@code kafka}, {@code embedded}, {@code topics}, ... */
    public String section() {
        return section;
    }

    /**
     * The key within its section, e.g. {@code bootstrap_servers}; a dotted name such as
     * {@code tls.keystore} groups related keys and is written as one key in YAML
     * ({@code tls.keystore: FILE} under {@code http:}).
     */
    public String name() {
        return name;
    }

    /** The full dotted name, e.g. {@code kafka.bootstrap_servers}. */
    public String path() {
        return section + "." + name;
    }

    public Shape shape() {
        return shape;
    }

    /** The type of the scalar, or of each list element or map value; null for a list of objects. */
    public ValueType<?> type() {
        return type;
    }

    /** The type of each element of a list of objects; null for the other shapes. */
    ObjectType<?> objectType() {
        return objectType;
    }

    /** The value when no source sets the key. */
    public V defaultValue() {
        return defaultValue;
    }

    /**
     * The environment variable that overrides the key: {@code WATCHER_<SECTION>_<KEY>}, with the dots
     * of a dotted key name as underscores ({@code http.tls.keystore}: {@code WATCHER_HTTP_TLS_KEYSTORE}).
     */
    public String envVar() {
        return "WATCHER_" + section.toUpperCase(Locale.ROOT) + "_" + name.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** The {@code watcher run} flag that overrides the key (highest precedence). */
    public String flag() {
        return flag;
    }

    /** What the flag's argument looks like, for {@code --help}. */
    public String paramLabel() {
        return switch (shape) {
            case MAP -> "NAME=VALUE";
            case OBJECTS -> objectType.label();
            default -> type.label();
        };
    }

    /** One or two sentences on what the key does. */
    public String doc() {
        return doc;
    }

    /** The default written as config text. */
    public String defaultText() {
        return switch (shape) {
            case SCALAR -> defaultValue == null ? "(none)"
                    : type.print(defaultValue).isEmpty() ? "\"\"" : type.print(defaultValue);
            case LIST -> "[" + ((List<?>) defaultValue).stream().map(type::print).collect(Collectors.joining(", ")) + "]";
            case MAP -> "{}";
            case OBJECTS -> "[]";
        };
    }

    @Override
    public String toString() {
        return path();
    }
}
