package dev.anneal.watcher.app.cli;

import static dev.anneal.watcher.app.cli.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.app.cli.CliRunner.Result;
import dev.anneal.watcher.rules.model.Action;
import org.junit.jupiter.api.Test;

class WatcherCommandTest {

    @Test
    void versionNamesTheProjectVersion() {
        Result r = run("--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("watcher ").doesNotStartWith("watcher unknown").contains("Java ");
    }

    @Test
    void helpListsCommandsAndExitCodes() {
        Result r = run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("  replay ", "  rules ", "  test ", "Exit codes:", "64", "78");
    }

    @Test
    void noCommandOrUnknownCommandIsAUsageError() {
        assertThat(run().code()).isEqualTo(ExitCodes.USAGE);
        Result r = run("replya");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("replya");
    }

    @Test
    void decisionCodesAreTheActionLadder() {
        assertThat(ExitCodes.forDecision(Action.PROMOTE)).isEqualTo(ExitCodes.OK);
        assertThat(ExitCodes.forDecision(Action.PASS)).isEqualTo(ExitCodes.OK);
        assertThat(ExitCodes.forDecision(Action.HOLD)).isEqualTo(ExitCodes.HOLD);
        assertThat(ExitCodes.forDecision(Action.FREEZE)).isEqualTo(ExitCodes.FREEZE);
        assertThat(ExitCodes.forDecision(Action.ROLLBACK)).isEqualTo(ExitCodes.ROLLBACK);
    }
}
