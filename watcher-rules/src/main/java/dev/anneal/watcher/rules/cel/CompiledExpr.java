package dev.anneal.watcher.rules.cel;

import dev.anneal.watcher.rules.spec.Expr;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;

/** A CEL program compiled from one rule-file expression. Immutable and thread-safe. */
public final class CompiledExpr {

    private final Expr source;
    private final CelRuntime.Program program;

    CompiledExpr(Expr source, CelRuntime.Program program) {
        this.source = source;
        this.program = program;
    }

    public Expr source() {
        return source;
    }

    public Object eval(CelVariableResolver vars) throws ExprEvaluationException {
        try {
            return program.eval(vars);
        } catch (CelEvaluationException e) {
            throw new ExprEvaluationException(e.getMessage());
        } catch (RuntimeException e) {
            throw new ExprEvaluationException(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    public boolean evalBool(CelVariableResolver vars) throws ExprEvaluationException {
        Object v = eval(vars);
        if (v instanceof Boolean b) {
            return b;
        }
        throw new ExprEvaluationException("expected a boolean, got " + v);
    }

    /** Evaluates to a double; null when the result is CEL null; fails on non-numbers. */
    public Double evalNumber(CelVariableResolver vars) throws ExprEvaluationException {
        Object v = eval(vars);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (dev.anneal.watcher.rules.model.FieldValues.isMissing(v)) {
            return null;
        }
        if (v instanceof Boolean b) {
            return b ? 1.0 : 0.0;
        }
        throw new ExprEvaluationException("expected a number, got " + v);
    }

    @Override
    public String toString() {
        return source.text();
    }
}
