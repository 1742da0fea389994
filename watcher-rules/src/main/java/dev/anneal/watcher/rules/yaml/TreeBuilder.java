package dev.anneal.watcher.rules.yaml;

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

/** The token-stream walk behind {@link YamlNode#parse}: each node takes the line of its first token. */
final class TreeBuilder {

    static final YAMLFactory FACTORY = YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private TreeBuilder() {
    }

    /** The node starting at the parser's current token. */
    static YamlNode read(String file, JsonParser p) throws IOException {
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
                return new YamlNode.MapNode(entries, keyLocs, loc);
            }
            case START_ARRAY: {
                List<YamlNode> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(file, p));
                }
                return new YamlNode.Seq(items, loc);
            }
            case VALUE_NULL:
                return new YamlNode.Scalar("", true, false, loc);
            case VALUE_STRING:
                return new YamlNode.Scalar(p.getText(), false, true, loc);
            default:
                return new YamlNode.Scalar(p.getText(), false, false, loc);
        }
    }
}
