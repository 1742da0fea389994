package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.cel.CompiledExpr;
import dev.anneal.watcher.rules.cel.ExprEnvironment;
import dev.anneal.watcher.rules.cel.ExprEvaluationException;
import dev.anneal.watcher.rules.model.SourcePosition;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import dev.cel.runtime.CelVariableResolver;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The variables one evaluation sees, resolved lazily by name so that no per-record activation
 * map is built. Derived values are computed on first use and cached for the record, so a derive
 * that only rehearsal rules read costs nothing on PPO records. Reused across records by one
 * engine (single-threaded).
 */
final class EvalContext implements CelVariableResolver {

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
                CompiledExpr derivation = derivations.get(name);
                if (derivation != null) {
                    return derivedValue(name, derivation);
                }
                return Optional.ofNullable(fields.get(name));
        }
    }

    private Optional<Object> derivedValue(String name, CompiledExpr derivation) {
        Object cached = derived.get(name);
        if (cached == FAILED) {
            return Optional.empty();
        }
        if (cached != null) {
            return Optional.of(cached);
        }
        derived.put(name, FAILED);
        try {
            Object v = derivation.eval(this);
            if (v == null) {
                return Optional.empty();
            }
            derived.put(name, v);
            return Optional.of(v);
        } catch (ExprEvaluationException e) {
            if (errors != null) {
                errors.add(new RuleError("derive." + name, position, e.getMessage()));
            }
            return Optional.empty();
        }
    }
}
