package dev.anneal.watcher.app.http;

/**
 * Who may call a route. Each route declares one; {@link BearerAuth} decides per request. The levels
 * exist because the callers differ: liveness and readiness probes and Prometheus scrapes come from
 * the platform and cannot easily carry a token, while the run API and (later) the operator commands
 * are for people and tools that can.
 */
public enum Access {
    /** Always open: {@code /healthz}, {@code /readyz}. A probe must never need a secret. */
    PROBE,
    /** {@code /metrics}: open unless {@code http.auth.protect_metrics} is true, then like {@link #READ}. */
    METRICS,
    /** The read API ({@code /api/*}): needs the bearer token when one is configured. */
    READ,
    /**
     * Endpoints that change state (operator commands): always need the bearer token, and are refused
     * outright when no token is configured, so a daemon started without one can never be steered over
     * the network.
     */
    WRITE
}
