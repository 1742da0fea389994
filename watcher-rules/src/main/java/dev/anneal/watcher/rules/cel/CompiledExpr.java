package dev.anneal.watcher.rules.cel;

import dev.anneal.watcher.rules.model.FieldValues;
import dev.anneal.watcher.rules.spec.Expr;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelUnknownSet;
import dev.cel.runtime.CelVariableResolver;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

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
    /** Expression id to the variable it reads ({@code x}, or {@code record.x}), for error messages. */
    private final Map<Long, String> variableAt;
    private final Set<String> identifiers;

    CompiledExpr(Expr source, CelRuntime.Program program, FastNode fast, String slowReason,
                 CelAbstractSyntaxTree ast) {
        this.source = source;
        this.program = program;
        this.fast = fast;
        this.slowReason = fast == null ? slowReason : null;
        Map<Long, String> at = new HashMap<>();
        Set<String> idents = new LinkedHashSet<>();
        CelNavigableAst.fromAst(ast).getRoot().allNodes().forEach(node -> describe(node, at, idents));
        this.variableAt = Collections.unmodifiableMap(at);
        this.identifiers = Collections.unmodifiableSet(idents);
    }

    private static void describe(CelNavigableExpr node, Map<Long, String> at, Set<String> idents) {
        CelExpr e = node.expr();
        switch (e.exprKind().getKind()) {
            case IDENT -> {
                at.put(e.id(), e.ident().name());
                idents.add(e.ident().name());
            }
            case SELECT -> {
                CelExpr operand = e.select().operand();
                if (operand.exprKind().getKind() == CelExpr.ExprKind.Kind.IDENT) {
                    at.put(e.id(), operand.ident().name() + "." + e.select().field());
                    idents.add(operand.ident().name() + "." + e.select().field());
                }
            }
            default -> {
                // other nodes read no variable by name
            }
        }
    }

    /**
     * The variables the expression reads: bare identifiers ({@code loss_total}, {@code baseline})
     * and one level of selection on an identifier ({@code window.bc_mean}, {@code alert.value}).
     */
    public Set<String> identifiers() {
        return identifiers;
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
            Object v = program.eval(vars);
            if (v instanceof CelUnknownSet unknown) {
                // CEL answers "unknown" rather than failing when a variable is absent.
                throw new ExprEvaluationException(missing(unknown));
            }
            return v;
        } catch (CelEvaluationException e) {
            throw new ExprEvaluationException(e.getMessage());
        } catch (RuntimeException e) {
            throw new ExprEvaluationException(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private String missing(CelUnknownSet unknown) {
        Set<String> names = new TreeSet<>();
        for (Long id : unknown.unknownExprIds()) {
            String name = variableAt.get(id);
            if (name != null) {
                names.add(name);
            }
        }
        return names.isEmpty() ? "reads a value the record does not have"
                : "the record has no value for " + String.join(", ", names);
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
