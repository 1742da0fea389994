package dev.anneal.watcher.core.generate;

import dev.anneal.watcher.core.generate.PpoStreamGenerator.Drift;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * One run of a {@link PpoStreamGenerator} stream: its own random stream, the random walks of its
 * losses, entropy and queue counts, and the previous stage per dataset (the trainer's anneal
 * baselines). Each call of {@link #write} appends the run's next record; the class comment of
 * {@link PpoStreamGenerator} says what the records look like and why.
 */
final class RunGenerator {

    private static final int LOSS_RAMP_STAGES = 6;
    private static final String[] SCENARIOS = {"idle_v1", "queue_conflict", "employment_punctuality",
        "rivalry_decay", "kitchen_breakfast"};

    private final long count;
    private final SplittableRandom rng;
    private final byte[] runIdJson;
    private final Drift drift;
    private final long driftStart;
    private final String replayLabel;
    private final double bcAccuracy;
    private final double queueLevel;
    private final double baselineRewardMean;
    private final double baselineLogProb;
    private final double rivalryMaxMean;
    private final double avoidCountMean;

    private long k;
    private double steps;
    private double entropy;
    private double lossLevel;
    private final double rolloutLossRatio;
    // previous stage per data mode (0 replay, 1 rollout); NaN = none yet
    private final double[] prevLoss = {Double.NaN, Double.NaN};
    private final double[] prevQueue = {Double.NaN, Double.NaN};
    private final double[] prevIntensity = {Double.NaN, Double.NaN};

    /**
     * @param seed  the stream's seed
     * @param run   the run's number (0-based)
     * @param runs  runs in the stream (the width of the run id)
     * @param drift how the run misbehaves, if at all
     * @param count records the run writes
     */
    RunGenerator(long seed, int run, int runs, Drift drift, long count) {
        this.count = count;
        this.rng = new SplittableRandom(PpoStreamGenerator.mix(seed * 0x9E3779B97F4A7C15L + run));
        this.runIdJson = JsonLine.asciiBytes(
                "{\"run_id\":\"" + PpoStreamGenerator.runIdFor(run, runs) + "\",\"ts\":\"");
        this.drift = drift;
        this.replayLabel = SCENARIOS[rng.nextInt(SCENARIOS.length)];
        this.bcAccuracy = 0.9 + 0.1 * rng.nextDouble();
        this.queueLevel = 26 + rng.nextInt(14);
        this.baselineRewardMean = -0.1 - 0.2 * rng.nextDouble();
        this.baselineLogProb = -1.36 - 0.03 * rng.nextDouble();
        this.rivalryMaxMean = 0.8 + 0.1 * rng.nextDouble();
        this.avoidCountMean = 1.1 + 0.15 * rng.nextDouble();
        this.entropy = 1.15 + 0.18 * rng.nextDouble();
        this.lossLevel = 1.25 + 0.55 * rng.nextDouble();
        this.rolloutLossRatio = 0.88 + 0.09 * rng.nextDouble();
        // Drift somewhere in the second quarter of the run, on a replay stage.
        long start = count / 4 + (count >= 8 ? rng.nextLong(Math.max(1, count / 4)) : 0);
        this.driftStart = start - (start % 2);
    }

    /** Records this run writes in all. */
    long count() {
        return count;
    }

    /** Appends the run's next record, stamped {@code ts} (epoch millis), to {@code o}. */
    void write(JsonLine o, long ts) {
        int mode = (int) (k % 2);
        boolean rollout = mode == 1;
        long sinceDrift = k - driftStart;

        // Loss: the replay dataset's loss walks by at most +-4 % per replay stage inside
        // 1.15-1.9; the rollout loss follows it at a fixed per-run ratio (0.88-0.97, +-1 %),
        // so consecutive stages stay close (loss_variance_gate looks at the last three stages
        // of both datasets together). The loss ramp multiplies both by 1.25 per stage for six
        // stages, then drops back to the run's level (holding a level 3.8x higher would
        // scale the variance of the alternating losses by 14 and flap loss_variance_gate).
        if (!rollout) {
            double step = 1 + 0.04 * (2 * rng.nextDouble() - 1);
            lossLevel = Math.max(1.15, Math.min(1.9, lossLevel * step));
        }
        double l = rollout
                ? lossLevel * rolloutLossRatio * (1 + 0.01 * (2 * rng.nextDouble() - 1))
                : lossLevel;
        if (drift == Drift.LOSS_RAMP && sinceDrift >= 0 && sinceDrift < LOSS_RAMP_STAGES) {
            l *= Math.pow(1.25, sinceDrift + 1);
        }
        entropy = Math.max(1.09, Math.min(1.39, entropy + 0.02 * (rng.nextDouble() - 0.5)));
        double kl = 0.001 + 0.039 * rng.nextDouble();
        double grad = 0.2 + 2.2 * rng.nextDouble();
        if (drift == Drift.KL_GRAD_SPIKE && sinceDrift == 1) {
            kl = 0.06 + 0.03 * rng.nextDouble();
            grad = 2.7 + 0.8 * rng.nextDouble();
        }
        double queue = 0;
        double intensity = 0;
        if (rollout) {
            double queueScale = 1.0;
            if (drift == Drift.FLAG_FLIP && (sinceDrift == 1 || sinceDrift == 3)) {
                queueScale = sinceDrift == 1 ? 0.75 : 0.5625;
            }
            queue = Math.round(queueLevel * queueScale * (1 + 0.04 * (2 * rng.nextDouble() - 1)));
            intensity = Math.round(queue * 1.5 * (1 + 0.02 * (2 * rng.nextDouble() - 1)) * 4) / 4.0;
        }
        double entropyMean = entropy;
        double policy = -(0.002 + 0.023 * rng.nextDouble());
        double value = (l - policy + 0.01 * entropyMean) / 0.5;
        double transitions = rollout ? 120 : 180;
        steps += transitions;
        double clip = rng.nextInt(4) == 0 ? 0.0 : 0.005 + 0.045 * rng.nextDouble();
        int clipBatches = clip == 0.0 ? 0 : 1 + rng.nextInt(4);

        o.raw(runIdJson);
        o.ascii(Instant.ofEpochMilli(ts).toString());
        o.ascii("\",\"data\":{");
        o.key("epoch").num(k / 2 + 1, 1);
        o.key("updates").num(12, 1);
        o.key("transitions").num(transitions, 1);
        o.key("loss_policy").num(policy, 6);
        o.key("loss_value").num(value, 5);
        o.key("loss_entropy").num(entropyMean, 5);
        o.key("loss_total").num(l, 5);
        o.key("clip_fraction").num(clip, 5);
        o.key("adv_mean").sci((rng.nextBoolean() ? 1 : -1) * (1 + 9 * rng.nextDouble()) * 1e-8);
        o.key("adv_std").num(0.88 + 0.11 * rng.nextDouble(), 5);
        o.key("grad_norm").num(grad, 5);
        o.key("kl_divergence").num(kl, 6);
        o.key("telemetry_version").num(1.2, 1);
        o.key("lr").num(0.0003, 4);
        o.key("steps").num(steps, 1);
        o.key("adv_zero_std_batches").num(0, 1);
        o.key("adv_min_std").num(0.7 + 0.2 * rng.nextDouble(), 4);
        o.key("clip_triggered_minibatches").num(clipBatches, 1);
        o.key("clip_fraction_max").num(clip == 0.0 ? 0.0 : clip * (2 + rng.nextDouble()), 5);
        o.key("epoch_duration_sec").num(0.015 + 0.015 * rng.nextDouble(), 5);
        o.key("data_mode").str(rollout ? "rollout" : "replay");
        o.key("cycle_id").num(k == 0 ? 0 : (k - 1) / 2, 1);
        o.key("batch_entropy_mean").num(entropyMean, 5);
        o.key("batch_entropy_std").num(0.0001 + 0.0002 * rng.nextDouble(), 6);
        o.key("grad_norm_max").num(grad * (1.2 + 0.4 * rng.nextDouble()), 4);
        o.key("kl_divergence_max").num(kl * (1.5 + rng.nextDouble()), 5);
        o.key("reward_advantage_corr").num(rng.nextInt(5) == 0 ? 0.3 * (2 * rng.nextDouble() - 1) : 0.0, 4);
        o.key("rollout_ticks").num(rollout ? 40 : 0, 1);
        o.key("log_stream_offset").num(k + 1, 1);
        o.key("queue_conflict_events").num(queue, 1);
        o.key("queue_conflict_intensity_sum").num(intensity, 2);
        int chats = rollout ? rng.nextInt(4) : 0;
        int fails = rollout ? rng.nextInt(3) : 0;
        o.key("shared_meal_events").num(rollout ? rng.nextInt(3) : 0, 1);
        o.key("late_help_events").num(rollout ? rng.nextInt(3) : 0, 1);
        o.key("shift_takeover_events").num(rollout ? rng.nextInt(2) : 0, 1);
        o.key("chat_success_events").num(chats, 1);
        o.key("chat_failure_events").num(fails, 1);
        o.key("chat_quality_mean").num(chats + fails == 0 ? 0.0 : 0.4 + 0.5 * rng.nextDouble(), 4);
        o.key("utility_outage_events").num(0, 1);
        o.key("shower_complete_events").num(1, 1);
        o.key("sleep_complete_events").num(1, 1);
        o.key("anneal_cycle").num(k + 1, 1);
        o.key("anneal_stage").str("ppo");
        o.key("anneal_dataset").str(rollout ? "anneal_dataset" : replayLabel);
        o.key("anneal_bc_accuracy").num(bcAccuracy, 4);
        o.key("anneal_bc_threshold").num(0.9, 1);
        o.key("anneal_bc_passed").bool(bcAccuracy >= 0.9);
        double lb = prevLoss[mode];
        double qb = prevQueue[mode];
        double ib = prevIntensity[mode];
        o.key("anneal_loss_baseline").numOrNull(lb, 5);
        o.key("anneal_queue_baseline").numOrNull(qb, 1);
        o.key("anneal_intensity_baseline").numOrNull(ib, 2);
        double lossRounded = JsonLine.round(l, 5);
        o.key("anneal_loss_flag")
                .bool(!Double.isNaN(lb) && lb != 0 && Math.abs(lossRounded - lb) / Math.abs(lb) > 0.10);
        o.key("anneal_queue_flag").bool(!Double.isNaN(qb) && qb != 0 && queue < 0.85 * qb);
        o.key("anneal_intensity_flag").bool(!Double.isNaN(ib) && ib != 0 && intensity < 0.85 * ib);
        o.key("baseline_sample_count").num(3, 1);
        o.key("baseline_reward_mean").num(baselineRewardMean, 4);
        o.key("baseline_reward_sum").num(rollout ? -24 : -36, 1);
        o.key("baseline_reward_sum_mean").num(rollout ? -8 : -12, 1);
        o.key("baseline_log_prob_mean").num(baselineLogProb, 4);
        o.key("conflict.rivalry_max_mean_avg").num(rivalryMaxMean + 0.02 * rng.nextDouble(), 4);
        o.key("conflict.rivalry_max_max_avg").num(0.99, 2);
        o.key("conflict.rivalry_avoid_count_mean_avg").num(avoidCountMean + 0.02 * rng.nextDouble(), 4);
        o.key("conflict.rivalry_avoid_count_max_avg").num(1.3333, 4);
        o.ascii("}}\n");

        prevLoss[mode] = lossRounded;
        prevQueue[mode] = queue;
        prevIntensity[mode] = intensity;
        k++;
    }
}
