package dev.anneal.watcher.core.scenario;

import dev.anneal.watcher.rules.model.SourcePosition;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A record position as a scenario file writes it: {@code at: 3} (line 3 of the input, or the
 * third inline record) or {@code at: "3[1]"} (element 1 of the JSON array or document that
 * starts on line 3). The source name is never written: a test has exactly one input.
 *
 * @param line  1-based line
 * @param index element index inside a document, or -1 for a whole line
 */
public record At(long line, int index) {

    private static final Pattern TEXT = Pattern.compile("(\\d+)(?:\\[(\\d+)])?");

    public At {
        if (line < 1) {
            throw new IllegalArgumentException("line must be >= 1, was " + line);
        }
        if (index < -1) {
            throw new IllegalArgumentException("index must be >= -1, was " + index);
        }
    }

    /** Parses {@code 3} or {@code 3[1]}; empty when the text is neither. */
    public static Optional<At> parse(String text) {
        Matcher m = TEXT.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            long line = Long.parseLong(m.group(1));
            int index = m.group(2) == null ? -1 : Integer.parseInt(m.group(2));
            return line < 1 ? Optional.empty() : Optional.of(new At(line, index));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    public static At of(SourcePosition position) {
        return new At(position.line(), position.index());
    }

    /** True when {@code position} is this line and element (the source name is not compared). */
    public boolean matches(SourcePosition position) {
        return position.line() == line && position.index() == index;
    }

    /** As written in a scenario file: {@code 3} or {@code "3[1]"}. */
    public String yaml() {
        return index < 0 ? Long.toString(line) : "\"" + this + "\"";
    }

    @Override
    public String toString() {
        return index < 0 ? Long.toString(line) : line + "[" + index + "]";
    }
}
