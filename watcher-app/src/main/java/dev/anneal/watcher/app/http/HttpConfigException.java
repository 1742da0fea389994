package dev.anneal.watcher.app.http;

import java.util.List;

/**
 * The HTTP server's TLS or authentication settings are contradictory, or a secret or the keystore
 * they name cannot be read. Each message names the {@code http.*} keys to fix and never holds a
 * secret. The daemon turns it into exit code 78 (configuration).
 */
public final class HttpConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public HttpConfigException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public HttpConfigException(String problem, Throwable cause) {
        super(problem, cause);
        this.problems = List.of(problem);
    }

    /** Each problem, one sentence. */
    public List<String> problems() {
        return problems;
    }
}
