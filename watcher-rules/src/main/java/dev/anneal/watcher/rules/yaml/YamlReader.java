package dev.anneal.watcher.rules.yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.anneal.watcher.rules.spec.Loc;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The strict reader every loader uses on a {@link YamlNode} tree: rule files, scenario files and
 * the daemon configuration. It checks keys (unknown keys with a did-you-mean hint, required keys)
 * and types ("expected a list, got a scalar"), reads typed values, and reports each problem to
 * {@link Problems} as {@code file:line: path: message}, so the three loaders say the same thing
 * the same way. Nothing is thrown: a value that cannot be read is reported and returned as null
 * (or an empty collection), and the loader carries on to find the next problem.
 *
 * <p>Every accessor takes the node (null when the key is absent: nothing is reported and nothing
 * returned) and the node's path for messages, such as {@code rules[0].select.kinds}.
 */
public final class YamlReader {

    private final Problems problems;
    private final Function<Loc, String> where;

    /** A reader reporting to {@code problems}, naming places {@code file:line}. */
    public YamlReader(Problems problems) {
        this(problems, Loc::toString);
    }

    private YamlReader(Problems problems, Function<Loc, String> where) {
        this.problems = problems;
        this.where = where;
    }

    /**
     * A reader reporting to the same problems that names every place as {@code where} does: for
     * YAML that came from somewhere other than a file, such as an environment variable.
     */
    public YamlReader reportingAt(Function<Loc, String> newWhere) {
        return new YamlReader(problems, newWhere);
    }

    public Problems problems() {
        return problems;
    }

    /** Reports {@code where: message} for a problem at {@code loc}. */
    public void problem(Loc loc, String message) {
        problems.add(loc.line(), where.apply(loc) + ": " + message);
    }

    /**
     * Parses {@code text}; on a syntax error reports {@code file:line: invalid YAML: reason} and
     * returns null.
     */
    public YamlNode parse(String source, String text) {
        try {
            return YamlNode.parse(source, text);
        } catch (YamlSyntaxException e) {
            problem(e.loc(), "invalid YAML: " + e.reason());
            return null;
        }
    }

    // ---- key checks ----------------------------------------------------------------------------

    /**
     * Reports each key of {@code map} not in {@code allowed}:
     * {@code path: unknown key 'k' (did you mean 'x'?); allowed keys: a, b, c}.
     */
    public void unknownKeys(YamlNode.MapNode map, Collection<String> allowed, String path) {
        for (Map.Entry<String, Loc> e : map.keyLocs().entrySet()) {
            if (!allowed.contains(e.getKey())) {
                problem(e.getValue(), path + ": unknown key '" + e.getKey() + "'" + DidYouMean.hint(e.getKey(), allowed)
                        + "; allowed keys: " + String.join(", ", allowed));
            }
        }
    }

    /** The value of a required key; when it is absent, reports {@code message} at the mapping and returns null. */
    public YamlNode required(YamlNode.MapNode map, String key, String message) {
        YamlNode node = map.entries().get(key);
        if (node == null) {
            problem(map.loc(), message);
        }
        return node;
    }

    // ---- type checks ---------------------------------------------------------------------------

    /** The node as a mapping; otherwise reports {@code path: expected EXPECTED, got TYPE}. */
    public YamlNode.MapNode mapping(YamlNode node, String path, String expected) {
        if (node == null || node instanceof YamlNode.MapNode) {
            return (YamlNode.MapNode) node;
        }
        expected(node, path, expected);
        return null;
    }

    /** The node as a list; otherwise reports {@code path: expected EXPECTED, got TYPE}. */
    public YamlNode.Seq list(YamlNode node, String path, String expected) {
        if (node == null || node instanceof YamlNode.Seq) {
            return (YamlNode.Seq) node;
        }
        expected(node, path, expected);
        return null;
    }

    /** Reports {@code path: expected EXPECTED, got TYPE} ("a list", "a mapping", "a scalar" or "null"). */
    public void expected(YamlNode node, String path, String expected) {
        problem(node.loc(), path + ": expected " + expected + ", got " + node.typeName());
    }

    // ---- typed values --------------------------------------------------------------------------

    /** A scalar's text (a number or boolean as written); null is not a string. */
    public String string(YamlNode node, String path) {
        if (node == null) {
            return null;
        }
        if (node instanceof YamlNode.Scalar s && !s.isNull()) {
            return s.text();
        }
        expected(node, path, "a string");
        return null;
    }

