package dev.anneal.watcher.core.stream;

import java.time.Instant;
import java.util.Locale;

/** Telemetry messages for the topology tests: a healthy PPO epoch and variations of it. */
final class Telemetry {

    private Telemetry() {
    }

    /** A PPO epoch (loss 1.37, steady entropy) with the given kl_divergence and grad_norm. */
    static String ppo(double kl, double grad) {
        return String.format(Locale.ROOT, "{\"epoch\": 1.0, \"loss_total\": 1.37, \"kl_divergence\": %s, "
                + "\"grad_norm\": %s, \"batch_entropy_mean\": 1.38, \"data_mode\": \"replay\"}", kl, grad);
    }

    static String healthy() {
        return ppo(0.01, 1.0);
    }

    /** A KL and grad spike in one record: kl_grad_rollback (ROLLBACK), kl_gate and grad_gate (HOLD). */
    static String spike() {
        return ppo(0.07, 2.6);
    }

    /** {@code data} wrapped in an envelope naming the run and the event time. */
    static String envelope(String runId, Instant ts, String data) {
        return "{\"run_id\": \"" + runId + "\", \"ts\": \"" + ts + "\", \"data\": " + data + "}";
    }

    /** {@code data} wrapped in an envelope naming only the run. */
    static String envelope(String runId, String data) {
        return "{\"run_id\": \"" + runId + "\", \"data\": " + data + "}";
    }

    /**
     * An anneal-stage PPO record whose loss is {@code drift} (a fraction) above its stage baseline
     * 1.5, for loss_drift_rollback (two consecutive breaching stages roll back).
     */
    static String annealStage(double drift, double kl) {
        return String.format(Locale.ROOT, "{\"epoch\": 1.0, \"anneal_stage\": \"stage-1\", \"loss_total\": %s, "
                + "\"anneal_loss_baseline\": 1.5, \"kl_divergence\": %s, \"grad_norm\": 1.0, "
                + "\"batch_entropy_mean\": 1.38, \"data_mode\": \"replay\"}", 1.5 * (1 + drift), kl);
    }
}
