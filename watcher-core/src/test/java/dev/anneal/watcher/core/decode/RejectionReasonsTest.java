package dev.anneal.watcher.core.decode;

import static dev.anneal.watcher.core.decode.DecodeTestSupport.decode;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.onlyRejection;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.records;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.rejections;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The exact reason for every way a message can be rejected: one NDJSON line in, one rejection
 * out, with the line as its raw text. The table is the specification of the wording.
 */
class RejectionReasonsTest {

    private static final String KINDS = "ppo, bc_stage, rehearsal, bc_audit, health, run_end";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # --- not JSON ---
            {"epoch": 1.0, "loss_total": 0.5                      | invalid JSON: Unexpected end-of-input in object (line 1, column 33)
            [{"mode": "bc"}                                       | invalid JSON: Unexpected end-of-input in array (line 1, column 16)
            {"data_mode": "repl                                   | invalid JSON: Unexpected end-of-input in string (line 1, column 20)
            {"a": 1,}                                             | invalid JSON: Unexpected character ('}' (code 125)): was expecting double-quote to start field name (line 1, column 9)
            not json                                              | invalid JSON: Unrecognized token 'not': was expecting a JSON value (line 1, column 1)
            {"a": }                                               | invalid JSON: Unexpected character ('}' (code 125)): expected a value (line 1, column 7)
            {"a": 1 "b": 2}                                       | invalid JSON: Unexpected character ('"' (code 34)): was expecting comma to separate Object entries (line 1, column 9)
            {"a": 1]                                              | invalid JSON: Unexpected close marker ']': expected '}' (line 1, column 8)
            {"a": 1} {"b": 2}                                     | invalid JSON: trailing content after the top-level value (line 1, column 10)
            # --- not an object ---
            "text"                                                | not a JSON object (found string)
            42                                                    | not a JSON object (found number)
            true                                                  | not a JSON object (found boolean)
            null                                                  | not a JSON object (found null)
            # --- non-finite numbers, named by their top-level key ---
            {"epoch": 1.0, "updates": 4.0, "loss_total": NaN}     | non-finite number for key loss_total
            {"loss_total": 1.0, "grad_norm": Infinity}            | non-finite number for key grad_norm
            {"loss_total": -Infinity}                             | non-finite number for key loss_total
            {"loss_total": 1e999}                                 | non-finite number for key loss_total
            {"loss_total": 1.0, "extra": {"deep": [1.0, NaN]}}    | non-finite number for key extra (at extra.deep[1])
            {"run_id": "r", "data": {"loss_total": NaN}}          | non-finite number for key loss_total
            {"results": [{"mode": "ppo", "loss_total": NaN}]}     | non-finite number for key results (at results[0].loss_total)
            # --- kind detection ---
            {"a": 1, "b": 2, "c": 3}                              | unrecognised record: no known kind matches (keys: a, b, c)
            {"c": 1, "b": 2, "a": 3}                              | unrecognised record: no known kind matches (keys: a, b, c)
            {"epoch": 1.0}                                        | unrecognised record: no known kind matches (keys: epoch)
            {}                                                    | unrecognised record: no known kind matches (no keys)
            {"schema_version": "0.9.0", "tick": 3}                | world telemetry (K10) records are not evaluated by the watcher
            # --- envelopes ---
            {"run_id": "r", "kind": "foo", "data": {}}            | envelope kind "foo" is not one of ppo, bc_stage, rehearsal, bc_audit, health, run_end
            {"kind": 3, "data": {}}                               | envelope kind 3.0 is not one of ppo, bc_stage, rehearsal, bc_audit, health, run_end
            {"kind": "PPO", "data": {}}                           | envelope kind "PPO" is not one of ppo, bc_stage, rehearsal, bc_audit, health, run_end
            {"run_id": "r", "ts": "yesterday", "data": {}}        | envelope ts "yesterday" is not an ISO-8601 instant or epoch milliseconds
            {"run_id": "r", "ts": "2025-10-15T12:00:00", "data": {}} | envelope ts "2025-10-15T12:00:00" is not an ISO-8601 instant or epoch milliseconds
            {"run_id": "r", "ts": "1760529600000", "data": {}}    | envelope ts "1760529600000" is not an ISO-8601 instant or epoch milliseconds
            {"run_id": "r", "ts": true, "data": {}}               | envelope ts true is not an ISO-8601 instant or epoch milliseconds
            {"run_id": "r", "ts": 1e300, "data": {}}              | envelope ts 1e+300 is not an ISO-8601 instant or epoch milliseconds
            {"run_id": "r", "ts": NaN, "data": {}}                | envelope ts nan is not an ISO-8601 instant or epoch milliseconds
            {"run_id": "r", "source": "x", "data": {}}            | unknown envelope keys: source
            {"kind": "ppo", "zeta": 1, "alpha": 2, "data": {}}    | unknown envelope keys: alpha, zeta
            {"run_id": "  ", "data": {}}                          | envelope run_id must be a non-blank string (found a blank string)
            {"run_id": 5, "data": {}}                             | envelope run_id must be a non-blank string (found number)
            {"run_id": "r", "synthetic": "yes", "data": {}}       | envelope synthetic must be a boolean (found string)
            {"run_id": "r", "data": "x"}                          | envelope data must be an object or an array (found string)
            {"run_id": "r", "data": null}                         | envelope data must be an object or an array (found null)
            {"run_id": "r", "data": [7]}                          | not a JSON object (found number)
            # --- rehearsal summaries ---
            {"bc_stage": {}, "status": "PASS"}                    | simple rehearsal summary lacks keys bc_accuracy, bc_threshold
            {"kind": "rehearsal", "data": {"bc_accuracy": 0.9}}   | simple rehearsal summary lacks key bc_threshold
            {"bc_accuracy": "high", "bc_threshold": 0.8}          | simple rehearsal summary value for key bc_accuracy is not a number (found string)
            {"bc_accuracy": 0.9, "bc_threshold": 0.8, "bc_passed": "yes"} | simple rehearsal summary value for key bc_passed is not a boolean (found string)
            {"results": [{"mode": "bc"}, 1]}                      | rehearsal results[1] is not a JSON object (found number)
            # --- health records in JSON ---
            {"kind": "health", "data": {"tick": 1.0, "duration_ms": 2.0}} | health record lacks keys dropped, queue
            {"kind": "health", "data": {"tick": 1, "duration_ms": 2, "queue": null, "dropped": 0}} | health record value for key queue is null
            {"kind": "health", "data": {"tick": "1", "duration_ms": 2, "queue": 0, "dropped": 0}} | health record value for key tick is not a number (found string)
            """)
    void ndjsonLine(String line, String reason) {
        Rejection rejection = onlyRejection(decode(line + "\n", InputFormat.NDJSON));

        assertThat(rejection.reason()).isEqualTo(reason);
        assertThat(rejection.position().toString()).startsWith("input:1");
        assertThat(line).contains(rejection.raw());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            INFO:townlet.core.sim_loop: tick_health tick=1 duration_ms=1.0 queue=0 dropped=0 | not a tick_health line
            tick_healthy tick=1 duration_ms=1.0 queue=0 dropped=0                     | not a tick_health line
            {"tick": 1}                                                               | not a tick_health line
            tick_health tick=1 duration_ms=2.0                                        | tick_health line lacks keys dropped, queue
            tick_health duration_ms=2.0 queue=0 dropped=0                             | tick_health line lacks key tick
            tick_health                                                               | tick_health line lacks keys dropped, duration_ms, queue, tick
            tick_health tick=1 duration_ms=2.0 queue=None dropped=0                   | tick_health value for key queue is None
            tick_health tick=1 duration_ms=2.0 queue=None dropped=None                | tick_health values for keys dropped, queue are None
            tick_health tick=1 duration_ms=fast queue=0 dropped=0                     | tick_health value for key duration_ms is not a number: "fast"
            tick_health tick=1 duration_ms=NaN queue=0 dropped=0                      | tick_health value for key duration_ms is not a number: "NaN"
            tick_health tick=1 duration_ms=0x10 queue=0 dropped=0                     | tick_health value for key duration_ms is not a number: "0x10"
            tick_health tick=1 duration_ms=1e999 queue=0 dropped=0                    | non-finite number for key duration_ms
            tick_health tick=1 duration_ms=2.0 queue=1 dropped=0 exit_queue=          | tick_health value for key exit_queue is not a number: ""
            """)
    void healthLine(String line, String reason) {
        Rejection rejection = onlyRejection(decode(line + "\n", InputFormat.HEALTH));

        assertThat(rejection.reason()).isEqualTo(reason);
        assertThat(rejection.position().toString()).isEqualTo("input:1");
        assertThat(rejection.raw()).isEqualTo(line);
    }

    @Test
    void unknownStageModeRejectsOnlyThatStage() {
        List<DecodeResult> results = decode(
                "{\"results\": [{\"mode\": \"dagger\"}, {\"cycle\": 1.0}, {\"mode\": \"bc\", \"accuracy\": 1.0}]}\n",
                InputFormat.NDJSON);

        assertThat(rejections(results)).extracting(Rejection::reason).containsExactly(
                "unrecognised stage result: mode \"dagger\" is not \"bc\" or \"ppo\"",
                "unrecognised stage result: no mode \"bc\" or \"ppo\" and no PPO keys (keys: cycle)");
        assertThat(rejections(results)).extracting(r -> r.position().toString()).containsExactly("input:1[0]",
                "input:1[1]");
        assertThat(rejections(results)).extracting(Rejection::raw).containsExactly("{\"mode\": \"dagger\"}",
                "{\"cycle\": 1.0}");
        assertThat(records(results)).extracting(TelemetryRecord::kind)
                .containsExactly(RecordKind.BC_STAGE, RecordKind.REHEARSAL);
    }

    @Test
    void longKeyListsAreCut() {
        StringBuilder line = new StringBuilder("{");
        for (int i = 0; i < 25; i++) {
            line.append(i == 0 ? "" : ", ").append("\"k").append((char) ('a' + i)).append("\": 1");
        }
        line.append('}');

        Rejection rejection = onlyRejection(decode(line + "\n", InputFormat.NDJSON));

        assertThat(rejection.reason()).endsWith("kr, ks, kt, … (5 more))");
    }

    @Test
    void emptyJsonDocumentIsRejectedWhenJsonWasAskedFor() {
        Rejection rejection = onlyRejection(decode("  \n", InputFormat.JSON));

        assertThat(rejection.reason()).isEqualTo("empty JSON document");
        assertThat(rejection.position().toString()).isEqualTo("input:1");
    }
}
