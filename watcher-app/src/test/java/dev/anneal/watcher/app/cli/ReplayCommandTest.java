package dev.anneal.watcher.app.cli;

import static dev.anneal.watcher.app.cli.CliRunner.resource;
import static dev.anneal.watcher.app.cli.CliRunner.run;
import static dev.anneal.watcher.app.cli.CliRunner.runWithStdin;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.watcher.app.cli.CliRunner.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplayCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String ladder() {
        return resource("rules/ladder.yaml");
    }

    private static String input(String name) {
        return resource("replay/" + name);
    }

    @ParameterizedTest(name = "{0} -> exit {1}")
    @CsvSource({"pass.jsonl, 0, PASS", "hold.jsonl, 1, HOLD", "freeze.jsonl, 2, FREEZE", "rollback.jsonl, 3, ROLLBACK"})
    void exitOnFailureReturnsTheDecisionCode(String file, int code, String decision) {
        Result r = run("replay", "--rules", ladder(), "--param", "rollback_at=3", "--exit-on-failure", input(file));
        assertThat(r.code()).as(r.toString()).isEqualTo(code);
        assertThat(r.out()).startsWith("run " + file + ": " + decision)
                .containsPattern("\ndecision: " + decision + " \\(runs: 1, records: read \\d, accepted \\d, rejected 0\\)\n$");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void withoutExitOnFailureACompletedReplayExitsZero() {
        Result r = run("replay", "--rules", ladder(), "--param", "rollback_at=3", input("rollback.jsonl"));
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("decision: ROLLBACK");
    }

    @Test
    void reportShowsRuleRecordValueThresholdAndActionOfEachFiredAlert() {
        String file = input("hold.jsonl");
        Result r = run("replay", "--rules", ladder(), file);
        assertThat(r.out()).isEqualTo("run hold.jsonl: HOLD at " + file + ":2\n"
                + "  reason: loss_hold: 1.5 vs 1\n"
                + "  - loss_hold at " + file + ":2: value 1.5 vs threshold 1 -> HOLD (resolved at " + file + ":3)\n"
                + "  final: PASS at " + file + ":3\n"
                + "decision: HOLD (runs: 1, records: read 3, accepted 3, rejected 0)\n");
    }

    @Test
    void unknownOptionIsAUsageError() {
        Result r = run("replay", "--bogus", input("pass.jsonl"));
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--bogus").contains("watcher replay --help");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void missingInputArgumentAndBadFormatAreUsageErrors() {
        assertThat(run("replay").code()).isEqualTo(ExitCodes.USAGE);
        Result r = run("replay", "--format", "xml", input("pass.jsonl"));
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("xml").contains("auto, ndjson, json, health");
        assertThat(run("replay", "--param", "novalue", input("pass.jsonl")).code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("replay", "-", "-").code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void missingInputFileExits66NamingTheFile() {
        Result r = run("replay", input("pass.jsonl"), "no/such/file.jsonl");
        assertThat(r.code()).isEqualTo(ExitCodes.NO_INPUT);
        assertThat(r.err()).contains("no/such/file.jsonl");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void invalidRulesFileExits78WithEachProblemOnStderr() {
        String bad = resource("rules/bad.yaml");
        Result r = run("replay", "--rules", bad, input("pass.jsonl"));
        assertThat(r.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.err()).contains(bad + ":6: rule loss_high.severity: 'urgent' is not one of info, warning, critical\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void unknownPackExits78() {
        Result r = run("replay", "--rules", "no-such-pack", input("pass.jsonl"));
        assertThat(r.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.err()).contains("--rules no-such-pack: not a built-in pack");
    }

    @Test
    void badParamExits78() {
        Result unknown = run("replay", "--rules", ladder(), "--param", "nope=1", input("pass.jsonl"));
        assertThat(unknown.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(unknown.err()).contains("--param nope=1: unknown parameter 'nope'");
        Result notNumber = run("replay", "--rules", ladder(), "--param", "hold_at=high", input("pass.jsonl"));
        assertThat(notNumber.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(notNumber.err()).contains("--param hold_at=high: expected a finite number or none");
    }

    @Test
    void strictStopsAtTheFirstRejectedRecordWithExit65() {
        String file = input("bad_line.jsonl");
        Result r = run("replay", "--rules", ladder(), "--strict", file);
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.DATA_ERROR);
        assertThat(r.err()).contains(file + ":2: invalid JSON");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void withoutStrictARejectedRecordIsCountedAndReported() {
        String file = input("bad_line.jsonl");
        Result r = run("replay", "--rules", ladder(), file);
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("rejected records: 1\n  " + file + ":2: invalid JSON")
                .endsWith("decision: HOLD (runs: 1, records: read 3, accepted 2, rejected 1)\n");
    }

    @Test
    void unwritableOutputExits74(@TempDir Path tmp) {
        Result r = run("replay", "--rules", ladder(), "--alerts", tmp.toString(), input("hold.jsonl"));
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(r.err()).contains(tmp.toString());
    }

    @Test
    void alertsAndSummaryFilesAreByteIdenticalAcrossRuns(@TempDir Path tmp) throws Exception {
        byte[][] alerts = new byte[2][];
        byte[][] summaries = new byte[2][];
        for (int i = 0; i < 2; i++) {
            Path a = tmp.resolve("run" + i + "/alerts.jsonl");
            Path s = tmp.resolve("run" + i + "/summary.json");
            Result r = run("replay", "--rules", ladder(), "--param", "rollback_at=3", "--alerts", a.toString(),
                    "--summary", s.toString(), input("hold.jsonl"), input("rollback.jsonl"), input("bad_line.jsonl"));
            assertThat(r.code()).as(r.toString()).isZero();
            alerts[i] = Files.readAllBytes(a);
            summaries[i] = Files.readAllBytes(s);
        }
        assertThat(alerts[0]).isEqualTo(alerts[1]);
        assertThat(summaries[0]).isEqualTo(summaries[1]);

        List<String> lines = Files.readAllLines(tmp.resolve("run0/alerts.jsonl"));
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            JsonNode n = JSON.readTree(line);
            assertThat(n.fieldNames()).toIterable().containsExactly("id", "rule", "run_id", "state", "severity",
                    "action", "value", "threshold", "source", "started_at", "event_time", "labels", "annotations",
                    "synthetic", "rule_set", "resolved_by", "acked", "silenced");
        }
        assertThat(lines.get(0)).contains("\"rule\":\"loss_hold\"", "\"state\":\"firing\"",
                "\"annotations\":{\"summary\":\"loss_total 1.5 >= 1\"}");
    }

    @Test
    void jsonPrintsTheSummaryOnStdout(@TempDir Path tmp) throws Exception {
        Path s = tmp.resolve("summary.json");
        Result r = run("replay", "--rules", ladder(), "--json", "--summary", s.toString(), input("hold.jsonl"));
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo(Files.readString(s, StandardCharsets.UTF_8));
        JsonNode n = JSON.readTree(r.out());
        assertThat(n.fieldNames()).toIterable().containsExactly("decision", "reasons", "rule_set", "records", "runs",
                "rejected", "rule_errors", "commands");
        assertThat(n.path("decision").asText()).isEqualTo("HOLD");
        assertThat(n.path("runs").get(0).path("run_id").asText()).isEqualTo("hold.jsonl");
        assertThat(n.path("rule_set").path("packs").get(0).asText()).isEqualTo("test-ladder");
        assertThat(n.path("rule_set").path("params").fieldNames()).toIterable()
                .containsExactly("freeze_at", "hold_at");
    }

    @Test
    void stdinIsReadForDashAndNamedStdin() throws Exception {
        String text = Files.readString(Path.of(input("hold.jsonl")));
        Result r = runWithStdin(text, "replay", "--rules", ladder(), "--exit-on-failure", "-");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.HOLD);
        assertThat(r.out()).startsWith("run stdin: HOLD at -:2\n");
    }

    @Test
    void runIdOptionOverridesTheFileName() {
        Result r = run("replay", "--rules", ladder(), "--run-id", "exp-7", input("hold.jsonl"), input("pass.jsonl"));
        assertThat(r.out()).startsWith("run exp-7: HOLD").contains("(runs: 1,");
        assertThat(run("replay", "--run-id", " ", input("pass.jsonl")).code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void inputsSharingAFileNameGetTheirParentDirectoryPrefixed() {
        Result r = run("replay", "--rules", ladder(), input("dup/a/same.jsonl"), input("dup/b/same.jsonl"));
        assertThat(r.out()).contains("run a/same.jsonl: HOLD", "run b/same.jsonl: PASS");
    }

    @Test
    void helpListsOptionsAndExitCodes() {
        Result r = run("replay", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--rules=NAME|FILE", "--param=NAME=VALUE", "--run-id=ID", "--format=FORMAT",
                "--alerts=OUT.jsonl", "--summary=OUT.json", "--json", "--exit-on-failure", "--strict", "INPUT...",
                "Exit codes:", "64", "65", "66", "74", "78");
    }

    @Test
    void commandsApplyAfterTheirRunsRecordAndTheirOutcomesGoIntoTheSummaryAndTheReport(@TempDir Path tmp)
            throws Exception {
        Path commands = tmp.resolve("commands.ndjson");
        Files.writeString(commands, String.join("\n",
                "{\"command_id\": \"c-1\", \"type\": \"clear\", \"run_id\": \"freeze.jsonl\", \"actor\": \"alice\", "
                        + "\"reason\": \"too early\", \"issued_at\": \"2026-01-01T00:00:00Z\", \"after_records\": 2}",
                "",
                "{\"schema\": \"watcher.audit/v1\", \"command_id\": \"c-2\", \"type\": \"ack\", \"run_id\": "
                        + "\"freeze.jsonl\", \"actor\": \"bob\", \"reason\": \"on it\", \"issued_at\": "
                        + "\"2026-01-01T00:00:00Z\", \"rule\": \"loss_freeze\", \"synthetic\": false, \"outcome\": "
                        + "\"applied\", \"detail\": \"x\", \"applied_at\": \"2026-01-01T00:00:01Z\", \"run_records\": 2, "
                        + "\"rule_set\": \"sha256:0\"}") + "\n");
        Path summary = tmp.resolve("summary.json");
        Result r = run("replay", "--rules", ladder(), "--commands", commands.toString(), "--summary",
                summary.toString(), input("freeze.jsonl"));
        assertThat(r.code()).as(r.toString()).isZero();
        JsonNode audit = JSON.readTree(Files.readString(summary)).path("commands");
        assertThat(audit).hasSize(2);
        assertThat(audit.get(0).path("outcome").asText()).isEqualTo("refused");
        assertThat(audit.get(0).path("detail").asText()).contains("of rule loss_freeze still fires and demands FREEZE");
        assertThat(audit.get(1).path("outcome").asText()).isEqualTo("applied");
        assertThat(audit.get(1).path("run_records").asLong()).isEqualTo(2);
        assertThat(r.out()).contains("commands: 2\n  c-1 clear freeze.jsonl by alice: refused: ",
                "  c-2 ack freeze.jsonl by bob: applied: alert ");
    }

    @Test
    void aBadCommandsFileFailsBeforeAnythingIsReplayed(@TempDir Path tmp) throws Exception {
        Path commands = tmp.resolve("commands.ndjson");
        Files.writeString(commands, "{\"type\": \"clear\"}\n");
        Path summary = tmp.resolve("summary.json");
        Result bad = run("replay", "--rules", ladder(), "--commands", commands.toString(), "--summary",
                summary.toString(), input("freeze.jsonl"));
        assertThat(bad.code()).isEqualTo(ExitCodes.DATA_ERROR);
        assertThat(bad.err()).contains("bad commands file: " + commands + ":1: after_records is required");
        assertThat(summary).doesNotExist();
        Result missing = run("replay", "--rules", ladder(), "--commands", tmp.resolve("nope").toString(),
                input("freeze.jsonl"));
        assertThat(missing.code()).isEqualTo(ExitCodes.NO_INPUT);
        Result idle = run("replay", "--rules", ladder(), "--end-after-idle", "soon", input("freeze.jsonl"));
        assertThat(idle.code()).isEqualTo(ExitCodes.USAGE);
    }
}
