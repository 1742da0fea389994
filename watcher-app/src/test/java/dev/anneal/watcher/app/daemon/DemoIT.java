package dev.anneal.watcher.app.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.app.cli.Cli;
import dev.anneal.watcher.app.cli.ExitCodes;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * {@code watcher demo}, the README's first command, runs as a user runs it: its own embedded broker
 * on a free port, the daemon in process, two injected runs, the narrative, exit 0.
 */
class DemoIT {

    @Test
    void theDemoTellsWhatTheWatcherRecommendedAndWhyAndExitsZero() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.execute(new ByteArrayInputStream(new byte[0]), new PrintWriter(out), new PrintWriter(err),
                "demo");
        assertThat(code).as(out + "\n" + err).isEqualTo(ExitCodes.OK);
        assertThat(out.toString())
                .contains("1. Started a Kafka broker on 127.0.0.1:")
                .doesNotContain("127.0.0.1:9092 and the daemon")
                .contains("2. Injected 14 records into anneal.telemetry as run demo-healthy")
                .contains("Injected 12 records as run demo-drift")
                .containsPattern("demo-healthy +PASS -> PROMOTE \\[synthetic: true\\]")
                .containsPattern("demo-drift +PASS -> .*ROLLBACK.* \\[synthetic: true\\]")
                .containsPattern("loss_drift_rollback +ROLLBACK: value 0\\.[0-9]+, threshold 0\\.1500, at anneal.telemetry/0:")
                .contains("4. Why:");
    }
}
