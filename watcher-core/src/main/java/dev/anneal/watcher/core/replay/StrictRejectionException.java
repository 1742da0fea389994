package dev.anneal.watcher.core.replay;

import dev.anneal.watcher.core.decode.Rejection;

/** Under {@code --strict}, the first rejected record ends the replay (exit 65). */
public final class StrictRejectionException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Rejection rejection;

    public StrictRejectionException(Rejection rejection) {
        super(rejection.position() + ": " + rejection.reason());
        this.rejection = rejection;
    }

    public Rejection rejection() {
        return rejection;
    }
}
