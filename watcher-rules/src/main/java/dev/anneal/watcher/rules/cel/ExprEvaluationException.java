package dev.anneal.watcher.rules.cel;

/**
 * A compiled expression failed on one record (a field it reads is absent, a value has the wrong
 * type, a division by zero). The engine counts and reports these per rule; the rule is treated as
 * not matching that record.
 */
public final class ExprEvaluationException extends Exception {

    private static final long serialVersionUID = 1L;

    public ExprEvaluationException(String message) {
        super(message, null, false, false);
    }
}
