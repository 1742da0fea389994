package dev.anneal.watcher.rules.engine;

import dev.anneal.watcher.rules.cel.ExprEnvironment;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import dev.cel.runtime.CelVariableResolver;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The variables one evaluation sees, resolved lazily by name so that no per-record activation
 * map is built. Reused across records by one engine (single-threaded).
 */
final class EvalContext implements CelVariableResolver {

    private final Map<String, Double> params;
    final Map<String, Object> derived = new HashMap<>();
    final Map<String, Double> window = new HashMap<>();
    final Map<String, Object> alert = new HashMap<>();
    private Map<String, Object> fields = Map.of();
    private String kind = "";
    private String runId = "";
    Double baseline;

    EvalContext(Map<String, Double> params) {
        this.params = params;
    }

    void bind(TelemetryRecord record) {
        this.fields = record.fields();
        this.kind = record.kind().id();
        this.runId = record.runId();
        this.baseline = null;
        this.derived.clear();
        this.window.clear();
    }

    /** Binds no record: used for clock-driven transitions (absence rules). */
    void bindNone(String run) {
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
                Object d = derived.get(name);
                if (d != null) {
                    return Optional.of(d);
                }
                return Optional.ofNullable(fields.get(name));
        }
    }
}
