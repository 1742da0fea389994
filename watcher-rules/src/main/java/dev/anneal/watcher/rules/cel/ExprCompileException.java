package dev.anneal.watcher.rules.cel;

/** A CEL expression does not compile; the message is CEL's, with its caret diagram. */
public final class ExprCompileException extends Exception {

    private static final long serialVersionUID = 1L;

    public ExprCompileException(String message) {
        super(message);
    }
}
