package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.cel.CompiledExpr;
import dev.anneal.watcher.rules.cel.ExprEnvironment;
import dev.anneal.watcher.rules.cel.ExprEvaluationException;
import dev.anneal.watcher.rules.cel.FastVariables;
import dev.anneal.watcher.rules.model.SourcePosition;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The variables one evaluation sees, resolved lazily by name so that no per-record activation
 * map is built. Derived values are computed on first use and cached for the record, so a derive
 * that only rehearsal rules read costs nothing on PPO records. Reused across records by one
 * engine (single-threaded). Implements {@link FastVariables} so that fast-path expressions read
 * variables without a name switch or an {@code Optional}; {@link #find} and the typed accessors
 * read the same state, so both views always agree.
 */
final class EvalContext implements FastVariables {

    /** Marks a derived value whose evaluation failed (or is in progress) for this record. */
    private static final Object FAILED = new Object();

    private final Map<String, Double> params;
    final Map<String, Object> derived = new HashMap<>();
    final Map<String, Double> window = new HashMap<>();
    final Map<String, Object> alert = new HashMap<>();
    private Map<String, Object> fields = Map.of();
    private String kind = "";
    private String runId = "";
    Double baseline;
    private Map<String, CompiledExpr> derivations = Map.of();
    private List<RuleError> errors;
    private SourcePosition position;

    EvalContext(Map<String, Double> params) {
        this.params = params;
    }

    void bind(TelemetryRecord record) {
        this.position = record.position();
        this.fields = record.fields();
        this.kind = record.kind().id();
        this.runId = record.runId();
        this.baseline = null;
        this.derived.clear();
        this.window.clear();
    }

    /**
     * Switches to a pack's derived values (computed lazily) and the list that collects their
     * evaluation errors for this step.
     */
    void bindPack(Map<String, CompiledExpr> packDerivations, List<RuleError> errorSink) {
        this.derivations = packDerivations;
        this.errors = errorSink;
        this.derived.clear();
    }

    /** Binds no record: used for clock-driven transitions (absence rules). */
    void bindNone(String run) {
        this.derivations = Map.of();
        this.fields = Map.of();
        this.kind = "";
        this.runId = run;
        this.baseline = null;
        this.derived.clear();
        this.window.clear();
    }

    @Override
    public Optional<Object> find(String name) {
        switch (name) {
            case ExprEnvironment.RECORD:
                return Optional.of(fields);
            case ExprEnvironment.PARAMS:
                return Optional.of(params);
            case ExprEnvironment.WINDOW:
                return Optional.of(window);
            case ExprEnvironment.KIND:
                return Optional.of(kind);
            case ExprEnvironment.RUN_ID:
                return Optional.of(runId);
            case ExprEnvironment.BASELINE:
                return Optional.ofNullable(baseline);
            case ExprEnvironment.ALERT:
                return Optional.of(alert);
            default:
                return Optional.ofNullable(variable(name));
        }
    }

    @Override
    public Object variable(String name) {
        Object cached = derived.get(name); // only the bound pack's derived values are ever cached
        if (cached != null) {
            return cached == FAILED ? null : cached;
        }
        CompiledExpr derivation = derivations.get(name);
        if (derivation != null) {
            return derivedValue(name, derivation);
        }
        return fields.get(name);
    }

    /** Derived values always belong to the bound pack, whose environment compiled the expression. */
    @Override
    public Object field(String name) {
        return fields.get(name);
    }

    @Override
    public Object record() {
        return fields;
    }

    @Override
    public Object params() {
        return params;
    }

    @Override
    public Object window() {
        return window;
    }

    @Override
    public Object alert() {
        return alert;
    }

    @Override
    public Object kind() {
        return kind;
    }

    @Override
    public Object runId() {
        return runId;
    }

    @Override
    public Object baseline() {
        return baseline;
    }

    /** The derived value, computed on first use for this record; null when it failed. */
    private Object derivedValue(String name, CompiledExpr derivation) {
        Object cached = derived.get(name);
        if (cached == FAILED) {
            return null;
        }
        if (cached != null) {
            return cached;
        }
        derived.put(name, FAILED);
        try {
            Object v = derivation.eval(this);
            if (v == null) {
                return null;
            }
            derived.put(name, v);
            return v;
        } catch (ExprEvaluationException e) {
            if (errors != null) {
                errors.add(new RuleError("derive." + name, position, e.getMessage()));
            }
            return null;
        }
    }
}
