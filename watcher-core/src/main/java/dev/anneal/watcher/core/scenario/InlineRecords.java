package dev.anneal.watcher.core.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.watcher.rules.yaml.YamlNode;
import dev.anneal.watcher.rules.yaml.YamlReader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A test's inline {@code records:}, turned into the lines of an input: a mapping (or a list of
 * them) becomes one JSON line with the {@code defaults} filled in under its own fields; a string
 * is the line's text as it is.
 */
final class InlineRecords {

    /** Envelope keys, as the decoder's {@code Envelope} knows them. */
    private static final Set<String> ENVELOPE_KEYS = Set.of("data", "run_id", "kind", "ts", "synthetic");

    /** Serialises inline records; NaN and infinities are written as bare tokens, as Python does. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .build();

    private final YamlReader yaml;

    InlineRecords(YamlReader yaml) {
        this.yaml = yaml;
    }

    /** {@code base} with the fields of a {@code defaults} mapping set over it. */
    ObjectNode defaults(YamlNode node, String path, ObjectNode base) {
        ObjectNode out = base.deepCopy();
        if (yaml.mapping(node, path, "a mapping of record fields") == null) {
            return out;
        }
        JsonNode json = yaml.json(node, path);
        if (json != null) {
            out.setAll((ObjectNode) json);
        }
        return out;
    }

    /** The lines of a {@code records} list; null when it is not a list. */
    List<String> lines(YamlNode recordsNode, String path, ObjectNode defaults) {
        YamlNode.Seq seq = yaml.list(recordsNode, path, "a list of records");
        if (seq == null) {
            return null;
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < seq.items().size(); i++) {
            YamlNode item = seq.items().get(i);
            String itemPath = path + "[" + i + "]";
            if (item instanceof YamlNode.Scalar s && s.isString()) {
                if (s.text().indexOf('\n') >= 0 || s.text().indexOf('\r') >= 0) {
                    yaml.problem(item.loc(), itemPath + ": a raw line must not contain a line break");
                }
                lines.add(s.text());
            } else if (item instanceof YamlNode.MapNode || item instanceof YamlNode.Seq) {
                JsonNode json = yaml.json(item, itemPath);
                if (json != null) {
                    try {
                        lines.add(JSON.writeValueAsString(withDefaults(json, defaults)));
                    } catch (JsonProcessingException e) {
                        yaml.problem(item.loc(), itemPath + ": cannot write as JSON: " + e.getOriginalMessage());
                    }
                }
            } else {
                yaml.expected(item, itemPath, "a record mapping (or a string of raw line text)");
            }
        }
        return lines;
    }

    /**
     * Fills in {@code defaults} under an inline record's own fields: in a plain record, in an
     * envelope's {@code data}, and in each object of an array.
     */
    private static JsonNode withDefaults(JsonNode record, ObjectNode defaults) {
        if (defaults.isEmpty()) {
            return record;
        }
        if (record instanceof ArrayNode array) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            array.forEach(element -> out.add(withDefaults(element, defaults)));
            return out;
        }
        if (!(record instanceof ObjectNode object)) {
            return record;
        }
        if (isEnvelope(object)) {
            ObjectNode out = object.deepCopy();
            out.set("data", withDefaults(object.get("data"), defaults));
            return out;
        }
        ObjectNode out = defaults.deepCopy();
        out.setAll(object);
        return out;
    }

    /** The decoder's envelope test ({@code Envelope.isEnvelope}), restated for inline records. */
    private static boolean isEnvelope(ObjectNode object) {
        if (!object.has("data")) {
            return false;
        }
        if (object.has("run_id") || object.has("kind")) {
            return true;
        }
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            if (!ENVELOPE_KEYS.contains(names.next())) {
                return false;
            }
        }
        return true;
    }
}
