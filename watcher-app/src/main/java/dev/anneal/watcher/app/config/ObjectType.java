package dev.anneal.watcher.app.config;

import dev.anneal.watcher.rules.yaml.YamlNode;
import dev.anneal.watcher.rules.yaml.YamlReader;
import java.nio.file.Path;

/**
 * How one element of a list-of-objects key (such as {@code notify.receivers}) is read from a
 * YAML mapping, strictly: unknown fields, missing required ones and bad values are reported, each
 * with its location and what to write instead. The same parser reads the file, an environment
 * variable and a flag (whose text is YAML flow, e.g. {@code {name: am, type: alertmanager, url: ...}}).
 *
 * @param <T> the parsed element
 */
interface ObjectType<T> {

    /** A short placeholder for {@code --help}, e.g. {@code {name: N, type: T, url: U}}. */
    String label();

    /** An example element in YAML flow style, for messages. */
    String example();

    /**
     * Reads one element.
     *
     * @param node    the mapping
     * @param path    its name in messages, e.g. {@code notify.receivers[0]}
     * @param baseDir what relative file paths are resolved against, or null to leave them as written
     * @param yaml    reads the mapping's values and reports each problem where the mapping came from:
     *                {@code file:line}, or the variable or flag
     * @return the element, or null when there were problems
     */
    T parse(YamlNode.MapNode node, String path, Path baseDir, YamlReader yaml);
}
