package dev.anneal.watcher.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner must be able to fail: each test below states a deliberately wrong expectation about
 * a real replay (townlet-watch, inline records) and checks the exact diff text it produces.
 */
class ScenarioRunnerTest {

    @TempDir
    Path dir;

    /** A healthy rollout record; kl_threshold 0.2 and grad_threshold 5 are set. */
    private static final String HEADER = """
            rule_files: [townlet-watch]
            params: {kl_threshold: 0.2, grad_threshold: 5}
            defaults: {epoch: 1.0, loss_total: 1.2, kl_divergence: 0.01, grad_norm: 1.0, batch_entropy_mean: 1.38,
                       reward_advantage_corr: 0.1, log_stream_offset: 1.0, queue_conflict_events: 32.0,
                       queue_conflict_intensity_sum: 52.75, shared_meal_events: 1.0, late_help_events: 1.0,
                       shift_takeover_events: 0.0, chat_success_events: 2.0, chat_failure_events: 0.0,
                       chat_quality_mean: 0.75, data_mode: rollout}
            tests:
              - name: t
                run_id: run-a
                records:
                  - {}
                  - {kl_divergence: 0.25}
                  - {kl_divergence: 0.3, grad_norm: 6.0}
                  - {}
            """;

    @Test
    void correctExpectationsPass() throws Exception {
        TestOutcome outcome = run("""
                    expect:
                      alerts:
                        - {at: 2, rule: kl_threshold, run_id: run-a, state: firing, action: HOLD, value: 0.25,
                           threshold: 0.2, started_at: 2, labels: {alertname: kl_threshold, pack: townlet-watch}}
                        - {at: 3, rule: grad_threshold, state: firing, value: 6, threshold: 5}
                        - {at: 4, rule: kl_threshold, state: resolved, value: 0.01}
                        - {at: 4, rule: grad_threshold, state: resolved, value: 1}
                      recommendations:
                        - {at: 1, run_id: run-a, action: PASS, latched: false, reasons: [], rules: []}
                        - {at: 2, action: HOLD, reasons: ["kl_threshold: kl_divergence 0.25 > 0.2"]}
                        - {at: 3, action: HOLD, rules: [kl_threshold, grad_threshold]}
                        - {at: 4, action: PASS}
                      decision: HOLD
                      runs: {run-a: HOLD}
                      rejected: 0
                      rule_errors: 0
                """);
        assertThat(outcome.mismatches()).isEmpty();
        assertThat(outcome.passed()).isTrue();
        assertThat(outcome.notes()).isEmpty();
    }

