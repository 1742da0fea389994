package dev.anneal.watcher.rules.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.watcher.rules.spec.Loc;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The shared strict reader: every message in the one format {@code file:line: path: message}. */
class YamlReaderTest {

    private final Problems problems = new Problems();
    private final YamlReader yaml = new YamlReader(problems);

    private static YamlNode.MapNode map(String text) throws YamlSyntaxException {
        return (YamlNode.MapNode) YamlNode.parse("f.yaml", text);
    }

    @Test
    void nodesKnowTheirLinesAndTypes() throws Exception {
        YamlNode.MapNode m = map("a: 1\nb:\n  - x\n  - 'y'\nc: {d: ~}\n");
        assertThat(m.keyLocs()).containsExactly(Map.entry("a", new Loc("f.yaml", 1)),
                Map.entry("b", new Loc("f.yaml", 2)), Map.entry("c", new Loc("f.yaml", 5)));
        YamlNode.Seq b = (YamlNode.Seq) m.entries().get("b");
        assertThat(b.items()).extracting(YamlNode::loc).extracting(Loc::line).containsExactly(3, 4);
        assertThat(b.items().get(1)).isEqualTo(new YamlNode.Scalar("y", false, true, new Loc("f.yaml", 4)));
        assertThat(m.entries().get("a")).isEqualTo(new YamlNode.Scalar("1", false, false, new Loc("f.yaml", 1)));
        assertThat(((YamlNode.MapNode) m.entries().get("c")).entries().get("d").typeName()).isEqualTo("null");
        assertThat(List.of(m.typeName(), b.typeName(), m.entries().get("a").typeName()))
                .containsExactly("a mapping", "a list", "a scalar");
        assertThat(YamlNode.parse("e.yaml", "")).isEqualTo(new YamlNode.Scalar("", true, false, new Loc("e.yaml", 1)));
    }

    @Test
    void syntaxErrorsAreOneLineWithTheirLine() {
        assertThatThrownBy(() -> YamlNode.parse("f.yaml", "a: [1, 2\nb: 3\n"))
                .isInstanceOfSatisfying(YamlSyntaxException.class, e -> {
                    assertThat(e.loc().line()).isEqualTo(2);
                    assertThat(e.reason()).doesNotContain("\n").startsWith("while parsing a flow sequence; ");
                    assertThat(e.getMessage()).isEqualTo("f.yaml:2: invalid YAML: " + e.reason());
                });
        assertThat(yaml.parse("f.yaml", "a: 1\nb: 2\na: 3\n")).isNull();
        assertThat(problems.inOrder()).containsExactly(
                "f.yaml:3: invalid YAML: duplicate key 'a'; a key may appear only once in a mapping");
    }

    @Test
    void unknownKeysAreReportedAtTheirLineWithAHint() throws Exception {
        YamlNode.MapNode m = map("name: a\ntreshold: 1\ncolour: red\n");
        yaml.unknownKeys(m, List.of("name", "threshold", "value"), "rules[0]");
        assertThat(problems.inOrder()).containsExactly(
                "f.yaml:2: rules[0]: unknown key 'treshold' (did you mean 'threshold'?); allowed keys: name, "
                        + "threshold, value",
                "f.yaml:3: rules[0]: unknown key 'colour'; allowed keys: name, threshold, value");
    }

    @Test
    void requiredKeysAreReportedAtTheirMapping() throws Exception {
        YamlNode.MapNode m = map("a: 1\n");
        assertThat(yaml.required(m, "a", "unused")).isNotNull();
        assertThat(yaml.required(m, "b", "x: missing key 'b'")).isNull();
        assertThat(problems.inOrder()).containsExactly("f.yaml:1: x: missing key 'b'");
    }

    @Test
    void typeChecksSayWhatWasExpectedAndWhatWasWritten() throws Exception {
        YamlNode.MapNode m = map("l: [a, {b: 1}, ~]\ns: text\nm: {k: v, n: [1]}\nnull_value: ~\n");
        assertThat(yaml.list(m.entries().get("s"), "s", "a list of rules")).isNull();
        assertThat(yaml.mapping(m.entries().get("l"), "l", "a mapping of NAME: X")).isNull();
        assertThat(yaml.string(m.entries().get("m"), "m")).isNull();
        assertThat(yaml.stringList(m.entries().get("l"), "l")).containsExactly("a");
        assertThat(yaml.stringMap(m.entries().get("m"), "m")).containsExactly(Map.entry("k", "v"));
        assertThat(yaml.string(m.entries().get("null_value"), "null_value")).isNull();
        assertThat(problems.inOrder()).containsExactly(
                "f.yaml:2: s: expected a list of rules, got a scalar",
                "f.yaml:1: l: expected a mapping of NAME: X, got a list",
                "f.yaml:3: m: expected a string, got a mapping",
                "f.yaml:1: l[1]: expected a string, got a mapping",
                "f.yaml:1: l[2]: expected a string, got null",
                "f.yaml:3: m.n: expected a string, got a list",
                "f.yaml:4: null_value: expected a string, got null");
    }

