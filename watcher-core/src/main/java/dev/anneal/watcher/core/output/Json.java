package dev.anneal.watcher.core.output;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import dev.anneal.watcher.rules.model.SourcePosition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The one Jackson setup every writer in this package shares, so that all output files agree on
 * encoding (UTF-8), number rendering (Jackson's own double rendering, e.g. {@code 32.0},
 * {@code 0.026}) and, for pretty output, on layout: two-space indent, {@code "key": value},
 * {@code \n} line ends whatever the platform, and {@code []} / {@code {}} for empty containers.
 */
final class Json {

    /** Generators never close the caller's stream: the caller owns it. */
    static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private Json() {
    }

    /** Writes one value into a string, as compact single-line JSON. */
    static String compact(Body body) {
        return render(body, false);
    }

    /** Writes one value into a string, pretty-printed, ending with a newline. */
    static String pretty(Body body) {
        return render(body, true) + "\n";
    }

    private static String render(Body body, boolean pretty) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(512);
        try (JsonGenerator g = generator(buf, pretty)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    /**
     * A UTF-8 generator on {@code out} with no separator between root values: callers that write
     * several root values (JSON lines) add the {@code \n} themselves.
     */
    static JsonGenerator generator(OutputStream out, boolean pretty) throws IOException {
        JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8);
        g.setRootValueSeparator(null);
        if (pretty) {
            g.setPrettyPrinter(prettyPrinter());
        }
        return g;
    }

    private static DefaultPrettyPrinter prettyPrinter() {
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter p = new DefaultPrettyPrinter(separators);
        p.indentObjectsWith(indenter);
        p.indentArraysWith(indenter);
        return p;
    }

    /** A number field that may be absent: {@code null} in the output. */
    static void number(JsonGenerator g, String name, Double value) throws IOException {
        g.writeFieldName(name);
        if (value == null) {
            g.writeNull();
        } else {
            g.writeNumber(value.doubleValue());
        }
    }

    /** A position field ({@code file:line} or {@code file:line[i]}), null when absent. */
    static void position(JsonGenerator g, String name, SourcePosition position) throws IOException {
        g.writeFieldName(name);
        if (position == null) {
            g.writeNull();
        } else {
            g.writeString(position.toString());
        }
    }

    static void strings(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    /** A string map in the map's own iteration order; callers pass a sorted or ordered map. */
    static void stringMap(JsonGenerator g, String name, Map<String, String> values) throws IOException {
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, String> e : values.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    /** Writes one JSON value with a generator. */
    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }
}
