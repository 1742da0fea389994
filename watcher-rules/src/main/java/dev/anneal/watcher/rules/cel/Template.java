package dev.anneal.watcher.rules.cel;

import dev.anneal.watcher.rules.model.FieldValues;
import dev.anneal.watcher.rules.spec.Expr;
import dev.cel.runtime.CelVariableResolver;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An annotation or reason template: literal text with {@code {{ CEL }}} placeholders, each
 * compiled once at load. Besides the usual variables, placeholders see {@code value} and
 * {@code threshold} (the rule's observed value and threshold) through derived names.
 * Numbers render with up to 6 significant digits, so output is stable across runs.
 */
public final class Template {

    private final List<Object> parts;
    private final String text;

    private Template(String text, List<Object> parts) {
        this.text = text;
        this.parts = List.copyOf(parts);
    }

    public static Template compile(Expr expr, ExprEnvironment env) throws ExprCompileException {
        String text = expr.text();
        List<Object> parts = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int open = text.indexOf("{{", i);
            if (open < 0) {
                parts.add(text.substring(i));
                break;
            }
            if (open > i) {
                parts.add(text.substring(i, open));
            }
            int close = text.indexOf("}}", open + 2);
            if (close < 0) {
                throw new ExprCompileException("unclosed '{{' at offset " + open + " in template \"" + text + "\"");
            }
            String inner = text.substring(open + 2, close).trim();
            if (inner.isEmpty()) {
                throw new ExprCompileException("empty '{{ }}' at offset " + open + " in template \"" + text + "\"");
            }
            parts.add(env.compileAny(new Expr(inner, expr.loc())));
            i = close + 2;
        }
        return new Template(text, parts);
    }

    /** The variables the template's placeholders read (see {@link CompiledExpr#identifiers()}). */
    public java.util.Set<String> identifiers() {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (Object part : parts) {
            if (part instanceof CompiledExpr e) {
                out.addAll(e.identifiers());
            }
        }
        return out;
    }

    /** True when the template is exactly one placeholder, whose value may be a list. */
    public boolean isSinglePlaceholder() {
        return parts.size() == 1 && parts.get(0) instanceof CompiledExpr;
    }

    /**
     * True when every placeholder runs on the fast path (see {@link CompiledExpr#isFastPath()});
     * vacuously true for a template without placeholders.
     */
    public boolean isFastPath() {
        return parts.stream().allMatch(p -> !(p instanceof CompiledExpr e) || e.isFastPath());
    }

    /**
     * Renders to one string, or empty when a placeholder fails: for a caller that has no record to
     * bind (a rules reload closing an alert) and would rather leave a text out than publish
     * {@code <error: ...>} in it.
     */
    public java.util.Optional<String> renderComplete(CelVariableResolver vars) {
        StringBuilder sb = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof CompiledExpr e) {
                try {
                    sb.append(format(e.eval(vars)));
                } catch (ExprEvaluationException ex) {
                    return java.util.Optional.empty();
                }
            } else {
                sb.append((String) part);
            }
        }
        return java.util.Optional.of(sb.toString());
    }

    /** Renders to one string; a failing placeholder renders as {@code <error: ...>}. */
    public String render(CelVariableResolver vars) {
        StringBuilder sb = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof CompiledExpr e) {
                try {
                    sb.append(format(e.eval(vars)));
                } catch (ExprEvaluationException ex) {
                    sb.append("<error: ").append(ex.getMessage()).append('>');
                }
            } else {
                sb.append((String) part);
            }
        }
        return sb.toString();
    }

    /** Renders a single-placeholder template that yields a list into one string per element. */
    public List<String> renderList(CelVariableResolver vars) {
        if (isSinglePlaceholder()) {
            try {
                Object v = ((CompiledExpr) parts.get(0)).eval(vars);
                if (v instanceof Collection<?> c) {
                    return c.stream().map(Template::format).collect(Collectors.toList());
                }
                return List.of(format(v));
            } catch (ExprEvaluationException ex) {
                return List.of("<error: " + ex.getMessage() + ">");
            }
        }
        return List.of(render(vars));
    }

    /** Formats a value the way every watcher output does. */
    public static String format(Object v) {
        if (FieldValues.isMissing(v)) {
            return "none";
        }
        if (v instanceof Double || v instanceof Float) {
            return formatNumber(((Number) v).doubleValue());
        }
        if (v instanceof Collection<?> c) {
            return c.stream().map(Template::format).collect(Collectors.joining(", "));
        }
        return String.valueOf(v);
    }

    public static String formatNumber(double d) {
        if (!Double.isFinite(d)) {
            return Double.toString(d);
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return new BigDecimal(d).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    @Override
    public String toString() {
        return text;
    }
}
