package dev.anneal.watcher.app.config;

import dev.anneal.watcher.rules.yaml.Durations;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How the text of one scalar config value becomes a typed value, and what a person should write
 * instead when it does not. The same parser reads a value from the YAML file, an environment
 * variable and a command-line flag, so the three give the same messages.
 *
 * @param <T> the parsed type
 */
public final class ValueType<T> {

    /** Thrown by a parser: the message says what is wrong and what to write instead. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    @FunctionalInterface
    interface Parser<T> {
        T parse(String text) throws Invalid;
    }

    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern ENV_VAR = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):(\\d{1,5})");

    /** Any non-blank text. */
    public static final ValueType<String> STRING = new ValueType<>("VALUE", "a non-empty string", true, text -> {
        if (text.isBlank()) {
            throw new Invalid("expected a non-empty string");
        }
        return text;
    }, Function.identity());

    /** Any text, the empty string included (a Kafka client property value). */
    public static final ValueType<String> TEXT = new ValueType<>("VALUE", "a string", true, text -> text, Function.identity());

    /** {@code true} or {@code false}. */
    public static final ValueType<Boolean> BOOLEAN = new ValueType<>("true|false", "true or false", false, text -> {
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new Invalid("expected true or false, got '" + text + "'");
        };
    }, String::valueOf);

    /** A positive duration: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h30m}, {@code 1d}. */
    public static final ValueType<Duration> DURATION = new ValueType<>("DURATION", "a duration such as 500ms, 30s, 2m or 1h30m",
            true, text -> Durations.parse(text).orElseThrow(
                    () -> new Invalid("expected a duration such as 500ms, 30s, 2m or 1h30m, got '" + text + "'")),
            ValueType::formatDuration);

    /** A duration, or 0 for none (a lifecycle step that is turned off, or immediate). */
    public static final ValueType<Duration> DURATION_OR_ZERO = new ValueType<>("DURATION",
            "a duration such as 30m, 6h or 7d, or 0", true, text -> {
                if (text.equals("0")) {
                    return Duration.ZERO;
                }
                return Durations.parse(text).orElseThrow(
                        () -> new Invalid("expected a duration such as 30m, 6h or 7d, or 0, got '" + text + "'"));
            }, d -> d.isZero() ? "0" : formatDuration(d));

    /** A legal Kafka topic name. */
    public static final ValueType<String> TOPIC_NAME = new ValueType<>("TOPIC", "a topic name", true, text -> {
        if (!TOPIC.matcher(text).matches() || text.equals(".") || text.equals("..")) {
            throw new Invalid("'" + text + "' is not a legal Kafka topic name (1-249 characters: letters, digits, "
                    + "'.', '_' and '-')");
        }
        return text;
    }, Function.identity());

    /** A Java regular expression (for {@code topics.input_pattern}). */
    public static final ValueType<String> REGEX = new ValueType<>("REGEX", "a regular expression", true, text -> {
        if (text.isEmpty()) {
            throw new Invalid("expected a regular expression such as 'telemetry\\..*', got an empty string");
        }
        try {
            Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw new Invalid("not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex()
                    + " of '" + text + "'");
        }
        return text;
    }, Function.identity());

    /**
     * The name of an environment variable (letters, digits and {@code _}, not starting with a digit):
     * where a secret is read from, so that the secret itself is never written in the configuration.
     */
    public static final ValueType<String> ENV_VAR_NAME = new ValueType<>("VAR", "an environment variable name", true,
            text -> {
                if (!ENV_VAR.matcher(text).matches()) {
                    throw new Invalid("expected the name of an environment variable (letters, digits and '_', such "
                            + "as WATCHER_API_TOKEN), got '" + text + "'; name the variable that holds the secret, "
                            + "never the secret itself");
                }
                return text;
            }, Function.identity());

    /** A file system path. */
    public static final ValueType<Path> PATH = new ValueType<>("DIR", "a path", true, text -> {
        if (text.isBlank()) {
            throw new Invalid("expected a path, got an empty string");
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new Invalid("not a valid path: " + e.getMessage());
        }
    }, Path::toString);

    /** A file's path: {@link #PATH} with FILE as its {@code --help} placeholder. */
    public static final ValueType<Path> FILE = PATH.labelled("FILE");

    /** {@code HOST:PORT}, port 0 to 65535 (0 picks a free port). */
    public static final ValueType<HostPort> HOST_AND_PORT = new ValueType<>("HOST:PORT", "HOST:PORT", true,
            text -> hostPort(text, "127.0.0.1:9400"), HostPort::toString);

    /**
     * Kafka {@code bootstrap.servers}: a comma-separated list of {@code HOST:PORT}, or the empty
     * string, which means "none: start the embedded broker".
     */
    public static final ValueType<String> BOOTSTRAP_SERVERS = new ValueType<>("HOST:PORT[,...]", "HOST:PORT[,HOST:PORT...]", true,
            text -> {
                String trimmed = text.strip();
                if (trimmed.isEmpty()) {
                    return "";
                }
                for (String part : trimmed.split(",", -1)) {
                    HostPort hp = hostPort(part.strip(), "broker-1:9092");
                    if (hp.port() == 0) {
                        throw new Invalid("'" + part.strip() + "': a broker port cannot be 0");
                    }
                }
                return trimmed;
            }, Function.identity());

    /** A rule pack parameter value: a finite number, or {@code none} (disables the rules using it). */
    public static final ValueType<String> PARAM_VALUE = new ValueType<>("VALUE", "a finite number or none",
            (Predicate<String>) "none"::equals, text -> {
        if (text.equals("none")) {
            return text;
        }
        try {
            double d = Double.parseDouble(text);
            if (Double.isFinite(d) && !text.endsWith("d") && !text.endsWith("f") && !text.endsWith("D")
                    && !text.endsWith("F")) {
                return text;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Invalid("expected a finite number or none, got '" + text + "'");
    }, Function.identity());

    private final String label;
    private final String expected;
    private final Predicate<String> stringTokenOk;
    private final Parser<T> parser;
    private final Function<T, String> printer;

    private ValueType(String label, String expected, boolean stringTokenOk, Parser<T> parser,
            Function<T, String> printer) {
        this(label, expected, text -> stringTokenOk, parser, printer);
    }

    private ValueType(String label, String expected, Predicate<String> stringTokenOk, Parser<T> parser,
            Function<T, String> printer) {
        this.label = label;
        this.expected = expected;
        this.stringTokenOk = stringTokenOk;
        this.parser = parser;
        this.printer = printer;
    }

    /** An integer in {@code [min, max]}. */
    public static ValueType<Integer> integer(int min, int max) {
        String range = min + " to " + max;
        return new ValueType<>("N", "an integer from " + range, false, text -> {
            int n;
            try {
                n = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new Invalid("expected an integer from " + range + ", got '" + text + "'");
            }
            if (n < min || n > max) {
                throw new Invalid("expected an integer from " + range + ", got " + n);
            }
            return n;
        }, String::valueOf);
    }

    /** An integer that is {@code -1} (meaning "the broker's default") or in {@code [1, max]}. */
    public static ValueType<Integer> brokerDefaultOr(int max) {
        return new ValueType<>("N", "-1 (the broker's default) or an integer from 1 to " + max, false, text -> {
            int n;
            try {
                n = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                n = 0;
                text = "'" + text + "'";
            }
            if (n == -1 || (n >= 1 && n <= max)) {
                return n;
            }
            throw new Invalid("expected -1 (the broker's default) or an integer from 1 to " + max + ", got " + text);
        }, String::valueOf);
    }

    /** One of the enum's constants, written in lower case. */
    public static <E extends Enum<E>> ValueType<E> oneOf(Class<E> type) {
        List<String> names = Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        String expected = names.size() == 2 ? names.get(0) + " or " + names.get(1)
                : "one of " + String.join(", ", names);
        return new ValueType<>(String.join("|", names), expected, true, text -> {
            for (E e : type.getEnumConstants()) {
                if (e.name().toLowerCase(Locale.ROOT).equals(text)) {
                    return e;
                }
            }
            throw new Invalid("expected " + expected + ", got '" + text + "'");
        }, e -> e.name().toLowerCase(Locale.ROOT));
    }

    /** A short placeholder for a value in {@code --help}, such as {@code DURATION} or {@code text|json}. */
    public String label() {
        return label;
    }

    /** A type like this one with another {@code --help} placeholder. */
    ValueType<T> labelled(String newLabel) {
        return new ValueType<>(newLabel, expected, stringTokenOk, parser, printer);
    }

    /** What a value of this type looks like, for docs and messages. */
    public String expected() {
        return expected;
    }

    /**
     * Whether this text is acceptable as a YAML string token. Numbers and booleans must be written
     * bare: {@code port: "9092"} is refused, so that a quoted value is never silently reinterpreted.
     */
    boolean stringTokenOk(String text) {
        return stringTokenOk.test(text);
    }

    T parse(String text) throws Invalid {
        return parser.parse(Objects.requireNonNull(text));
    }

    /** The value written back as config text (for defaults in docs and {@code config show}). */
    String print(Object value) {
        @SuppressWarnings("unchecked")
        T t = (T) value;
        return printer.apply(t);
    }

    private static HostPort hostPort(String text, String example) throws Invalid {
        var m = HOST_PORT.matcher(text);
        if (!m.matches()) {
            throw new Invalid("expected HOST:PORT such as " + example + ", got '" + text + "'");
        }
        int port = Integer.parseInt(m.group(2));
        if (port > 65535) {
            throw new Invalid("'" + text + "': the port must be 0 to 65535, got " + port);
        }
        String host = m.group(1);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        return new HostPort(host, port);
    }

    private static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /** A parsed {@code HOST:PORT}. */
    public record HostPort(String host, int port) {
        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
