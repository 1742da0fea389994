package dev.anneal.watcher.rules.yaml;

import dev.anneal.watcher.rules.spec.Loc;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text is not YAML, or a mapping repeats a key. Its message is one line,
 * {@code file:line: invalid YAML: reason}, the same for every loader: the parser's own message
 * quotes the offending source on indented lines under the problem, which the {@code file:line}
 * prefix already points to, so those lines are dropped.
 */
public final class YamlSyntaxException extends Exception {

    private static final long serialVersionUID = 1L;

    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*)'");

    private final transient Loc loc;
    private final String reason;

    public YamlSyntaxException(Loc loc, String reason) {
        super(loc + ": invalid YAML: " + reason);
        this.loc = loc;
        this.reason = reason;
    }

    /** Where the parser stopped. */
    public Loc loc() {
        return loc;
    }

    /** What is wrong, on one line, without the location. */
    public String reason() {
        return reason;
    }

    /** The parser's message on one line; a repeated key is said plainly. */
    static String oneLine(String message) {
        if (message == null) {
            return "cannot parse";
        }
        Matcher dup = DUPLICATE.matcher(message);
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
}
