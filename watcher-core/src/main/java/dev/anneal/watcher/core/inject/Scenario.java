package dev.anneal.watcher.core.inject;

import dev.anneal.watcher.rules.model.Action;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The built-in drift drills of {@code watcher inject --scenario}: each one a realistic run
 * ({@link ScenarioGenerator}) that misbehaves in one way the default pack ({@code anneal-gates})
 * guards against, with the recommendation it must lead to. {@code watcher inject --list} prints
 * this table, and the tests hold every scenario to its promise through the daemon's topology.
 *
 * <p>"Leads to" means the run's last recommendation once the drill has been sent (what the
 * compacted recommendations topic keeps for the run): the drifting scenarios end on the drift or
 * latch it (FREEZE and ROLLBACK hold until an operator clears them), so it is also the highest
 * action the run reached.
 */
public enum Scenario {

    HEALTHY("healthy", "healthy PPO anneal stages around the recorded baselines, then two passing "
            + "rehearsal summaries", Action.PROMOTE, List.of(), 0),
    LOSS_FLAG_FLIP("loss-flag-flip", "healthy PPO stages; the last anneal stage carries anneal_loss_flag = true "
            + "(the incident drill: flip the flag, decide hold/freeze/rollback)", Action.HOLD,
            List.of("anneal_loss_flag"), 0),
    LOSS_DRIFT("loss-drift", "loss_total ramps 25 % per anneal stage, beyond the 15 % band over its baseline",
            Action.ROLLBACK, List.of("loss_drift_rollback"), 0),
    BC_DIP("bc-dip", "healthy PPO stages, then a rehearsal whose BC accuracy is 0.82 (below the 0.85 floor; "
            + "townlet's own 0.8 threshold still passes it)", Action.ROLLBACK, List.of("bc_accuracy_floor"), 0),
    KL_GRAD_SPIKE("kl-grad-spike", "one anneal stage with kl_divergence above 0.05 and grad_norm above 2.5 "
            + "together", Action.ROLLBACK, List.of("kl_grad_rollback"), 0),
    QUEUE_COLLAPSE("queue-collapse", "queue conflict events collapse 25 % on two rollout stages "
            + "(the trainer's queue flags flip)", Action.FREEZE, List.of("queue_drift_freeze"), 0),
    TELEMETRY_STALL("telemetry-stall", "healthy PPO stages stamped 11 minutes in the past, then nothing: the "
            + "run went quiet longer than stale_after (600 s)", Action.HOLD, List.of("stale_telemetry"), 0),
    MALFORMED("malformed", "three healthy PPO stages, then six bad messages: truncated JSON, an unknown "
            + "envelope key, an unknown kind, a PPO record without loss_total, a non-numeric grad_norm, an "
            + "empty message", Action.PASS, List.of(), 6);

    private final String id;
    private final String description;
    private final Action expected;
    private final List<String> rules;
    private final int deadLetters;

    Scenario(String id, String description, Action expected, List<String> rules, int deadLetters) {
        this.id = id;
        this.description = description;
        this.expected = expected;
        this.rules = rules;
        this.deadLetters = deadLetters;
    }

    /** The name {@code --scenario} takes. */
    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    /** The run's last recommendation under the default pack once the drill has been sent. */
    public Action expected() {
        return expected;
    }

    /** Rules that must fire on the way (empty for healthy and malformed). */
    public List<String> rules() {
        return rules;
    }

    /** Messages the daemon must dead-letter. */
    public int deadLetters() {
        return deadLetters;
    }

    /** What {@code --list} says the scenario leads to. */
    public String outcome() {
        StringBuilder sb = new StringBuilder(expected.name());
        if (!rules.isEmpty()) {
            sb.append(" (").append(String.join(", ", rules)).append(')');
        }
        if (deadLetters > 0) {
            sb.append(", ").append(deadLetters).append(" dead letters");
        }
        return sb.toString();
    }

    /** The scenario named {@code id}. */
    public static Optional<Scenario> byId(String id) {
        String wanted = id.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(s -> s.id.equals(wanted)).findFirst();
    }

    /** The names, comma-separated, for messages. */
    public static String names() {
        return Arrays.stream(values()).map(Scenario::id).collect(Collectors.joining(", "));
    }
}
