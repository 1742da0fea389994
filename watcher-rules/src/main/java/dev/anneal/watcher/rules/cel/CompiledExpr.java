package dev.anneal.watcher.rules.cel;

import dev.anneal.watcher.rules.model.FieldValues;
import dev.anneal.watcher.rules.spec.Expr;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import java.util.Optional;

/**
 * A CEL program compiled from one rule-file expression. Immutable and thread-safe.
 *
 * <p>Most expressions also have a <em>fast path</em>: a tree of small evaluator objects compiled
 * from the checked AST (see {@link FastCompiler}) that gives the same results as the CEL program
 * at a fraction of the cost. Expressions using a construct the fast path does not implement run on
 * the CEL program only ({@link #isFastPath()} is false, {@link #slowPathReason()} says why). A fast
 * evaluation that meets something it does not model (an absent variable, which CEL treats as
 * unknown, or an unusual value type) is redone with the CEL program, so results are always CEL's.
 */
public final class CompiledExpr {

    private final Expr source;
    private final CelRuntime.Program program;
    private final FastNode fast;
    private final String slowReason;

    CompiledExpr(Expr source, CelRuntime.Program program, FastNode fast, String slowReason) {
        this.source = source;
        this.program = program;
        this.fast = fast;
        this.slowReason = fast == null ? slowReason : null;
    }

    public Expr source() {
        return source;
    }

    /** True when evaluations run on the fast path (falling back to CEL only case by case). */
    public boolean isFastPath() {
        return fast != null;
    }

    /** Why the expression always runs on the CEL program; empty when it has a fast path. */
    public Optional<String> slowPathReason() {
        return Optional.ofNullable(slowReason);
    }

    public Object eval(CelVariableResolver vars) throws ExprEvaluationException {
        if (fast != null) {
            try {
                return fast.eval(FastVariables.of(vars));
            } catch (RuntimeException e) {
                // FastOps.Bail: the fast path cannot decide this one; anything else would be a
                // fast-path bug, and CEL's answer is the right one either way.
            }
        }
        return evalCel(vars);
    }

    /** Evaluates with the CEL program only. */
    Object evalCel(CelVariableResolver vars) throws ExprEvaluationException {
        try {
            return program.eval(vars);
        } catch (CelEvaluationException e) {
            throw new ExprEvaluationException(e.getMessage());
        } catch (RuntimeException e) {
            throw new ExprEvaluationException(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * Evaluates with the fast path only (tests and benchmarks).
     *
     * @throws FastOps.Bail when the fast path cannot decide and {@link #eval} would use CEL
     * @throws IllegalStateException when the expression has no fast path
     */
    Object evalFast(CelVariableResolver vars) throws ExprEvaluationException {
        if (fast == null) {
            throw new IllegalStateException("no fast path: " + slowReason);
        }
        return fast.eval(FastVariables.of(vars));
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
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (FieldValues.isMissing(v)) {
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
