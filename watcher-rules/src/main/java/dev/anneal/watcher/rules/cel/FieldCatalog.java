package dev.anneal.watcher.rules.cel;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The field names rule expressions may use as bare identifiers, from townlet's schema (K1 PPO
 * records of every generation, K3 stages, the rehearsal facts our decoder derives, K9 audits,
 * K2 health lines). Declaring them lets CEL reject a misspelt field when the rule file is
 * loaded rather than at 3 a.m. Any other key, including dotted ones such as
 * {@code conflict.rivalry_max_mean_avg}, is reachable through {@code record["..."]}.
 */
public final class FieldCatalog {

    private static final Set<String> FIELDS = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(
            // K1 PPO epoch records
            "epoch", "updates", "transitions", "loss_policy", "loss_value", "loss_entropy", "loss_total",
            "clip_fraction", "adv_mean", "adv_std", "grad_norm", "lr", "steps", "kl_divergence",
            "telemetry_version", "adv_zero_std_batches", "adv_min_std", "clip_triggered_minibatches",
            "clip_fraction_max", "epoch_duration_sec", "data_mode", "cycle_id", "batch_entropy_mean",
            "batch_entropy_std", "grad_norm_max", "kl_divergence_max", "reward_advantage_corr", "rollout_ticks",
            "log_stream_offset", "queue_conflict_events", "queue_conflict_intensity_sum", "shared_meal_events",
            "late_help_events", "shift_takeover_events", "chat_success_events", "chat_failure_events",
            "chat_quality_mean", "utility_outage_events", "shower_complete_events", "sleep_complete_events",
            "anneal_cycle", "anneal_stage", "anneal_dataset", "anneal_bc_accuracy", "anneal_bc_threshold",
            "anneal_bc_passed", "anneal_loss_baseline", "anneal_queue_baseline", "anneal_intensity_baseline",
            "anneal_loss_flag", "anneal_queue_flag", "anneal_intensity_flag", "baseline_sample_count",
            "baseline_reward_mean", "baseline_reward_sum", "baseline_reward_sum_mean", "baseline_log_prob_mean",
            // K3 anneal stages
            "cycle", "mode", "accuracy", "loss", "threshold", "passed", "bc_weight", "rolled_back",
            "bc_accuracy", "bc_threshold", "bc_passed", "schema_version", "duration_sec",
            // rehearsal summaries (facts derived by the decoder)
            "form", "status_field", "stages", "promotion_candidate_ready", "pass_streak", "required_passes",
            "loss_flag", "queue_flag", "intensity_flag", "candidate_ready_field", "ppo_loss_total", "dataset",
            "payload_decision", "payload_candidate_ready",
            // K9 BC dataset audits
            "versions_path", "datasets", "failures", "warnings", "timestamp",
            // K2 tick_health lines
            "tick", "duration_ms", "queue", "dropped", "flush_ms", "payloads_total", "bytes_total",
            "perturbations_pending", "perturbations_active", "exit_queue")));

    private FieldCatalog() {
    }

    public static Set<String> fields() {
        return FIELDS;
    }
}
