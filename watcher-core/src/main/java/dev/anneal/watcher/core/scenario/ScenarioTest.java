package dev.anneal.watcher.core.scenario;

import dev.anneal.watcher.core.decode.InputFormat;
import dev.anneal.watcher.core.replay.CommandSchedule;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.spec.Loc;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One test of a scenario file: an input, the rule set it is replayed through (the file's rule
 * files compiled with the file's and the test's parameters), and what the replay must produce.
 *
 * @param name   the test's name, unique in its file
 * @param loc    where the test is written
 * @param runId  the run id for records without an envelope {@code run_id}
 * @param format the input framing
 * @param input  the records
 * @param params the parameter overrides in effect (file-level merged with test-level)
 * @param rules  the compiled rule set
 * @param expect the expectations
 * @param commands operator commands to apply during the replay, each after its run's N-th record
 */
public record ScenarioTest(
        String name,
        Loc loc,
        String runId,
        InputFormat format,
        ScenarioInput input,
        Map<String, String> params,
        RuleSet rules,
        Expectations expect,
        List<CommandSchedule.Entry> commands) {

    public ScenarioTest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(loc, "loc");
        Objects.requireNonNull(runId, "runId");
        if (runId.isBlank()) {
            throw new IllegalArgumentException("runId must not be blank");
        }
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(input, "input");
        params = Collections.unmodifiableMap(new TreeMap<>(params));
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(expect, "expect");
        commands = List.copyOf(commands);
    }
}
