package dev.anneal.watcher.rules;

import dev.anneal.watcher.rules.engine.DeadlineQueue;
import dev.anneal.watcher.rules.engine.Due;
import dev.anneal.watcher.rules.engine.Engine;
import dev.anneal.watcher.rules.engine.RuleError;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.engine.RunState;
import dev.anneal.watcher.rules.engine.Step;
import dev.anneal.watcher.rules.load.RuleFileLoader;
import dev.anneal.watcher.rules.load.RuleLoadException;
import dev.anneal.watcher.rules.load.RuleSetCompiler;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.FieldValues;
import dev.anneal.watcher.rules.model.Recommendation;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.SourcePosition;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Drives one {@link Engine} over an inline YAML pack, the way {@code replay} does (every run in
 * memory, absence deadlines in a {@link DeadlineQueue} as replay's run store keeps them), and
 * records everything it returns. Records are evaluated as given; time advances only through
 * {@link #advanceTime}. Records get positions {@code t.jsonl:1}, {@code t.jsonl:2},
 * ... in feeding order; a record fed without a timestamp gets its 0-based ordinal as event time,
 * exactly as the decoder does.
 *
 * <p>Field values are normalised like the decoder normalises JSON: any {@link Number} becomes a
 * {@link Double}, and a Java {@code null} value means JSON null ({@link FieldValues#NULL}). To
 * leave a key out, do not mention it.
 */
public final class EngineHarness {

    /** The source name every record position uses. */
    public static final String SOURCE = "t.jsonl";
    /** The run id records get unless {@link #run(String)} changes it. */
    public static final String RUN = "run-1";

    private final RuleSet ruleSet;
    private final Engine engine;
    private final Map<String, RunState> runs = new LinkedHashMap<>();
    private final DeadlineQueue deadlines;
    private final List<Step> steps = new ArrayList<>();
    private final List<AlertEvent> alerts = new ArrayList<>();
    private final List<Recommendation> recommendations = new ArrayList<>();
    private final List<RuleError> errors = new ArrayList<>();
    private String runId = RUN;
    private long ordinal;

    private EngineHarness(RuleSet ruleSet) {
        this.ruleSet = ruleSet;
        this.engine = new Engine(ruleSet);
        this.deadlines = new DeadlineQueue(engine);
    }

    /** Loads and compiles {@code yaml} (source name {@code test.yaml}) with no overrides. */
    public static RuleSet compile(String yaml) throws RuleLoadException {
        return compile(yaml, Map.of());
    }

    /** Loads and compiles {@code yaml} with {@code --param} style overrides. */
    public static RuleSet compile(String yaml, Map<String, String> overrides) throws RuleLoadException {
        return RuleSetCompiler.compile(List.of(RuleFileLoader.load("test.yaml", yaml)), overrides);
    }

    public static EngineHarness of(String yaml) throws RuleLoadException {
        return new EngineHarness(compile(yaml));
    }

    public static EngineHarness of(String yaml, Map<String, String> overrides) throws RuleLoadException {
        return new EngineHarness(compile(yaml, overrides));
    }

    public static EngineHarness of(RuleSet ruleSet) {
        return new EngineHarness(ruleSet);
    }

    /** Builds a field map from alternating keys and values, normalised as described above. */
    public static Map<String, Object> fields(Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("fields() takes key, value pairs");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            out.put((String) keyValues[i], normalise(keyValues[i + 1]));
        }
        return out;
    }

    private static Object normalise(Object v) {
        if (v == null) {
            return FieldValues.NULL;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        return v;
    }

    /** Records fed from now on belong to {@code id}. */
    public EngineHarness run(String id) {
        this.runId = id;
        return this;
    }

    /** The next record's position, {@code t.jsonl:N}. */
    public SourcePosition nextPosition() {
        return SourcePosition.line(SOURCE, ordinal + 1);
    }

    /** A record without a timestamp (event time is its ordinal), at the next position. */
    public TelemetryRecord record(RecordKind kind, Map<String, Object> fields) {
        return new TelemetryRecord(runId, kind, nextPosition(), ordinal, false, false, fields);
    }

    /** A record with an envelope timestamp ({@code epochMillis}), at the next position. */
    public TelemetryRecord recordAt(RecordKind kind, long epochMillis, Map<String, Object> fields) {
        return new TelemetryRecord(runId, kind, nextPosition(), epochMillis, true, false, fields);
    }

    /** Feeds one record to its run (created on first sight) and collects its output. */
    public Step process(TelemetryRecord record) {
        ordinal++;
        RunState run = runs.computeIfAbsent(record.runId(), engine::newRun);
        Step step = engine.process(run, record);
        deadlines.update(run);
        return collect(step);
    }

    /** Feeds an untimed record of {@code kind} with the given key/value pairs. */
    public Step feed(RecordKind kind, Object... keyValues) {
        return process(record(kind, fields(keyValues)));
    }

    /** Feeds a timestamped record of {@code kind} at {@code epochMillis}. */
    public Step feedAt(RecordKind kind, long epochMillis, Object... keyValues) {
        return process(recordAt(kind, epochMillis, fields(keyValues)));
    }

    /** Advances the clock of every run (absence rules), firing in deadline order; one step for all. */
    public Step advanceTime(long now) {
        Step step = Step.EMPTY;
        for (Due due : deadlines.due(now, runs::get)) {
            step = step.then(engine.advanceTime(due.run(), due.rule(), now));
            deadlines.update(due.run());
        }
        return collect(step);
    }

    private Step collect(Step step) {
        steps.add(step);
        alerts.addAll(step.alerts());
        recommendations.addAll(step.recommendations());
        errors.addAll(step.errors());
        return step;
    }

    public Engine engine() {
        return engine;
    }

    public RuleSet ruleSet() {
        return ruleSet;
    }

    public List<Step> steps() {
        return Collections.unmodifiableList(steps);
    }

    public List<AlertEvent> alerts() {
        return Collections.unmodifiableList(alerts);
    }

    public List<Recommendation> recommendations() {
        return Collections.unmodifiableList(recommendations);
    }

    public List<RuleError> errors() {
        return Collections.unmodifiableList(errors);
    }

    /** The current run's state. */
    public RunState runState() {
        return runs.get(runId);
    }

    /** Every run's state, in first-seen order. */
    public Map<String, RunState> runs() {
        return Collections.unmodifiableMap(runs);
    }

    /** The lifecycle state of rule {@code ruleId} for the current run (INACTIVE before any record). */
    public AlertState state(String ruleId) {
        RunState run = runState();
        if (run == null) {
            return AlertState.INACTIVE;
        }
        for (int i = 0; i < ruleSet.rules().size(); i++) {
            if (ruleSet.rules().get(i).id().equals(ruleId)) {
                return run.rule(i).state();
            }
        }
        throw new IllegalArgumentException("no enabled rule " + ruleId);
    }

    /** The latest recommendation (null before any record). */
    public Recommendation lastRecommendation() {
        return recommendations.isEmpty() ? null : recommendations.get(recommendations.size() - 1);
    }

    /**
     * One step's alert events rendered compactly for table tests: {@code -} when there were none,
     * else the states entered, joined with {@code +} (e.g. {@code pending}, {@code resolved+pending}).
     */
    public static String describe(Step step) {
        if (step.alerts().isEmpty()) {
            return "-";
        }
        return step.alerts().stream().map(a -> a.state().id()).collect(Collectors.joining("+"));
    }

    /** {@link #describe(Step)} for every step so far, space-separated. */
    public String timeline() {
        return steps.stream().map(EngineHarness::describe).collect(Collectors.joining(" "));
    }

    /** The actions of every recommendation emitted so far, space-separated. */
    public String recommendationTimeline() {
        return recommendations.stream()
                .map(r -> r.action().name() + (r.latched() ? "!" : ""))
                .collect(Collectors.joining(" "));
    }
}
