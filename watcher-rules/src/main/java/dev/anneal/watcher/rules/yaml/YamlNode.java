package dev.anneal.watcher.rules.yaml;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.anneal.watcher.rules.spec.Loc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree whose every node knows the line it was written on. Jackson's tree
 * model drops locations, and every strict loader's errors must name the line, so the tree is built
 * from the token stream. Duplicate keys are rejected by the parser. {@link YamlReader} reads
 * typed values out of it.
 */
public sealed interface YamlNode {

    Loc loc();

    /** A human name for the node's type, for "expected a list, got a scalar" messages. */
    String typeName();

    /**
     * A scalar: its text as written, whether it was the null value and whether it was a string
     * token (quoted, or a plain scalar YAML reads as a string) rather than a number or boolean.
     */
    record Scalar(String text, boolean isNull, boolean isString, Loc loc) implements YamlNode {
        @Override
        public String typeName() {
            return isNull ? "null" : "a scalar";
        }
    }

    /** A sequence. */
    record Seq(List<YamlNode> items, Loc loc) implements YamlNode {
        @Override
        public String typeName() {
            return "a list";
        }
    }

    /** A mapping, in the order written, with the line of each key. */
    record MapNode(Map<String, YamlNode> entries, Map<String, Loc> keyLocs, Loc loc) implements YamlNode {
        @Override
        public String typeName() {
            return "a mapping";
        }
    }

    /**
     * Parses one YAML document; the empty document yields a null scalar.
     *
     * @param file the name of the text's source, used in every node's {@link Loc}
     * @throws YamlSyntaxException when the text is not YAML (or repeats a key)
     */
    static YamlNode parse(String file, String text) throws YamlSyntaxException {
        try (JsonParser p = TreeBuilder.FACTORY.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return new Scalar("", true, false, new Loc(file, 1));
            }
            return TreeBuilder.read(file, p);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
            throw new YamlSyntaxException(new Loc(file, line), YamlSyntaxException.oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            // Reading a String does no I/O; Jackson declares the exception for its stream parsers.
            throw new UncheckedIOException(e);
        }
    }
}
