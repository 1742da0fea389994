package dev.anneal.watcher.rules.load;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.anneal.watcher.rules.spec.Loc;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree whose every node knows the line it was written on. Jackson's tree
 * model drops locations, and rule-file errors must name the line, so the loader walks the token
 * stream itself. Duplicate keys are rejected by the parser.
 */
public sealed interface YamlNode {

    Loc loc();

    /** A human name for the node's type, for "expected a list, got a scalar" messages. */
    String typeName();

    record Scalar(String text, boolean isNull, boolean isString, Loc loc) implements YamlNode {
        @Override
        public String typeName() {
            return isNull ? "null" : "a scalar";
        }
    }

    record Seq(List<YamlNode> items, Loc loc) implements YamlNode {
        @Override
        public String typeName() {
            return "a list";
        }
    }

    record MapNode(Map<String, YamlNode> entries, Map<String, Loc> keyLocs, Loc loc) implements YamlNode {
        @Override
        public String typeName() {
            return "a mapping";
        }
    }

    YAMLFactory FACTORY = YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** Parses one YAML document; the empty document yields a null scalar. */
    static YamlNode parse(String file, String text) throws IOException {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return new Scalar("", true, false, new Loc(file, 1));
            }
            return read(file, p);
        }
    }

    private static YamlNode read(String file, JsonParser p) throws IOException {
        Loc loc = new Loc(file, Math.max(1, p.currentTokenLocation().getLineNr()));
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                Map<String, YamlNode> entries = new LinkedHashMap<>();
                Map<String, Loc> keyLocs = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    Loc keyLoc = new Loc(file, Math.max(1, p.currentTokenLocation().getLineNr()));
                    p.nextToken();
                    entries.put(key, read(file, p));
                    keyLocs.put(key, keyLoc);
                }
                return new MapNode(entries, keyLocs, loc);
            }
            case START_ARRAY: {
                List<YamlNode> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(file, p));
                }
                return new Seq(items, loc);
            }
            case VALUE_NULL:
                return new Scalar("", true, false, loc);
            case VALUE_STRING:
                return new Scalar(p.getText(), false, true, loc);
            default:
                return new Scalar(p.getText(), false, false, loc);
        }
    }
}
