package dev.anneal.watcher.core.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.watcher.core.output.CommandFormatException;
import dev.anneal.watcher.core.output.CommandJson;
import dev.anneal.watcher.core.replay.CommandSchedule;
import dev.anneal.watcher.rules.yaml.YamlNode;
import dev.anneal.watcher.rules.yaml.YamlReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code commands:} of a scenario test: operator commands replayed where the test says, as
 * {@code replay --commands} does. Each item is a command in the wire format ({@code CommandJson})
 * plus {@code after}, the run's accepted records after which it applies, with defaults filled in
 * so a test writes only what matters:
 *
 * <pre>
 * commands:
 *   - {after: 3, type: clear}                       # id c1, the test's run, actor and reason "scenario"
 *   - {after: 4, type: silence, issued_at: "2026-01-01T00:05:00Z", silence: {rule: loss_gate, duration: 1h}}
 * </pre>
 *
 * Defaults: {@code command_id} {@code c1}, {@code c2}, ... in order; {@code run_id} the test's;
 * {@code actor} and {@code reason} {@code scenario}; {@code issued_at} {@code 1970-01-01T00:00:00Z}
 * (give it for a silence of timestamped records: a silence lasts from it). Every problem is
 * reported with its line, as the rest of the file's.
 */
final class ScenarioCommands {

    /** The key of an item's position. */
    static final String AFTER = "after";

    private final YamlReader yaml;

    ScenarioCommands(YamlReader yaml) {
        this.yaml = yaml;
    }

    /** The commands of a test, or an empty list without {@code commands}; null when one is invalid. */
    List<CommandSchedule.Entry> read(YamlNode node, String path, String runId) {
        List<CommandSchedule.Entry> out = new ArrayList<>();
        if (node == null) {
            return out;
        }
        YamlNode.Seq seq = yaml.list(node, path, "a list of commands, each {after: N, type: ..., ...}");
        if (seq == null) {
            return null;
        }
        boolean ok = true;
        for (int i = 0; i < seq.items().size(); i++) {
            String p = path + "[" + i + "]";
            YamlNode item = seq.items().get(i);
            JsonNode json = yaml.json(item, p);
            if (!(json instanceof ObjectNode o)) {
                if (json != null) {
                    yaml.problem(item.loc(), p + ": expected a command mapping {after: N, type: ...}");
                }
                ok = false;
                continue;
            }
            JsonNode after = o.get(AFTER);
            // YAML numbers arrive as doubles: a whole one is a count.
            if (after == null || !after.isNumber() || after.asDouble() < 0
                    || after.asDouble() != Math.floor(after.asDouble()) || after.asDouble() > Long.MAX_VALUE) {
                yaml.problem(item.loc(), p + ".after: required, the run's accepted records after which the command "
                        + "applies (a whole number >= 0)");
                ok = false;
                continue;
            }
            o.putIfAbsent("command_id", o.textNode("c" + (i + 1)));
            o.putIfAbsent("run_id", o.textNode(runId));
            o.putIfAbsent("actor", o.textNode("scenario"));
            o.putIfAbsent("reason", o.textNode("scenario"));
            o.putIfAbsent("issued_at", o.textNode("1970-01-01T00:00:00Z"));
            try {
                out.add(new CommandSchedule.Entry(CommandJson.parse(o, Set.of(AFTER)), after.asLong()));
            } catch (CommandFormatException e) {
                yaml.problem(item.loc(), p + ": " + e.getMessage());
                ok = false;
            }
        }
        return ok ? out : null;
    }
}
