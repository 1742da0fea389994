package dev.anneal.watcher.core.decode;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How an input's bytes are framed. townlet writes the same logical records in several framings
 * (NDJSON logs, pretty-printed JSON documents, plain-text {@code tick_health} log lines), and a
 * user replaying a directory of artifacts should not have to say which is which; {@link #AUTO}
 * therefore sniffs each input, while the explicit formats exist for the cases where sniffing
 * would guess wrong (for example an NDJSON file whose first line is a truncated write).
 */
public enum InputFormat {
    /** Decide per input from its first non-blank content (see {@link TelemetryDecoder}). */
    AUTO("auto"),
    /** One JSON value per line; each line is decoded and rejected independently. */
    NDJSON("ndjson"),
    /** One JSON document per input (an object, or an array of records); read whole. */
    JSON("json"),
    /** townlet {@code tick_health key=value ...} log lines. */
    HEALTH("health");

    private final String cliName;

    InputFormat(String cliName) {
        this.cliName = cliName;
    }

    /** The name used on the command line and in config files; public API. */
    public String cliName() {
        return cliName;
    }

    /**
     * Parses a command-line name.
     *
     * @throws IllegalArgumentException naming the valid names when {@code name} is not one of them
     */
    public static InputFormat fromCliName(String name) {
        for (InputFormat format : values()) {
            if (format.cliName.equals(name)) {
                return format;
            }
        }
        String valid = Arrays.stream(values()).map(InputFormat::cliName).collect(Collectors.joining(", "));
        String shown = name == null ? "null" : "\"" + name + "\"";
        throw new IllegalArgumentException("unknown input format " + shown + "; valid formats are: " + valid);
    }

    @Override
    public String toString() {
        return cliName;
    }
}
