package dev.anneal.watcher.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.watcher.core.decode.InputFormat;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertState;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scenario loader is strict: each bad file below must fail with exactly these problems (file
 * names shown relative to the scenario's directory), every problem at once, in line order.
 */
class ScenarioLoaderTest {

    @TempDir
    Path dir;

    /** A minimal valid test body, so a case can break one thing at a time. */
    private static final String OK_TEST = """
              - name: ok
                records: [{loss_total: 1.0}]
                expect: {decision: PASS}
            """;

    static Stream<Arguments> badFiles() {
        return Stream.of(
                Arguments.of("not a mapping", "- a\n", List.of(
                        "s.yaml:1: a scenario file is a mapping with keys rule_files, params, defaults, tests; got a list")),
                Arguments.of("missing rule_files and tests", "params: {}\n", List.of(
                        "s.yaml:1: missing key 'rule_files': name the rule packs under test, e.g. rule_files: [anneal-gates]",
                        "s.yaml:1: missing key 'tests': a scenario file needs a list of tests")),
                Arguments.of("unknown top-level key", "rule_files: [townlet-watch]\nrule_file: x\ntests:\n" + OK_TEST,
                        List.of("s.yaml:2: scenario file: unknown key 'rule_file' (did you mean 'rule_files'?); "
                                + "allowed keys: rule_files, params, defaults, tests")),
                Arguments.of("empty rule_files and tests", "rule_files: []\ntests: []\n", List.of(
                        "s.yaml:1: rule_files: the list is empty; name at least one pack (anneal-gates, townlet-watch, "
                                + "townlet-health, promotion-evaluate) or rule file",
                        "s.yaml:2: tests: the list is empty; a scenario file needs at least one test")),
                Arguments.of("unknown pack", "rule_files: [townlet-wach]\ntests:\n" + OK_TEST, List.of(
                        "s.yaml:1: rule_files[0]: 'townlet-wach' is not a built-in pack (anneal-gates, townlet-watch, "
                                + "townlet-health, promotion-evaluate) and there is no file townlet-wach")),
                Arguments.of("parameter value not a number", "rule_files: [townlet-watch]\n"
                        + "params: {kl_threshold: '0.5', grad_threshold: [1]}\ntests:\n" + OK_TEST, List.of(
                        "s.yaml:2: params.kl_threshold: expected a finite number or none, got '0.5'",
                        "s.yaml:2: params.grad_threshold: expected a finite number or none, got a list")),
                Arguments.of("input and records together, and neither", """
                        rule_files: [townlet-watch]
                        tests:
                          - name: both
                            input: data.jsonl
                            records: []
                            expect: {decision: PASS}
                          - name: neither
                            expect: {decision: PASS}
                        """, List.of(
                        "s.yaml:5: tests[0]: give exactly one of 'input: FILE' (relative to this file) or "
                                + "'records: [...]' (inline)",
                        "s.yaml:7: tests[1]: give exactly one of 'input: FILE' (relative to this file) or "
                                + "'records: [...]' (inline)")),
                Arguments.of("missing input file", """
                        rule_files: [townlet-watch]
                        tests:
                          - name: t
                            input: nowhere/data.jsonl
                            expect: {decision: PASS}
                        """, List.of("s.yaml:4: tests[0].input: no such file nowhere/data.jsonl")),
                Arguments.of("test keys: missing name, unknown key, blank run id, bad format", """
                        rule_files: [townlet-watch]
                        tests:
                          - records: []
                            run_id: " "
                            format: xml
                            exepct: {decision: PASS}
                        """, List.of(
                        "s.yaml:3: tests[0]: missing key 'name'",
                        "s.yaml:3: tests[0]: missing key 'expect'; say what the replay must produce (alerts, "
                                + "recommendations, decision, runs, rejected, rule_errors, commands)",
                        "s.yaml:4: tests[0].run_id: must not be blank",
                        "s.yaml:5: tests[0].format: unknown input format \"xml\"; valid formats are: auto, ndjson, json, "
                                + "health",
                        "s.yaml:6: tests[0]: unknown key 'exepct' (did you mean 'expect'?); allowed keys: name, run_id, "
                                + "format, params, defaults, input, records, commands, expect")),
                Arguments.of("duplicate test names and empty expect", "rule_files: [townlet-watch]\ntests:\n" + OK_TEST
                        + """
                          - name: ok
                            records: []
                            expect: {}
                        """, List.of(
                        "s.yaml:6: tests[1].name: duplicate test name 'ok' (first at s.yaml:3)",
                        "s.yaml:8: tests[1].expect: empty; give at least one of alerts, recommendations, decision, runs, "
                                + "rejected, rule_errors, commands")),
                Arguments.of("bad records", """
                        rule_files: [townlet-watch]
                        tests:
                          - name: t
                            records:
                              - 7
                              - null
                              - "two\\nlines"
                            expect: {decision: PASS}
                        """, List.of(
                        "s.yaml:5: tests[0].records[0]: expected a record mapping (or a string of raw line text), got a "
                                + "scalar",
                        "s.yaml:6: tests[0].records[1]: expected a record mapping (or a string of raw line text), got null",
                        "s.yaml:7: tests[0].records[2]: a raw line must not contain a line break")),
                Arguments.of("expect: unknown key, wrong types", """
                        rule_files: [townlet-watch]
                        tests:
                          - name: t
                            records: []
                            expect:
                              alert: []
                              decision: MAYBE
                              runs: [a]
                              rejected: -1
                              rule_errors: {rule: x}
                              recommendations: {at: 1}
                        """, List.of(
                        "s.yaml:6: tests[0].expect: unknown key 'alert' (did you mean 'alerts'?); allowed keys: alerts, "
                                + "recommendations, decision, runs, rejected, rule_errors, commands",
                        "s.yaml:7: tests[0].expect.decision: 'MAYBE' is not one of PROMOTE, PASS, HOLD, FREEZE, ROLLBACK",
                        "s.yaml:8: tests[0].expect.runs: expected a mapping of RUN_ID: ACTION (every run), got a list",
                        "s.yaml:9: tests[0].expect.rejected: expected a count or a list (a whole number >= 0), got '-1'",
                        "s.yaml:10: tests[0].expect.rule_errors: expected a count or a list (a whole number >= 0), got a "
                                + "mapping",
                        "s.yaml:11: tests[0].expect.recommendations: expected a list (the complete, ordered list; [] for "
                                + "none), got a mapping")),
                Arguments.of("alert expectation fields", """
                        rule_files: [townlet-watch]
                        params: {kl_threshold: 0.2}
                        tests:
                          - name: t
                            records: []
                            expect:
                              alerts:
                                - {at: x, rule: kl_treshold, state: fring, action: PASS, severity: loud}
                                - {value: "0.5", threshold: [1], started_at: "3[", labels: [a], colour: red}
                                - {}
                        """, List.of(
                        "s.yaml:8: tests[0].expect.alerts[0].rule: unknown rule 'kl_treshold' (did you mean "
                                + "'kl_threshold'?); the rule files define: kl_threshold, loss_threshold, grad_threshold, "
                                + "entropy_threshold, reward_corr_threshold, queue_events_min, queue_intensity_min, "
                                + "shared_meal_min, late_help_min, shift_takeover_max, chat_quality_min, "
                                + "utility_outage_max, shower_complete_min, sleep_complete_min, anneal_bc_min, "
                                + "anneal_loss_max, anneal_queue_min, anneal_intensity_min",
                        "s.yaml:8: tests[0].expect.alerts[0].at: expected a record position: a line number such as 3, "
                                + "or \"3[1]\" for element 1 of the document on line 3; got 'x'",
                        "s.yaml:8: tests[0].expect.alerts[0].state: 'fring' is not one of inactive, pending, firing, "
                                + "resolved",
                        "s.yaml:8: tests[0].expect.alerts[0].action: 'PASS' is not one of HOLD, FREEZE, ROLLBACK",
                        "s.yaml:8: tests[0].expect.alerts[0].severity: 'loud' is not one of info, warning, critical",
                        "s.yaml:9: tests[0].expect.alerts[1]: unknown key 'colour'; allowed keys: at, rule, run_id, "
                                + "state, action, severity, value, threshold, started_at, labels, annotations, acked, silenced",
                        "s.yaml:9: tests[0].expect.alerts[1].value: expected a number, or null for none; got '0.5'",
                        "s.yaml:9: tests[0].expect.alerts[1].threshold: expected a number, or null for none; got a list",
                        "s.yaml:9: tests[0].expect.alerts[1].started_at: expected a record position: a line number "
                                + "such as 3, or \"3[1]\" for element 1 of the document on line 3; got '3['",
                        "s.yaml:9: tests[0].expect.alerts[1].labels: expected a mapping of NAME: string, got a list",
                        "s.yaml:10: tests[0].expect.alerts[2]: empty; give at least one key to compare")),
                Arguments.of("expected rule disabled by a none parameter", """
                        rule_files: [townlet-watch]
                        tests:
                          - name: t
                            records: []
                            expect:
                              alerts: [{rule: grad_threshold}]
                              recommendations: [{rules: [anneal_bc_min, kl_threshold], latched: maybe}]
                        """, List.of(
                        "s.yaml:6: tests[0].expect.alerts[0].rule: rule 'grad_threshold' is disabled in this test "
                                + "(parameter grad_threshold is none); set the parameter under params",
                        "s.yaml:7: tests[0].expect.recommendations[0].rules: rule 'kl_threshold' is disabled in this "
                                + "test (parameter kl_threshold is none); set the parameter under params",
                        "s.yaml:7: tests[0].expect.recommendations[0].latched: expected true or false, got 'maybe'")),
                Arguments.of("test params are checked like file params", """
                        rule_files: [townlet-watch]
                        tests:
                          - name: t
                            params: {grad: 5, loss_threshold: none}
                            records: []
                            expect: {decision: PASS}
                        """, List.of(
                        "s.yaml:4: tests[0].params.grad: unknown parameter 'grad' (did you mean 'grad_threshold'?); "
                                + "the rule files declare: "
                                + "kl_threshold, loss_threshold, grad_threshold, entropy_threshold, "
                                + "reward_corr_threshold, queue_events_min, queue_intensity_min, shared_meal_min, "
                                + "late_help_min, shift_takeover_max, chat_quality_min, utility_outage_max, "
                                + "shower_complete_min, sleep_complete_min, anneal_bc_min, anneal_loss_max, "
                                + "anneal_queue_min, anneal_intensity_min")),
                Arguments.of("defaults with an input file, and defaults that are not a mapping", """
                        rule_files: [townlet-watch]
                        defaults: [1]
                        tests:
                          - name: t
                            input: s.yaml
                            defaults: {a: 1}
                            expect: {decision: PASS}
                        """, List.of(
                        "s.yaml:2: defaults: expected a mapping of record fields, got a list",
                        "s.yaml:6: tests[0].defaults: defaults fill in inline records; a test with 'input' has none")),
                Arguments.of("commands without a position, of no type, and a bad expected outcome", """
                        rule_files: [townlet-watch]
                        tests:
                          - name: t
                            records: []
                            commands:
                              - {type: clear}
                              - {after: 1, type: reset}
                            expect:
                              commands: [{outcome: done}]
                        """, List.of(
                        "s.yaml:6: tests[0].commands[0].after: required, the run's accepted records after which the "
                                + "command applies (a whole number >= 0)",
                        "s.yaml:7: tests[0].commands[1]: type 'reset' is not a command; use clear, ack, silence, "
                                + "unsilence or end",
                        "s.yaml:9: tests[0].expect.commands[0].outcome: 'done' is not one of applied, refused, "
                                + "duplicate")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void badScenarioFilesFailWithExactProblems(String name, String text, List<String> expected) throws IOException {
        assertThat(problems(text)).containsExactlyElementsOf(expected);
    }

    @Test
    void invalidYamlNamesTheLine() throws IOException {
        List<String> problems = problems("rule_files: [townlet-watch]\ntests:\n  - name: a\n    name: b\n");
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0)).isEqualTo("s.yaml:4: invalid YAML: duplicate key 'name'; a key may appear only "
                + "once in a mapping");
    }

    @Test
    void invalidRuleFileProblemsAreReportedWithTheRuleFilesLines() throws IOException {
        Files.writeString(dir.resolve("bad-rules.yaml"), """
                pack: mine
                rules:
                  - id: r
                    select: {kinds: [ppo]}
                    condition: "loss_total >"
                    action: STOP
                """);
        List<String> problems = problems("rule_files: [townlet-watch, bad-rules.yaml]\ntests:\n" + OK_TEST);
        assertThat(problems).containsExactly(
                "bad-rules.yaml:6: rule r.action: 'STOP' is not one of HOLD, FREEZE, ROLLBACK (PASS and PROMOTE are not "
                        + "alert actions)");
    }

    @Test
    void ruleFileExpressionErrorsAreReportedOnce() throws IOException {
        Files.writeString(dir.resolve("rules.yaml"), """
                pack: mine
                rules:
                  - id: r
                    select: {kinds: [ppo]}
                    condition: "no_such_field > 1"
                    action: HOLD
                """);
        List<String> problems = problems("rule_files: [rules.yaml]\ntests:\n" + OK_TEST + """
                  - name: two
                    records: []
                    expect: {decision: PASS}
                """);
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0)).startsWith("rules.yaml:5: rule r.condition: ");
    }

    @Test
    void missingScenarioFile() {
        Path file = dir.resolve("none.yaml");
        assertThatThrownBy(() -> ScenarioLoader.load(file))
                .isInstanceOfSatisfying(ScenarioLoadException.class, e -> assertThat(e.problems())
                        .containsExactly(file + ": cannot read: no such file"));
    }

    @Test
    void loadsAValidFile() throws Exception {
        Files.writeString(dir.resolve("data.jsonl"), "{}\n");
        Scenario s = load("""
                rule_files: [townlet-watch]
                params: {kl_threshold: 0.2, grad_threshold: 5}
                defaults: {data_mode: rollout, epoch: 1.0}
                tests:
                  - name: inline
                    params: {grad_threshold: none, loss_threshold: 1}
                    defaults: {epoch: 2.0}
                    records:
                      - {loss_total: 1.5, epoch: 3}
                      - {run_id: r2, ts: 1000, data: {loss_total: .inf}}
                      - [{loss_total: 0x10}, 7]
                      - 'raw text'
                    expect:
                      alerts:
                        - {at: "3[0]", rule: loss_threshold, state: firing, value: 16, threshold: null,
                           labels: {team: ml}, started_at: 3}
                      recommendations: [{at: 1, run_id: inline, action: HOLD, latched: false, reasons: [], rules: []}]
                      runs: {inline: HOLD, r2: PASS}
                      rejected: [{at: 4, reason: invalid JSON}]
                      rule_errors: 0
                  - name: from a file
                    run_id: file-run
                    format: ndjson
                    input: data.jsonl
                    expect: {decision: PASS}
                """);
        assertThat(s.ruleFiles()).containsExactly("townlet-watch");
        assertThat(s.params()).containsExactly(Map.entry("kl_threshold", "0.2"), Map.entry("grad_threshold", "5"));
        assertThat(s.tests()).hasSize(2);

        ScenarioTest inline = s.tests().get(0);
        assertThat(inline.runId()).isEqualTo("inline");
        assertThat(inline.format()).isEqualTo(InputFormat.AUTO);
        assertThat(inline.params()).containsExactly(Map.entry("grad_threshold", "none"),
                Map.entry("kl_threshold", "0.2"), Map.entry("loss_threshold", "1"));
        assertThat(inline.rules().params()).containsOnlyKeys("kl_threshold", "loss_threshold", "anneal_bc_min",
                "anneal_loss_max");
        assertThat(inline.input()).isEqualTo(new ScenarioInput.Inline("s.yaml#inline", List.of(
                "{\"data_mode\":\"rollout\",\"epoch\":3,\"loss_total\":1.5}",
                "{\"run_id\":\"r2\",\"ts\":1000,\"data\":{\"data_mode\":\"rollout\",\"epoch\":2.0,\"loss_total\":Infinity}}",
                "[{\"data_mode\":\"rollout\",\"epoch\":2.0,\"loss_total\":16},7]",
                "raw text")));
        AlertExpectation alert = inline.expect().alerts().orElseThrow().get(0);
        assertThat(alert.at()).contains(new At(3, 0));
        assertThat(alert.startedAt()).contains(new At(3, -1));
        assertThat(alert.state()).contains(AlertState.FIRING);
        assertThat(alert.value()).contains(new ExpectedNumber(16.0));
        assertThat(alert.threshold()).contains(new ExpectedNumber(null));
        assertThat(alert.severity()).isEmpty();
        assertThat(alert.labels()).containsExactly(Map.entry("team", "ml"));
        RecommendationExpectation rec = inline.expect().recommendations().orElseThrow().get(0);
        assertThat(rec.latched()).contains(false);
        assertThat(rec.reasons()).contains(List.of());
        assertThat(inline.expect().runs()).contains(Map.of("inline", Action.HOLD, "r2", Action.PASS));
        assertThat(inline.expect().rejected().orElseThrow()).isInstanceOf(CountOrItems.Items.class);
        assertThat(inline.expect().ruleErrors()).contains(new CountOrItems.Count<>(0));
        assertThat(inline.expect().decision()).isEmpty();

        ScenarioTest file = s.tests().get(1);
        assertThat(file.runId()).isEqualTo("file-run");
        assertThat(file.format()).isEqualTo(InputFormat.NDJSON);
        assertThat(file.input()).isEqualTo(new ScenarioInput.File(dir.resolve("data.jsonl"), "data.jsonl"));
        assertThat(file.rules().params()).containsOnlyKeys("kl_threshold", "grad_threshold", "anneal_bc_min",
                "anneal_loss_max");
    }

    @Test
    void atParsesLinesAndElements() {
        assertThat(At.parse("3")).contains(new At(3, -1));
        assertThat(At.parse(" 12[0] ")).contains(new At(12, 0));
        assertThat(At.parse("0")).isEmpty();
        assertThat(At.parse("3[")).isEmpty();
        assertThat(At.parse("file:3")).isEmpty();
        assertThat(new At(3, 1).yaml()).isEqualTo("\"3[1]\"");
        assertThat(new At(3, -1).yaml()).isEqualTo("3");
    }

    @Test
    void numbersCompareWithARelativeTolerance() {
        assertThat(new ExpectedNumber(0.3).matches(0.1 + 0.2)).isTrue();
        assertThat(new ExpectedNumber(1e6).matches(1e6 * (1 + 5e-10))).isTrue();
        assertThat(new ExpectedNumber(1e6).matches(1e6 * (1 + 2e-9))).isFalse();
        assertThat(new ExpectedNumber(0.0).matches(1e-300)).isFalse();
        assertThat(new ExpectedNumber(0.0).matches(-0.0)).isTrue();
        assertThat(new ExpectedNumber(null).matches(null)).isTrue();
        assertThat(new ExpectedNumber(null).matches(0.0)).isFalse();
        assertThat(new ExpectedNumber(1.0).matches(null)).isFalse();
        assertThat(new ExpectedNumber(Double.NaN).matches(Double.NaN)).isTrue();
        assertThat(new ExpectedNumber(Double.POSITIVE_INFINITY).matches(Double.POSITIVE_INFINITY)).isTrue();
    }

    private Scenario load(String text) throws Exception {
        Path file = dir.resolve("s.yaml");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return ScenarioLoader.load(file);
    }

    private List<String> problems(String text) throws IOException {
        Path file = dir.resolve("s.yaml");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        try {
            ScenarioLoader.load(file);
        } catch (ScenarioLoadException e) {
            String prefix = dir + File.separator;
            return e.problems().stream().map(p -> p.replace(prefix, "")).toList();
        }
        return List.of("(loaded without problems)");
    }
}
