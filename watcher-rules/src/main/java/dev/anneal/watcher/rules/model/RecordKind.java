package dev.anneal.watcher.rules.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * The kinds of telemetry record the watcher understands. Each kind has a stable lower-case id
 * used in rule selectors ({@code kinds: [ppo]}), in the envelope's {@code kind} field and in
 * output files; the ids are public API.
 */
public enum RecordKind {
    /** A PPO epoch record (townlet K1, every schema generation), or the PPO stage of an anneal result (K3). */
    PPO("ppo"),
    /** A BC stage of an anneal result (K3 {@code mode: "bc"}). */
    BC_STAGE("bc_stage"),
    /** A rehearsal summary (K5, the CI variant, or the legacy simple form K5a). */
    REHEARSAL("rehearsal"),
    /** A BC dataset audit report (K9). */
    BC_AUDIT("bc_audit"),
    /** A {@code tick_health} line (K2). */
    HEALTH("health"),
    /**
     * The explicit end of a run: an envelope of kind {@code run_end} (its {@code data} may hold a
     * {@code reason}), sent by trainers and {@code watcher inject} when a run is over. It is a
     * terminal record, like a rehearsal summary: the run ends after it is evaluated.
     */
    RUN_END("run_end");

    private final String id;

    RecordKind(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Optional<RecordKind> fromId(String id) {
        return Arrays.stream(values()).filter(k -> k.id.equals(id)).findFirst();
    }

    @Override
    public String toString() {
        return id;
    }
}
