package dev.anneal.watcher.app.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.watcher.app.cli.Cli;
import dev.anneal.watcher.app.cli.ExitCodes;
import dev.anneal.watcher.app.config.WatcherConfig;
import dev.anneal.watcher.app.daemon.ItSupport.Names;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up failures: a clear message, the right error class and exit code, nothing left running. */
class StartupIT {

    @TempDir
    Path dir;

    @Test
    void unreachableBrokersFailTheStartAfterTheStartupTimeout() throws Exception {
        int port = freePort();
        WatcherConfig base = ItSupport.config(Optional.of("127.0.0.1:" + port), dir.resolve("kafka"),
                dir.resolve("streams"), Names.fresh("down"), List.of("anneal-gates"), false);
        WatcherConfig config = new WatcherConfig(new WatcherConfig.Kafka(base.kafka().bootstrapServers(), Map.of(),
                Duration.ofSeconds(2)), base.embedded(), base.topics(), base.streams(), base.rules(), base.http(),
                base.log());
        WatcherApp app = new WatcherApp(config);
        long t0 = System.nanoTime();
        assertThatThrownBy(app::start)
                .isInstanceOfSatisfying(StartupException.class,
                        e -> assertThat(e.kind()).isEqualTo(StartupException.Kind.UNAVAILABLE))
                .hasMessageStartingWith("cannot reach the Kafka brokers at 127.0.0.1:" + port
                        + " within 2s (kafka.startup_timeout)")
                .hasMessageEndingWith("check kafka.bootstrap_servers, the network and the security settings in "
                        + "kafka.properties");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
        assertThat(app.phase()).isEqualTo(WatcherApp.Phase.STOPPED);
        assertThat(app.awaitTermination(Duration.ZERO)).isTrue();
    }

    @Test
    void watcherRunExits69WhenTheBrokersCannotBeReached() {
        StringWriter err = new StringWriter();
        int code = Cli.execute(new ByteArrayInputStream(new byte[0]), new PrintWriter(new StringWriter()),
                new PrintWriter(err), "run", "--bootstrap-servers", "127.0.0.1:" + freePort(), "--startup-timeout",
                "1s", "--http-address", "127.0.0.1:0", "--state-dir", dir.resolve("streams").toString());
        assertThat(code).isEqualTo(ExitCodes.UNAVAILABLE);
    }

    @Test
    void watcherRunExits78OnAnInvalidConfigurationWithEveryProblem() {
        StringWriter err = new StringWriter();
        int code = Cli.execute(new ByteArrayInputStream(new byte[0]), new PrintWriter(new StringWriter()),
                new PrintWriter(err), "run", "--embedded-port", "http", "--startup-timeout", "soon");
        assertThat(code).isEqualTo(ExitCodes.CONFIG);
        assertThat(err.toString()).isEqualTo("""
                option --startup-timeout: kafka.startup_timeout: expected a duration such as 500ms, 30s, 2m or \
                1h30m, got 'soon'
                option --embedded-port: embedded.port: expected an integer from 0 to 65535, got 'http'
                watcher: invalid configuration (2 problems)
                """);
    }

    @Test
    void brokenRulesFailTheStartBeforeAnythingTouchesKafka() throws Exception {
        WatcherConfig config = ItSupport.config(Optional.of("127.0.0.1:" + freePort()), dir.resolve("kafka"),
                dir.resolve("streams"), Names.fresh("badrules"), List.of(dir.resolve("missing.yaml").toString()),
                false);
        assertThatThrownBy(new WatcherApp(config)::start)
                .isInstanceOfSatisfying(StartupException.class,
                        e -> assertThat(e.kind()).isEqualTo(StartupException.Kind.CONFIG))
                .hasMessageStartingWith("invalid rules (1 problem):\n--rules " + dir.resolve("missing.yaml"));
    }

    @Test
    void aTakenHttpAddressFailsTheStartWithAnIoError(@TempDir Path brokerDir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            WatcherConfig base = ItSupport.config(Optional.empty(), brokerDir, dir.resolve("streams"),
                    Names.fresh("http"), List.of("anneal-gates"), false);
            WatcherConfig config = new WatcherConfig(base.kafka(), base.embedded(), base.topics(), base.streams(),
                    base.rules(), new WatcherConfig.Http(new dev.anneal.watcher.app.config.ValueType.HostPort(
                            "127.0.0.1", taken.getLocalPort())), base.log());
            WatcherApp app = new WatcherApp(config);
            assertThatThrownBy(app::start)
                    .isInstanceOfSatisfying(StartupException.class,
                            e -> assertThat(e.kind()).isEqualTo(StartupException.Kind.IO))
                    .hasMessageStartingWith("cannot serve HTTP on 127.0.0.1:" + taken.getLocalPort());
            assertThat(app.embeddedBroker()).as("the embedded broker was started, then stopped again").isPresent();
            assertThat(app.phase()).isEqualTo(WatcherApp.Phase.STOPPED);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
