package dev.anneal.watcher.rules.model;

import java.util.Objects;

/**
 * Where a record came from: the input's name and the 1-based line the record starts on, plus,
 * for records that are elements of one JSON document (an array of stage results, or the stages
 * inside a rehearsal summary), the element's 0-based index. Rendered as {@code file:line} or
 * {@code file:line[index]}; this text appears in alerts, evidence and rejection reports.
 *
 * @param source the input name as the user gave it (a path, or {@code -} for stdin)
 * @param line   1-based line number where the record starts
 * @param index  element index inside a document, or -1 when the record is a whole line/document
 */
public record SourcePosition(String source, long line, int index) implements Comparable<SourcePosition> {

    public SourcePosition {
        Objects.requireNonNull(source, "source");
        if (line < 1) {
            throw new IllegalArgumentException("line must be >= 1, was " + line);
        }
        if (index < -1) {
            throw new IllegalArgumentException("index must be >= -1, was " + index);
        }
    }

    public static SourcePosition line(String source, long line) {
        return new SourcePosition(source, line, -1);
    }

    public SourcePosition element(int elementIndex) {
        return new SourcePosition(source, line, elementIndex);
    }

    @Override
    public int compareTo(SourcePosition o) {
        int c = source.compareTo(o.source);
        if (c != 0) {
            return c;
        }
        c = Long.compare(line, o.line);
        return c != 0 ? c : Integer.compare(index, o.index);
    }

    @Override
    public String toString() {
        return index < 0 ? source + ":" + line : source + ":" + line + "[" + index + "]";
    }
}
