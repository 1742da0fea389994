package dev.anneal.watcher.app.cli;

import static dev.anneal.watcher.app.cli.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.app.cli.CliRunner.Result;
import org.junit.jupiter.api.Test;

/**
 * The operator commands' usage errors, which are found before anything is sent (no broker needed):
 * each names the option to fix and exits 64. The commands' behaviour against a broker is in
 * {@code OperatorCommandsIT}.
 */
class OperatorCommandsUsageTest {

    /** A broker address nothing listens on: a usage error must come before any connection. */
    private static final String NOWHERE = "127.0.0.1:1";

    @Test
    void everyOperatorCommandIsListedAndDocumentsItsExitCodes() {
        assertThat(run("--help").out()).contains("  clear ", "  ack ", "  silence ", "  unsilence ", "  end ",
                "  runs ");
        for (String cmd : new String[] {"clear", "ack", "silence", "unsilence", "end"}) {
            Result r = run(cmd, "--help");
            assertThat(r.code()).as(cmd).isZero();
            assertThat(r.out()).as(cmd).contains("--reason", "--as", "--command-id", "--bootstrap-servers",
                    "--topic", "--wait", "--no-wait", "--json", "Exit codes:",
                    ExitCodes.DATA_ERROR + "   the watcher refused the command",
                    ExitCodes.TEMPFAIL + "   no audit record within --wait; the command may still apply later");
        }
        assertThat(run("runs", "--help").out()).contains("--action", "--api", "--token-file", "show");
        assertThat(run("tail", "--help").out()).contains("audit");
    }

    @Test
    void aReasonIsRequired() {
        Result r = run("clear", "run-1", "--bootstrap-servers", NOWHERE);
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--reason");
        Result blank = run("end", "run-1", "--reason", "  ", "--bootstrap-servers", NOWHERE);
        assertThat(blank.code()).as(blank.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(blank.err()).contains("--reason: required: why, for the audit trail");
    }

    @Test
    void aSilenceOfEveryRunNeedsARuleOrLabelsAndAShortEnoughDuration() {
        Result bare = run("silence", "--for", "2h", "--reason", "drill", "--bootstrap-servers", NOWHERE);
        assertThat(bare.code()).as(bare.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(bare.err()).contains("--rule/--label/--run: a silence of every run names a rule or labels");
        Result tooLong = run("silence", "--rule", "kl_gate", "--for", "8d", "--reason", "drill",
                "--bootstrap-servers", NOWHERE);
        assertThat(tooLong.code()).as(tooLong.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(tooLong.err()).contains("--for: '8d' is longer than 7d");
        Result notADuration = run("silence", "--rule", "kl_gate", "--for", "soon", "--reason", "drill",
                "--bootstrap-servers", NOWHERE);
        assertThat(notADuration.err()).contains("--for: 'soon' is not a duration");
    }

    @Test
    void aCommandIdIsCheckedAndEveryRunIsForSilencesOnly() {
        Result badId = run("clear", "run-1", "--reason", "r", "--command-id", "has space", "--bootstrap-servers",
                NOWHERE);
        assertThat(badId.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badId.err()).contains("--command-id: 'has space' is not a command id");
        Result star = run("end", "*", "--reason", "r", "--bootstrap-servers", NOWHERE);
        assertThat(star.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(star.err()).contains("'*' (every run) is for silence and unsilence only");
    }
}
