package dev.anneal.watcher.rules.cel;

import dev.cel.runtime.CelVariableResolver;

/**
 * Typed variable lookups for the fast path of {@link CompiledExpr}: the same variables as
 * {@link #find(String)}, without an {@code Optional} per lookup or a switch on the name.
 *
 * <p>Contract: each method returns exactly what {@code find} returns for the corresponding name,
 * unwrapped, or {@code null} where {@code find} returns empty. An implementation must keep the two
 * consistent; the fast path and the CEL fallback may both be used for one evaluation.
 */
public interface FastVariables extends CelVariableResolver {

    /** {@code find(name).orElse(null)} for a field or derived name (never a built-in name). */
    Object variable(String name);

    /**
     * {@code find(name).orElse(null)} for a name that is not a derived name of the environment the
     * expression was compiled in, that is a plain record field: an implementation whose derived
     * values all belong to that environment may skip looking for a derived value. The default is
     * {@link #variable}.
     */
    default Object field(String name) {
        return variable(name);
    }

    /** {@code find("record").orElse(null)}. */
    Object record();

    /** {@code find("params").orElse(null)}. */
    Object params();

    /** {@code find("window").orElse(null)}. */
    Object window();

    /** {@code find("alert").orElse(null)}. */
    Object alert();

    /** {@code find("kind").orElse(null)}. */
    Object kind();

    /** {@code find("run_id").orElse(null)}. */
    Object runId();

    /** {@code find("baseline").orElse(null)}. */
    Object baseline();

    /** Adapts any resolver; {@link FastVariables} instances are returned as they are. */
    static FastVariables of(CelVariableResolver vars) {
        if (vars instanceof FastVariables f) {
            return f;
        }
        return new FastVariables() {
            @Override
            public java.util.Optional<Object> find(String name) {
                return vars.find(name);
            }

            @Override
            public Object variable(String name) {
                return vars.find(name).orElse(null);
            }

            @Override
            public Object record() {
                return vars.find(ExprEnvironment.RECORD).orElse(null);
            }

            @Override
            public Object params() {
                return vars.find(ExprEnvironment.PARAMS).orElse(null);
            }

            @Override
            public Object window() {
                return vars.find(ExprEnvironment.WINDOW).orElse(null);
            }

            @Override
            public Object alert() {
                return vars.find(ExprEnvironment.ALERT).orElse(null);
            }

            @Override
            public Object kind() {
                return vars.find(ExprEnvironment.KIND).orElse(null);
            }

            @Override
            public Object runId() {
                return vars.find(ExprEnvironment.RUN_ID).orElse(null);
            }

            @Override
            public Object baseline() {
                return vars.find(ExprEnvironment.BASELINE).orElse(null);
            }
        };
    }
}
