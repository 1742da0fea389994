package dev.anneal.watcher.core.replay;

import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.Recommendation;
import dev.anneal.watcher.rules.model.RunStatus;
import java.util.List;
import java.util.Objects;

/**
 * A run's outcome over a replay.
 *
 * <p>The {@code decision} is the run's verdict: the highest alert action (HOLD, FREEZE,
 * ROLLBACK) its recommendation reached anywhere in the stream, even if it later recovered; only
 * when it never reached one is the verdict its final state (PROMOTE or PASS). A CI gate must
 * never pass a recording in which something went wrong and later recovered.
 *
 * @param runId    the run
 * @param decision the verdict
 * @param reasons  the reasons behind the verdict (those of the recommendation that set it)
 * @param decidedBy the recommendation that set the verdict
 * @param last     the run's final recommendation
 * @param alerts   for each rule that alerted, its latest episode (with whether any episode fired),
 *                  in order of first appearance
 * @param status    whether the run was still active at the end of the replay or had ended (an
 *                  expired run ended)
 * @param endReason why it ended ({@code run ended: ...}), or null while active
 */
public record RunSummary(String runId, Action decision, List<String> reasons, Recommendation decidedBy,
                         Recommendation last, List<AlertSummary> alerts, RunStatus status, String endReason) {

    /** A run still active at the end. */
    public RunSummary(String runId, Action decision, List<String> reasons, Recommendation decidedBy,
                      Recommendation last, List<AlertSummary> alerts) {
        this(runId, decision, reasons, decidedBy, last, alerts, RunStatus.ACTIVE, null);
    }

    public RunSummary {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(decidedBy, "decidedBy");
        Objects.requireNonNull(last, "last");
        reasons = List.copyOf(reasons);
        alerts = List.copyOf(alerts);
    }
}
