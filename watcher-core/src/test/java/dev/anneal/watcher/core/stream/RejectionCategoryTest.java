package dev.anneal.watcher.core.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.core.decode.DecodeResult;
import dev.anneal.watcher.core.decode.Ordinal;
import dev.anneal.watcher.core.decode.TelemetryDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Rejection reasons map to their bounded categories (metric label and dead-letter header). */
class RejectionCategoryTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            invalid JSON: Unexpected end-of-input in object (line 1, column 2)            | invalid_json
            invalid JSON: trailing content after the top-level value (line 1, column 4)  | invalid_json
            not a JSON object (found number)                                             | not_an_object
            rehearsal results[3] is not a JSON object (found string)                     | not_an_object
            non-finite number for key loss_total                                         | non_finite
            non-finite number for key stages (at stages[0].loss)                         | non_finite
            unrecognised record: no known kind matches (keys: a, b)                      | unrecognised
            unrecognised stage result: mode "x" is not "bc" or "ppo"                     | unrecognised
            world telemetry (K10) records are not evaluated by the watcher              | world_telemetry
            unknown envelope keys: extra                                                 | bad_envelope
            envelope kind "nope" is not one of ppo, bc_stage                             | bad_envelope
            envelope ts "yesterday" is not an ISO-8601 instant or epoch milliseconds     | bad_envelope
            envelope run_id must be a non-blank string (found number)                    | bad_envelope
            envelope run_id "b" differs from the record key "a"; key records by their run id | run_id_mismatch
            missing keys grad_norm, kl_divergence                                        | missing_keys
            simple rehearsal summary lacks keys bc_accuracy, bc_passed                   | missing_keys
            non-numeric value for key grad_norm: "high"                                  | wrong_type
            non-string value for key mode: 1.0                                           | wrong_type
            simple rehearsal summary value for key bc_passed is not a boolean (found string) | wrong_type
            tick_health value for key tick is not a number: "x"                          | wrong_type
            tick_health values for keys a, b are None                                    | wrong_type
            not a tick_health line                                                       | wrong_type
            line longer than 16777216 bytes                                              | too_large
            JSON document larger than 268435456 bytes; split it or use NDJSON            | too_large
            empty JSON document                                                          | empty
            empty message: no telemetry to decode                                        | empty
            something nobody foresaw                                                     | other
            """)
    void categorises(String reason, String category) {
        assertThat(RejectionCategory.of(reason.strip()).id()).isEqualTo(category);
    }

    /** The decoder's own wording, produced rather than copied, lands in a named category. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {                                                            | invalid_json
            {"a": 1} x                                                   | invalid_json
            [1]                                                          | not_an_object
            {"epoch": 1.0, "loss_total": NaN}                            | non_finite
            {"foo": 1}                                                   | unrecognised
            {"schema_version": "1", "tick": 1}                           | world_telemetry
            {"run_id": "a", "extra": 1, "data": {"loss_total": 1.0}}     | bad_envelope
            {"kind": "nope", "data": {"loss_total": 1.0}}                | bad_envelope
            {"run_id": "a", "ts": "yesterday", "data": {"loss_total": 1.0}} | bad_envelope
            {"results": [1]}                                             | not_an_object
            {"bc_accuracy": 0.9, "bc_threshold": 0.8, "bc_passed": "yes"} | wrong_type
            """)
    void categorisesWhatTheDecoderSays(String message, String category) {
        List<DecodeResult> results = new TelemetryDecoder().decodeMessage("t/0", 1,
                message.strip().getBytes(StandardCharsets.UTF_8), "run", new Ordinal());
        DecodeResult.Rejected rejected = (DecodeResult.Rejected) results.get(0);
        assertThat(RejectionCategory.of(rejected.rejection().reason()).id())
                .as(rejected.rejection().reason()).isEqualTo(category);
    }
}
