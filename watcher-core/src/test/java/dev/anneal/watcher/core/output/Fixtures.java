package dev.anneal.watcher.core.output;

import dev.anneal.watcher.core.decode.Rejection;
import dev.anneal.watcher.core.replay.AlertSummary;
import dev.anneal.watcher.core.replay.RecordCounts;
import dev.anneal.watcher.core.replay.ReplayResult;
import dev.anneal.watcher.core.replay.RuleErrorSummary;
import dev.anneal.watcher.core.replay.RunSummary;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.CommandOutcome;
import dev.anneal.watcher.rules.model.CommandType;
import dev.anneal.watcher.rules.model.OperatorCommand;
import dev.anneal.watcher.rules.model.Evidence;
import dev.anneal.watcher.rules.model.Recommendation;
import dev.anneal.watcher.rules.model.RejectReason;
import dev.anneal.watcher.rules.model.RejectionCategory;
import dev.anneal.watcher.rules.model.RunStatus;
import dev.anneal.watcher.rules.model.Severity;
import dev.anneal.watcher.rules.model.SourcePosition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-built values for the golden-output tests, so a golden string changes only with the format. */
final class Fixtures {

    static final String DIGEST = "sha256:00112233aabbccdd";

    private Fixtures() {
    }

    static SourcePosition at(long line) {
        return SourcePosition.line("a.jsonl", line);
    }

    static AlertEvent alert(AlertState state, Double value, long line) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("team", "rl");
        labels.put("alertname", "kl_threshold");
        labels.put("run_id", "run-1");
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("summary", "kl 0.026 above 0.01");
        annotations.put("runbook_url", "https://example.invalid/kl");
        return new AlertEvent("a1b2c3d4e5f60718", "kl_threshold", "run-1", state, Severity.WARNING, Action.HOLD,
                value, 0.01, at(2), at(line).element(0), line - 1, labels, annotations, false, DIGEST);
    }

    static Evidence evidence() {
        return new Evidence("kl_threshold", "a1b2c3d4e5f60718", Action.HOLD, Severity.WARNING, 0.026, 0.01, at(2),
                at(2), List.of("kl_threshold: 0.026 vs 0.01"));
    }

    static Recommendation hold() {
        return new Recommendation("run-1", Action.HOLD, List.of("kl_threshold: 0.026 vs 0.01"), List.of(evidence()),
                false, at(2), 1, false, DIGEST);
    }

    static Recommendation pass(long line) {
        return new Recommendation("run-1", Action.PASS, List.of(), List.of(), false, at(line), line - 1, false,
                DIGEST);
    }

    static ReplayResult result(int rejectedCount) {
        AlertSummary alert = new AlertSummary("a1b2c3d4e5f60718", "kl_threshold", AlertState.RESOLVED, true,
                Severity.WARNING, Action.HOLD, 0.004, 0.01, at(2), at(3), "kl 0.004 above 0.01");
        AlertSummary pending = new AlertSummary("ffeeddccbbaa9988", "grad_threshold", AlertState.INACTIVE, false,
                Severity.CRITICAL, Action.FREEZE, 1.0, 2.5, at(3), at(4), "");
        RunSummary run1 = new RunSummary("run-1", Action.HOLD, List.of("kl_threshold: 0.026 vs 0.01"), hold(),
                pass(3), List.of(alert, pending));
        Recommendation promote = new Recommendation("run-2", Action.PROMOTE, List.of("ready"), List.of(), false,
                SourcePosition.line("b.json", 1), 0, true, DIGEST);
        RunSummary run2 = new RunSummary("run-2", Action.PROMOTE, List.of("ready"), promote, promote, List.of(),
                RunStatus.ENDED, "run ended: rehearsal at b.json:1");
        List<Rejection> rejections = new ArrayList<>();
        for (int i = 0; i < rejectedCount; i++) {
            rejections.add(new Rejection(at(10 + i),
                    new RejectReason(RejectionCategory.INVALID_JSON, "invalid JSON: unexpected end"), "{\"a\":"));
        }
        Map<String, Double> params = new LinkedHashMap<>();
        params.put("kl_threshold", 0.01);
        params.put("anneal_bc_min", 0.9);
        params.put("grad_threshold", 5.0);
        return new ReplayResult(Action.HOLD, List.of("run-a: kl_threshold: kl_divergence 0.03 > 0.01"),
                List.of(run1, run2), new RecordCounts(5 + rejectedCount, 5,
                rejectedCount), rejections, List.of(new RuleErrorSummary("derive.ratio", 2, at(4),
                "division by zero")), DIGEST, List.of("townlet-watch", "extra"), params, List.of(audit()));
    }

    /** An applied clear of run-1, at 2026-12-04T11:02:04Z. */
    static AuditRecord audit() {
        OperatorCommand clear = new OperatorCommand("c-1", CommandType.CLEAR, "run-1", "alice", "loss recovered",
                Instant.parse("2026-12-04T11:02:03Z").toEpochMilli(), null, null, 0, null, false);
        return new AuditRecord(clear, CommandOutcome.APPLIED, "ROLLBACK latch released; recommendation now PASS",
                Instant.parse("2026-12-04T11:02:04Z").toEpochMilli(), 3, DIGEST);
    }
}