    /** {@link #string} of the value of {@code key}, empty when the key is absent or the value is no string. */
    public Optional<String> optionalString(YamlNode.MapNode map, String key, String path) {
        return Optional.ofNullable(string(map.entries().get(key), path));
    }

    /** A list of strings; items that are not strings are reported as {@code path[i]} and left out. */
    public List<String> stringList(YamlNode node, String path) {
        List<String> out = new ArrayList<>();
        YamlNode.Seq seq = list(node, path, "a list of strings");
        if (seq == null) {
            return out;
        }
        for (int i = 0; i < seq.items().size(); i++) {
            String s = string(seq.items().get(i), path + "[" + i + "]");
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** A mapping of names to strings, in the order written; values that are not strings are reported as {@code path.NAME}. */
    public Map<String, String> stringMap(YamlNode node, String path) {
        Map<String, String> out = new LinkedHashMap<>();
        YamlNode.MapNode map = mapping(node, path, "a mapping of NAME: string");
        if (map == null) {
            return out;
        }
        map.entries().forEach((k, v) -> {
            String s = string(v, path + "." + k);
            if (s != null) {
                out.put(k, s);
            }
        });
        return out;
    }

    /** A bare boolean ({@code true}, {@code false}, and YAML 1.1's yes/no/on/off); a quoted one is a string. */
    public Boolean bool(YamlNode node, String path) {
        if (node == null) {
            return null;
        }
        if (node instanceof YamlNode.Scalar s && !s.isNull() && !s.isString()) {
            Optional<Boolean> b = YamlScalars.bool(s.text());
            if (b.isPresent()) {
                return b.get();
            }
        }
        problem(node.loc(), path + ": expected true or false, got " + shown(node));
        return null;
    }

    /**
     * One of a fixed set of names: the string parsed by {@code parse}; otherwise reports
     * {@code path: 'TEXT' is not one of VALID}.
     */
    public <T> T oneOf(YamlNode node, String path, Function<String, Optional<T>> parse, String valid) {
        String text = string(node, path);
        if (text == null) {
            return null;
        }
        Optional<T> value = parse.apply(text);
        if (value.isEmpty()) {
            problem(node.loc(), path + ": '" + text + "' is not one of " + valid);
        }
        return value.orElse(null);
    }

    /**
     * The tree as JSON: strings stay strings, bare scalars become numbers, booleans or null as
     * YAML 1.1 reads them; a bare scalar that is none of those is reported (it must be quoted).
     * Null when anything was reported.
     */
    public JsonNode json(YamlNode node, String path) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (node instanceof YamlNode.MapNode map) {
            ObjectNode out = f.objectNode();
            boolean ok = true;
            for (Map.Entry<String, YamlNode> e : map.entries().entrySet()) {
                JsonNode v = json(e.getValue(), path + "." + e.getKey());
                ok &= v != null;
                if (v != null) {
                    out.set(e.getKey(), v);
                }
            }
            return ok ? out : null;
        }
        if (node instanceof YamlNode.Seq seq) {
            ArrayNode out = f.arrayNode();
            boolean ok = true;
            for (int i = 0; i < seq.items().size(); i++) {
                JsonNode v = json(seq.items().get(i), path + "[" + i + "]");
                ok &= v != null;
                if (v != null) {
                    out.add(v);
                }
            }
            return ok ? out : null;
        }
        YamlNode.Scalar s = (YamlNode.Scalar) node;
        if (s.isNull()) {
            return NullNode.instance;
        }
        if (s.isString()) {
            return TextNode.valueOf(s.text());
        }
        Optional<Boolean> b = YamlScalars.bool(s.text());
        if (b.isPresent()) {
            return BooleanNode.valueOf(b.get());
        }
        Optional<Double> special = YamlScalars.specialFloat(s.text());
        if (special.isPresent()) {
            return DoubleNode.valueOf(special.get());
        }
        Optional<BigDecimal> number = YamlScalars.number(s.text());
        if (number.isPresent()) {
            return DecimalNode.valueOf(number.get());
        }
        problem(node.loc(), path + ": cannot turn '" + s.text() + "' into a JSON value; quote it to make it a string");
        return null;
    }

    /** A node as messages show what was written: a scalar quoted ({@code '0.5'}), else its type. */
    public static String shown(YamlNode node) {
        return node instanceof YamlNode.Scalar s && !s.isNull() ? "'" + s.text() + "'" : node.typeName();
    }
}