    @Test
    void anAbsentKeyIsNeitherReportedNorRead() throws Exception {
        YamlNode.MapNode m = map("a: 1\n");
        YamlNode absent = m.entries().get("b");
        assertThat(yaml.string(absent, "b")).isNull();
        assertThat(yaml.optionalString(m, "b", "b")).isEmpty();
        assertThat(yaml.stringList(absent, "b")).isEmpty();
        assertThat(yaml.stringMap(absent, "b")).isEmpty();
        assertThat(yaml.mapping(absent, "b", "a mapping")).isNull();
        assertThat(yaml.list(absent, "b", "a list")).isNull();
        assertThat(yaml.bool(absent, "b")).isNull();
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void choicesAndBooleans() throws Exception {
        YamlNode.MapNode m = map("a: on\nb: 'true'\nc: warn\nd: info\n");
        assertThat(yaml.bool(m.entries().get("a"), "a")).isTrue();
        assertThat(yaml.bool(m.entries().get("b"), "b")).isNull();
        Function<String, Optional<String>> info = t -> Optional.of(t).filter("info"::equals);
        String c = yaml.oneOf(m.entries().get("c"), "c", info, "info");
        String d = yaml.oneOf(m.entries().get("d"), "d", info, "info");
        assertThat(c).isNull();
        assertThat(d).isEqualTo("info");
        assertThat(problems.inOrder()).containsExactly(
                "f.yaml:2: b: expected true or false, got 'true'",
                "f.yaml:3: c: 'warn' is not one of info");
    }

    @Test
    void yamlBecomesJsonAndOddScalarsMustBeQuoted() throws Exception {
        YamlNode.MapNode m = map("r: {a: 1.50, b: 'x', c: yes, d: ~, e: .inf, f: 0x10, g: [1_000]}\nbad: {t: 0b101}\n");
        JsonNode r = yaml.json(m.entries().get("r"), "r");
        assertThat(r.get("e").doubleValue()).isEqualTo(Double.POSITIVE_INFINITY);
        ((ObjectNode) r).remove("e");
        assertThat(r.toString()).isEqualTo("{\"a\":1.50,\"b\":\"x\",\"c\":true,\"d\":null,\"f\":16,\"g\":[1000]}");
        assertThat(yaml.json(m.entries().get("bad"), "bad")).isNull();
        assertThat(problems.inOrder()).containsExactly(
                "f.yaml:2: bad.t: cannot turn '0b101' into a JSON value; quote it to make it a string");
    }

    @Test
    void problemsKeepTheirOrderOrSortByLine() throws Exception {
        YamlNode.MapNode m = map("a: 1\nb: 2\n");
        yaml.problem(m.keyLocs().get("b"), "second line");
        yaml.problem(m.keyLocs().get("a"), "first line");
        problems.add(Integer.MAX_VALUE, "other.yaml:7: last");
        problems.at("option --x", "not a line");
        assertThat(problems.count()).isEqualTo(4);
        assertThat(problems.inOrder()).containsExactly("f.yaml:2: second line", "f.yaml:1: first line",
                "other.yaml:7: last", "option --x: not a line");
        assertThat(problems.byLine()).containsExactly("option --x: not a line", "f.yaml:1: first line",
                "f.yaml:2: second line", "other.yaml:7: last");
    }

    @Test
    void aReaderCanNameItsPlacesOtherwise() throws Exception {
        YamlNode node = YamlNode.parse("env", "[1, x]");
        YamlReader fromEnv = yaml.reportingAt(loc -> "environment variable WATCHER_X");
        fromEnv.mapping(node, "x", "a mapping");
        assertThat(problems.inOrder()).containsExactly("environment variable WATCHER_X: x: expected a mapping, got "
                + "a list");
    }

    @Test
    void shownQuotesScalarsAndNamesOtherTypes() throws Exception {
        YamlNode.MapNode m = map("a: 0.5\nb: [1]\nc: ~\n");
        assertThat(YamlReader.shown(m.entries().get("a"))).isEqualTo("'0.5'");
        assertThat(YamlReader.shown(m.entries().get("b"))).isEqualTo("a list");
        assertThat(YamlReader.shown(m.entries().get("c"))).isEqualTo("null");
    }
}
