package dev.anneal.watcher.core.decode;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import dev.anneal.watcher.rules.model.FieldValues;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a Jackson token stream into the normalised field values of a
 * {@link dev.anneal.watcher.rules.model.TelemetryRecord} in one pass, without building a
 * {@code JsonNode} tree first: every number becomes a {@link Double}, JSON null becomes
 * {@link FieldValues#NULL}, arrays become unmodifiable lists and objects {@link LinkedHashMap}s in
 * input order.
 *
 * <p>Normalisation loses three things later stages still need, so the reader records them on the
 * side, only when they occur (which keeps the common PPO line allocation-free beyond its values):
 * <ul>
 *   <li>non-finite numbers ({@code NaN}, {@code Infinity}, overflowing literals), as paths, so the
 *       decoder can reject the record and name the key;</li>
 *   <li>the literal text of an integer-valued {@code cycle}, because townlet's reason strings print
 *       Python's {@code str(cycle)}, which differs for {@code 1} and {@code 1.0};</li>
 *   <li>element lines and byte ranges of arrays under {@code results} and {@code data} (and of a
 *       root array), whose elements become records with their own positions.</li>
 * </ul>
 * One instance is reused for every message a decoder reads; {@link #reset()} clears the side
 * facts between messages. Not thread-safe.
 */
final class JsonValueReader {

    private static final String CYCLE_KEY = "cycle";
    private final int[] sizeHints = new int[8];

    private IdentityHashMap<Map<String, Object>, String> integerCycles;
    private IdentityHashMap<List<Object>, ElementSpans> spans;
    private List<List<Object>> nonFinitePaths;

    /** Forgets the side facts of the previous message. */
    void reset() {
        if (integerCycles != null) {
            integerCycles.clear();
        }
        if (spans != null) {
            spans.clear();
        }
        if (nonFinitePaths != null) {
            nonFinitePaths.clear();
        }
    }

    /** Reads the value whose first token is {@code token} (the parser's current token). */
    Object read(JsonParser p, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT:
                return readObject(p);
            case START_ARRAY:
                return readArray(p, false);
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return readNumber(p);
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return FieldValues.NULL;
            default:
                throw new JsonParseException(p, "Unexpected token " + token);
        }
    }

    /** Reads a root-level array, recording where each element starts. */
    List<Object> readRootArray(JsonParser p) throws IOException {
        return readArray(p, true);
    }

    /** Spans of the elements of {@code list}, or null when the list was not tracked. */
    ElementSpans spansOf(List<?> list) {
        return spans == null ? null : spans.get(list);
    }

    /** The literal JSON text of {@code map}'s {@code cycle} when it was an integer token, else null. */
    String integerCycleText(Map<?, ?> map) {
        return integerCycles == null ? null : integerCycles.get(map);
    }

    /**
     * The path (below {@code prefix}) of the first non-finite number inside the value at
     * {@code prefix}, or null when there is none. Path elements are keys (String) and array
     * indexes (Integer).
     */
    List<Object> firstNonFiniteUnder(List<Object> prefix) {
        if (nonFinitePaths == null) {
            return null;
        }
        for (List<Object> path : nonFinitePaths) {
            if (path.size() > prefix.size() && path.subList(0, prefix.size()).equals(prefix)) {
                return path.subList(prefix.size(), path.size());
            }
        }
        return null;
    }

    private Map<String, Object> readObject(JsonParser p) throws IOException {
        int depth = Math.min(p.getParsingContext().getNestingDepth(), sizeHints.length - 1);
        Map<String, Object> map = new LinkedHashMap<>(Math.max(16, sizeHints[depth] * 4 / 3 + 1));
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken token = p.nextToken();
            Object value;
            if (token == JsonToken.START_ARRAY) {
                value = readArray(p, isTrackedArrayKey(name));
            } else {
                if (token == JsonToken.VALUE_NUMBER_INT && CYCLE_KEY.equals(name)) {
                    noteIntegerCycle(map, p.getText());
                }
                value = read(p, token);
            }
            map.put(name, value);
        }
        sizeHints[depth] = map.size();
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw new JsonParseException(p, "Unexpected end-of-input in object");
        }
        return map;
    }

    private List<Object> readArray(JsonParser p, boolean track) throws IOException {
        List<Object> list = new ArrayList<>();
        ElementSpans elementSpans = track ? new ElementSpans() : null;
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            if (token == null) {
                throw new JsonParseException(p, "Unexpected end-of-input in array");
            }
            if (elementSpans == null) {
                list.add(read(p, token));
            } else {
                JsonLocation start = p.currentTokenLocation();
                list.add(read(p, token));
                elementSpans.add(start.getLineNr(), (int) start.getByteOffset(),
                        (int) p.currentLocation().getByteOffset());
            }
        }
        List<Object> result = Collections.unmodifiableList(list);
        if (elementSpans != null) {
            if (spans == null) {
                spans = new IdentityHashMap<>();
            }
            spans.put(result, elementSpans);
        }
        return result;
    }

    private Double readNumber(JsonParser p) throws IOException {
        double value = p.getDoubleValue();
        if (!Double.isFinite(value)) {
            noteNonFinite(p.getParsingContext());
        }
        return value;
    }

    private static boolean isTrackedArrayKey(String name) {
        return "results".equals(name) || "data".equals(name);
    }

    private void noteIntegerCycle(Map<String, Object> map, String text) {
        if (integerCycles == null) {
            integerCycles = new IdentityHashMap<>();
        }
        integerCycles.put(map, text);
    }

    private void noteNonFinite(JsonStreamContext context) {
        List<Object> path = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject()) {
                path.add(c.getCurrentName());
            } else {
                path.add(c.getCurrentIndex());
            }
        }
        Collections.reverse(path);
        if (nonFinitePaths == null) {
            nonFinitePaths = new ArrayList<>();
        }
        nonFinitePaths.add(path);
    }
}
