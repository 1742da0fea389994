package dev.anneal.watcher.core.output;

import dev.anneal.watcher.core.decode.Rejection;
import dev.anneal.watcher.core.replay.AlertSummary;
import dev.anneal.watcher.core.replay.ReplayResult;
import dev.anneal.watcher.core.replay.RuleErrorSummary;
import dev.anneal.watcher.core.replay.RunSummary;
import dev.anneal.watcher.rules.cel.Template;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.SourcePosition;
import java.util.List;
import java.util.Optional;

/**
 * The human-readable replay report that {@code watcher replay} prints on stdout. Plain text, no
 * colour, {@code \n} line ends, deterministic. Layout:
 *
 * <pre>
 * run RUN_ID: DECISION at SOURCE                 (HOLD, FREEZE, ROLLBACK: where it was decided;
 *                                                PROMOTE: "since SOURCE"; PASS: nothing)
 *   reason: ...
 *   - RULE at SOURCE: value V vs threshold T -&gt; ACTION
 *   final: ACTION at SOURCE                      (only when the run recovered before its end)
 *   ended: REASON                                (only when the run ended)
 * rejected records: N
 *   SOURCE: REASON                               (the first 20)
 *   ... and M more
 * rule errors:
 *   RULE: N error(s), first at SOURCE: MESSAGE
 * commands: N                                    (only with --commands)
 *   COMMAND_ID TYPE RUN by ACTOR: OUTCOME: DETAIL
 * decision: X (runs: N, records: read R, accepted A, rejected J)
 * </pre>
 *
 * Alert lines show the record on which the alert fired and the value that tripped it (from
 * {@link FiredAlerts}); without that information the alert's start and last value are shown.
 * The last line is stable for scripts to grep.
 */
public final class TextReport {

    /** How many rejected records are listed one by one before the rest are only counted. */
    public static final int MAX_REJECTIONS_SHOWN = 20;

    private TextReport() {
    }

    /** The report for a replay whose firing transitions were not recorded. */
    public static String render(ReplayResult result) {
        return render(result, new FiredAlerts());
    }

    /** The report, using {@code fired} for the record and value that made each alert fire. */
    public static String render(ReplayResult result, FiredAlerts fired) {
        StringBuilder out = new StringBuilder();
        if (result.runs().isEmpty()) {
            out.append("no runs: no record was accepted\n");
        }
        for (RunSummary run : result.runs()) {
            run(out, run, fired);
        }
        rejections(out, result.rejections());
        ruleErrors(out, result.ruleErrors());
        commands(out, result.commands());
        if (result.runs().isEmpty()) {
            // With runs, each run already shows its reasons; without, say why the decision is what it is.
            for (String reason : result.reasons()) {
                out.append("reason: ").append(reason).append('\n');
            }
        }
        out.append("decision: ").append(result.decision().name())
                .append(" (runs: ").append(result.runs().size())
                .append(", records: read ").append(result.counts().read())
                .append(", accepted ").append(result.counts().accepted())
                .append(", rejected ").append(result.counts().rejected())
                .append(")\n");
        return out.toString();
    }

    private static void run(StringBuilder out, RunSummary run, FiredAlerts fired) {
        out.append("run ").append(run.runId()).append(": ").append(run.decision().name());
        if (run.decision().isAlertAction()) {
            out.append(" at ").append(run.decidedBy().source());
        } else if (run.decision() == Action.PROMOTE) {
            out.append(" since ").append(run.decidedBy().source());
        }
        out.append('\n');
        for (String reason : run.reasons()) {
            out.append("  reason: ").append(reason).append('\n');
        }
        for (AlertSummary a : run.alerts()) {
            if (a.fired()) {
                alert(out, a, fired.firing(run.runId(), a.rule()));
            }
        }
        if (run.last().action() != run.decision()) {
            out.append("  final: ").append(run.last().action().name())
                    .append(" at ").append(run.last().source()).append('\n');
        }
        if (run.endReason() != null) {
            out.append("  ended: ").append(run.endReason()).append('\n');
        }
    }

    private static void commands(StringBuilder out, List<AuditRecord> commands) {
        if (commands.isEmpty()) {
            return;
        }
        out.append("commands: ").append(commands.size()).append('\n');
        for (AuditRecord a : commands) {
            out.append("  ").append(a.command().commandId()).append(' ').append(a.command().type().id()).append(' ')
                    .append(a.command().runId()).append(" by ").append(a.command().actor()).append(": ")
                    .append(a.outcome().id()).append(": ").append(a.detail()).append('\n');
        }
    }

    private static void alert(StringBuilder out, AlertSummary a, Optional<AlertEvent> firing) {
        SourcePosition at = firing.map(AlertEvent::source).orElse(a.startedAt());
        Double value = firing.isPresent() ? firing.get().value() : a.value();
        Double threshold = firing.isPresent() ? firing.get().threshold() : a.threshold();
        out.append("  - ").append(a.rule()).append(" at ").append(at).append(": ");
        if (value == null && threshold == null) {
            out.append("no value");
        } else {
            out.append("value ").append(number(value)).append(" vs threshold ").append(number(threshold));
        }
        out.append(" -> ").append(a.action().name());
        if (a.state() == AlertState.RESOLVED) {
            out.append(" (resolved at ").append(a.lastSource()).append(')');
        }
        out.append('\n');
    }

    private static void rejections(StringBuilder out, List<Rejection> rejections) {
        if (rejections.isEmpty()) {
            return;
        }
        out.append("rejected records: ").append(rejections.size()).append('\n');
        int shown = Math.min(MAX_REJECTIONS_SHOWN, rejections.size());
        for (int i = 0; i < shown; i++) {
            Rejection r = rejections.get(i);
            out.append("  ").append(r.position()).append(": ").append(r.reason()).append('\n');
        }
        if (rejections.size() > shown) {
            out.append("  ... and ").append(rejections.size() - shown).append(" more\n");
        }
    }

    private static void ruleErrors(StringBuilder out, List<RuleErrorSummary> errors) {
        if (errors.isEmpty()) {
            return;
        }
        out.append("rule errors:\n");
        for (RuleErrorSummary e : errors) {
            out.append("  ").append(e.rule()).append(": ").append(e.count())
                    .append(e.count() == 1 ? " error" : " errors")
                    .append(", first at ").append(e.firstPosition()).append(": ").append(e.firstMessage())
                    .append('\n');
        }
    }

    private static String number(Double v) {
        return v == null ? "none" : Template.formatNumber(v);
    }
}
