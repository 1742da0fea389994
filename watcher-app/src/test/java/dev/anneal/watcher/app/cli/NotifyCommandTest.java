package dev.anneal.watcher.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.app.cli.CliRunner.Result;
import org.junit.jupiter.api.Test;

/** {@code watcher notify}: help, configuration errors and exit codes (delivery itself: NotifyIT). */
class NotifyCommandTest {

    private static final String RECEIVER = "{name: hook, type: webhook, url: \"http://127.0.0.1:1/\"}";

    @Test
    void helpDescribesItAndTakesTheSameFlagsAsRun() {
        Result r = CliRunner.run("notify", "--help");
        assertThat(r.code()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("Deliver the alerts topic to Alertmanager and webhooks")
                .contains("--notify-receiver={name: N, type: alertmanager|webhook, url: U}")
                .contains("--bootstrap-servers").contains("WATCHER_NOTIFY_RECEIVERS");
    }

    @Test
    void withoutBootstrapServersItIsAConfigurationError() {
        Result r = CliRunner.run("notify", "--notify-receiver", RECEIVER, "--http-address", "127.0.0.1:0");
        assertThat(r.code()).isEqualTo(ExitCodes.CONFIG);
    }

    @Test
    void aBadReceiverIsReportedWithItsFlag() {
        Result r = CliRunner.run("notify", "--bootstrap-servers", "127.0.0.1:1",
                "--notify-receiver", "{name: hook, type: sms, url: \"http://127.0.0.1:1/\"}");
        assertThat(r.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.err()).isEqualTo("option --notify-receiver: notify.receivers[0].type: expected alertmanager or "
                + "webhook, got 'sms'\nwatcher: invalid configuration (1 problem)\n");
    }

    @Test
    void unreachableBrokersExit69() {
        // Port 1 on the loopback address is never a broker: the start-up check gives up after 1s.
        Result r = CliRunner.run("notify", "--bootstrap-servers", "127.0.0.1:1", "--startup-timeout", "1s",
                "--notify-receiver", RECEIVER, "--http-address", "127.0.0.1:0");
        assertThat(r.code()).isEqualTo(ExitCodes.UNAVAILABLE);
    }
}
