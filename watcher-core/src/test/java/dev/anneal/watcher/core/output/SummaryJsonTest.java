package dev.anneal.watcher.core.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.core.replay.RecordCounts;
import dev.anneal.watcher.core.replay.ReplayResult;
import dev.anneal.watcher.rules.model.Action;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SummaryJsonTest {

    private static final String GOLDEN = """
            {
              "decision": "HOLD",
              "reasons": [
                "run-a: kl_threshold: kl_divergence 0.03 > 0.01"
              ],
              "rule_set": {
                "digest": "sha256:00112233aabbccdd",
                "packs": [
                  "townlet-watch",
                  "extra"
                ],
                "params": {
                  "anneal_bc_min": 0.9,
                  "grad_threshold": 5.0,
                  "kl_threshold": 0.01
                }
              },
              "records": {
                "read": 6,
                "accepted": 5,
                "rejected": 1
              },
              "runs": [
                {
                  "run_id": "run-1",
                  "decision": "HOLD",
                  "reasons": [
                    "kl_threshold: 0.026 vs 0.01"
                  ],
                  "decided_at": "a.jsonl:2",
                  "final": {
                    "action": "PASS",
                    "latched": false,
                    "reasons": [],
                    "source": "a.jsonl:3"
                  },
                  "status": "active",
                  "end_reason": null,
                  "alerts": [
                    {
                      "id": "a1b2c3d4e5f60718",
                      "rule": "kl_threshold",
                      "state": "resolved",
                      "fired": true,
                      "severity": "warning",
                      "action": "HOLD",
                      "value": 0.004,
                      "threshold": 0.01,
                      "started_at": "a.jsonl:2",
                      "last_source": "a.jsonl:3",
                      "summary": "kl 0.004 above 0.01"
                    },
                    {
                      "id": "ffeeddccbbaa9988",
                      "rule": "grad_threshold",
                      "state": "inactive",
                      "fired": false,
                      "severity": "critical",
                      "action": "FREEZE",
                      "value": 1.0,
                      "threshold": 2.5,
                      "started_at": "a.jsonl:3",
                      "last_source": "a.jsonl:4",
                      "summary": ""
                    }
                  ]
                },
                {
                  "run_id": "run-2",
                  "decision": "PROMOTE",
                  "reasons": [
                    "ready"
                  ],
                  "decided_at": "b.json:1",
                  "final": {
                    "action": "PROMOTE",
                    "latched": false,
                    "reasons": [
                      "ready"
                    ],
                    "source": "b.json:1"
                  },
                  "status": "ended",
                  "end_reason": "run ended: rehearsal at b.json:1",
                  "alerts": []
                }
              ],
              "rejected": [
                {
                  "source": "a.jsonl:10",
                  "reason": "invalid JSON: unexpected end"
                }
              ],
              "rule_errors": [
                {
                  "rule": "derive.ratio",
                  "count": 2,
                  "first_source": "a.jsonl:4",
                  "first_message": "division by zero"
                }
              ],
              "commands": [
                {
                  "schema": "watcher.audit/v1",
                  "command_id": "c-1",
                  "type": "clear",
                  "run_id": "run-1",
                  "actor": "alice",
                  "reason": "loss recovered",
                  "issued_at": "2026-12-04T11:02:03Z",
                  "synthetic": false,
                  "outcome": "applied",
                  "detail": "ROLLBACK latch released; recommendation now PASS",
                  "applied_at": "2026-12-04T11:02:04Z",
                  "run_records": 3,
                  "rule_set": "sha256:00112233aabbccdd"
                }
              ]
            }
            """;

    @Test
    void writesGoldenDocument() {
        assertThat(SummaryJson.toJson(Fixtures.result(1))).isEqualTo(GOLDEN);
    }

    @Test
    void streamAndStringFormsAreByteIdentical() throws Exception {
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        SummaryJson.write(Fixtures.result(3), a);
        SummaryJson.write(Fixtures.result(3), b);
        assertThat(a.toByteArray()).isEqualTo(b.toByteArray());
        assertThat(a.toString(StandardCharsets.UTF_8)).isEqualTo(SummaryJson.toJson(Fixtures.result(3)));
    }

    @Test
    void emptyReplayHasEmptyContainers() {
        ReplayResult empty = new ReplayResult(Action.PASS, List.of(), List.of(), new RecordCounts(0, 0, 0), List.of(),
                List.of(), "sha256:0", List.of("anneal-gates"), Map.of());
        assertThat(SummaryJson.toJson(empty)).isEqualTo("""
                {
                  "decision": "PASS",
                  "reasons": [],
                  "rule_set": {
                    "digest": "sha256:0",
                    "packs": [
                      "anneal-gates"
                    ],
                    "params": {}
                  },
                  "records": {
                    "read": 0,
                    "accepted": 0,
                    "rejected": 0
                  },
                  "runs": [],
                  "rejected": [],
                  "rule_errors": [],
                  "commands": []
                }
                """);
    }
}