    @Test
    void aWrongFieldNamesTheAlertTheFieldAndTheRecord() throws Exception {
        TestOutcome outcome = run("""
                    expect:
                      alerts:
                        - {at: 2, rule: kl_threshold, state: pending, value: 0.3}
                        - {at: 3, rule: grad_threshold, state: firing}
                        - {at: 4, rule: kl_threshold, state: resolved, annotations: {summary: "nope"}}
                        - {at: 4, rule: grad_threshold, state: resolved, labels: {team: ml, severity: critical}}
                """);
        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.diff()).containsExactly(
                "test t: alert #1: expected state pending, got firing; expected value 0.3, got 0.25 "
                        + "(rule kl_threshold at s.yaml#t:2)",
                "test t: alert #3: expected annotation summary \"nope\", got \"kl_divergence 0.01 is above the "
                        + "--kl-threshold threshold 0.2\" (rule kl_threshold at s.yaml#t:4)",
                "test t: alert #4: expected label team \"ml\", got no label team; expected label severity "
                        + "\"critical\", got \"warning\" (rule grad_threshold at s.yaml#t:4)");
    }

    @Test
    void anExtraAlertIsReportedOnceAsUnexpected() throws Exception {
        TestOutcome outcome = run("""
                    expect:
                      alerts:
                        - {at: 2, rule: kl_threshold, state: firing}
                        - {at: 4, rule: kl_threshold, state: resolved}
                        - {at: 4, rule: grad_threshold, state: resolved}
                """);
        assertThat(outcome.diff()).containsExactly(
                "test t: expected 3 alerts, got 4: unexpected #2 {at: 3, rule: grad_threshold, run_id: run-a, "
                        + "state: firing, action: HOLD, value: 6, threshold: 5}");
    }

    @Test
    void aMissingAlertIsReportedAsMissing() throws Exception {
        TestOutcome outcome = run("""
                    expect:
                      alerts:
                        - {at: 2, rule: kl_threshold, state: firing}
                        - {at: 3, rule: grad_threshold, state: firing}
                        - {at: 3, rule: kl_threshold, state: resolved}
                        - {at: 4, rule: kl_threshold, state: resolved}
                        - {at: 4, rule: grad_threshold, state: resolved}
                """);
        assertThat(outcome.diff()).containsExactly(
                "test t: expected 5 alerts, got 4: missing #3 {at: 3, rule: kl_threshold, state: resolved}");
    }

    @Test
    void expectingNoAlertsListsWhatFired() throws Exception {
        TestOutcome outcome = run("""
                    expect:
                      alerts: []
                """);
        assertThat(outcome.diff()).containsExactly("test t: expected 0 alerts, got 4: "
                + "unexpected #1 {at: 2, rule: kl_threshold, run_id: run-a, state: firing, action: HOLD, value: 0.25, "
                + "threshold: 0.2}; "
                + "unexpected #2 {at: 3, rule: grad_threshold, run_id: run-a, state: firing, action: HOLD, value: 6, "
                + "threshold: 5}; "
                + "unexpected #3 {at: 4, rule: kl_threshold, run_id: run-a, state: resolved, action: HOLD, "
                + "value: 0.01, threshold: 0.2}; "
                + "unexpected #4 {at: 4, rule: grad_threshold, run_id: run-a, state: resolved, action: HOLD, value: 1, "
                + "threshold: 5}");
    }

    @Test
    void recommendationsVerdictsAndRunsAreCompared() throws Exception {
        TestOutcome outcome = run("""
                    expect:
                      recommendations:
                        - {at: 1, action: PASS}
                        - {at: 2, action: HOLD, latched: true, reasons: ["kl is high"]}
                        - {at: 4, action: PASS}
                      decision: ROLLBACK
                      runs: {run-b: HOLD}
                """);
        assertThat(outcome.diff()).containsExactly(
                "test t: expected 3 recommendations, got 4: unexpected #3 {at: 3, run_id: run-a, action: HOLD, "
                        + "latched: false, reasons: [\"kl_threshold: kl_divergence 0.3 > 0.2\", "
                        + "\"grad_threshold: grad_norm 6 > 5\"]}",
                "test t: recommendation #2: expected latched true, got false; expected reasons [\"kl is high\"], got "
                        + "[\"kl_threshold: kl_divergence 0.25 > 0.2\"] (run run-a at s.yaml#t:2)",
                "test t: decision: expected ROLLBACK, got HOLD",
                "test t: run run-b: expected HOLD, but the replay has no such run (runs: run-a)",
                "test t: unexpected run run-a (HOLD); runs: must list every run");
    }

    @Test
    void numbersMatchWithinTheRelativeTolerance() throws Exception {
        assertThat(run("""
                    expect:
                      alerts:
                        - {value: 0.2500000000000001}
                        - {value: 6.00000001}
                        - {value: 0.01}
                        - {value: null}
                """).diff()).containsExactly(
                "test t: alert #2: expected value 6.00000001, got 6 (rule grad_threshold at s.yaml#t:3)",
                "test t: alert #4: expected value null, got 1 (rule grad_threshold at s.yaml#t:4)");
    }

    @Test
    void rejectionsAreComparedByPositionAndReasonSubstring() throws Exception {
        TestOutcome outcome = run("""
                      - '{"loss_total": 1.0}'
                      - 'not json'
                    expect:
                      rejected:
                        - {at: 5, reason: missing keys batch_entropy_mean}
                        - {at: 7, reason: not a JSON object}
                """);
        assertThat(outcome.diff()).hasSize(1);
        assertThat(outcome.diff().get(0))
                .startsWith("test t: rejection #2: expected at 7, got 6; expected reason containing \"not a JSON "
                        + "object\", got \"invalid JSON: Unrecognized token 'not'")
                .endsWith("\" (at s.yaml#t:6)");
        TestOutcome counted = run("""
                      - '{"loss_total": 1.0}'
                    expect:
                      rejected: 0
                """);
        assertThat(counted.diff()).hasSize(1);
        assertThat(counted.diff().get(0)).startsWith(
                "test t: expected 0 rejected records, got 1: #1 {at: 5, reason: \"missing keys batch_entropy_mean, ");
    }

    @Test
    void ruleErrorsNobodyExpectedAreNotesNotFailures() throws Exception {
        Files.writeString(dir.resolve("rules.yaml"), """
                pack: mine
                rules:
                  - id: needs_extra
                    select: {kinds: [ppo]}
                    condition: "record.extra > 1.0"
                    action: HOLD
                """);
        Path file = write("""
                rule_files: [rules.yaml]
                tests:
                  - name: t
                    records: [{loss_total: 1.0}, {loss_total: 1.0, extra: 2.0}, {loss_total: 1.0}]
                    expect:
                      decision: HOLD
                  - name: counted
                    records: [{loss_total: 1.0}, {loss_total: 1.0}]
                    expect:
                      rule_errors: [{rule: needs_extra, count: 1, at: 2, message: no such key}]
                """);
        Scenario scenario = ScenarioLoader.load(file);
        ScenarioReport report = new ScenarioRunner().run(scenario);
        TestOutcome t = report.tests().get(0);
        assertThat(t.passed()).isTrue();
        assertThat(t.notes()).hasSize(1);
        assertThat(t.notes().get(0)).startsWith("rule needs_extra failed on 2 record(s), first at s.yaml#t:1: ");
        TestOutcome counted = report.tests().get(1);
        assertThat(counted.diff()).hasSize(1);
        assertThat(counted.diff().get(0)).startsWith(
                "test counted: rule error #1: expected count 1, got 2; expected at 2, got 1");
        assertThat(report.passed()).isEqualTo(1);
        assertThat(report.failed()).isEqualTo(1);
        assertThat(report.allPassed()).isFalse();
    }

    @Test
    void inputFilesUseTheirLineNumbersAndElementIndexes() throws Exception {
        String record = "{\"epoch\": 1.0, \"loss_total\": 1.2, \"kl_divergence\": %s, \"grad_norm\": 1.0, "
                + "\"batch_entropy_mean\": 1.38, \"reward_advantage_corr\": 0.1, \"log_stream_offset\": 1.0, "
                + "\"queue_conflict_events\": 32.0, \"queue_conflict_intensity_sum\": 52.75, "
                + "\"shared_meal_events\": 1.0, \"late_help_events\": 1.0, \"shift_takeover_events\": 0.0, "
                + "\"chat_success_events\": 2.0, \"chat_failure_events\": 0.0, \"chat_quality_mean\": 0.75, "
                + "\"data_mode\": \"rollout\"}";
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/log.jsonl"),
                String.format(record, "0.01") + "\n\n" + String.format(record, "0.5") + "\n");
        Files.writeString(dir.resolve("data/doc.json"),
                "[\n  " + String.format(record, "0.01") + ",\n  " + String.format(record, "0.5") + "\n]\n");
        Path file = write("""
                rule_files: [townlet-watch]
                params: {kl_threshold: 0.2}
                tests:
                  - name: ndjson
                    input: data/log.jsonl
                    expect:
                      alerts: [{at: 3, rule: kl_threshold, run_id: ndjson, state: firing}]
                      runs: {ndjson: HOLD}
                  - name: document
                    run_id: doc
                    input: data/doc.json
                    expect:
                      alerts: [{at: "3[1]", started_at: "2[1]"}]
                      recommendations: [{at: 2, action: PASS}, {at: "3[1]", action: HOLD}]
                """);
        ScenarioReport report = new ScenarioRunner().run(ScenarioLoader.load(file));
        assertThat(report.tests().get(0).diff()).isEmpty();
        assertThat(report.tests().get(1).diff()).containsExactly(
                "test document: alert #1: expected started_at 2[1], got 3[1] (rule kl_threshold at data/doc.json:3[1])",
                "test document: recommendation #1: expected at 2, got 2[0] (run doc at data/doc.json:2[0])");
    }

    @Test
    void anUnreadableInputFailsTheTest() throws Exception {
        Files.writeString(dir.resolve("gone.jsonl"), "{}\n");
        Path file = write("""
                rule_files: [townlet-watch]
                tests:
                  - name: gone
                    input: gone.jsonl
                    expect: {decision: PASS}
                """);
        Scenario scenario = ScenarioLoader.load(file);
        Files.delete(dir.resolve("gone.jsonl"));
        TestOutcome outcome = new ScenarioRunner().run(scenario.tests().get(0));
        assertThat(outcome.diff()).hasSize(1);
        assertThat(outcome.diff().get(0)).startsWith("test gone: cannot read input gone.jsonl: ");
    }

    @Test
    void testsDoNotShareRuns() throws Exception {
        Path file = write("""
                rule_files: [townlet-watch]
                params: {kl_threshold: 0.2}
                tests:
                  - name: first
                    run_id: same
                    records: ['{"run_id": "same", "data": {"loss_total": 1}}']
                    expect: {rejected: 1, runs: {}}
                  - name: second
                    run_id: same
                    records: []
                    expect: {runs: {}, decision: HOLD}
                """);
        ScenarioReport report = new ScenarioRunner().run(ScenarioLoader.load(file));
        assertThat(report.tests()).allMatch(TestOutcome::passed);
        assertThat(report.tests().stream().map(TestOutcome::name).toList()).isEqualTo(List.of("first", "second"));
    }

    private TestOutcome run(String tail) throws Exception {
        Scenario scenario = ScenarioLoader.load(write(HEADER + tail));
        return new ScenarioRunner().run(scenario.tests().get(0));
    }

    private Path write(String text) throws Exception {
        Path file = dir.resolve("s.yaml");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
