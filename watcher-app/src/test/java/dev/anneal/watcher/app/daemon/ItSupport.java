package dev.anneal.watcher.app.daemon;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.anneal.watcher.app.config.LogFormat;
import dev.anneal.watcher.app.config.ProcessingGuarantee;
import dev.anneal.watcher.app.config.ValueType.HostPort;
import dev.anneal.watcher.app.config.WatcherConfig;
import dev.anneal.watcher.testkit.Await;
import dev.anneal.watcher.testkit.KafkaBroker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * What the daemon integration tests share: configs, HTTP, captured logs. Brokers, producing, reading
 * and waiting come from the test kit ({@code dev.anneal.watcher.testkit}).
 */
final class ItSupport {

    /** How long a test waits for the daemon to start before it fails. */
    static final Duration WAIT = Await.DEFAULT;

    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ItSupport() {
    }

    /** Topic names and application id unique to one test, so tests can share a broker. */
    record Names(String prefix) {
        static Names fresh(String what) {
            return new Names(what + "-" + NEXT.incrementAndGet());
        }

        String input() {
            return prefix + ".telemetry";
        }

        String alerts() {
            return prefix + ".alerts";
        }

        String recommendations() {
            return prefix + ".recommendations";
        }

        String dlq() {
            return prefix + ".dlq";
        }

        String commands() {
            return prefix + ".commands";
        }

        String audit() {
            return prefix + ".audit";
        }

        String applicationId() {
            return prefix + "-watcher";
        }
    }

    /**
     * A configuration for a test: the given brokers (empty: embedded mode with {@code brokerDir}),
     * one partition per topic, a free HTTP port, exactly-once, fast commits and absence checks.
     */
    static WatcherConfig config(Optional<String> bootstrap, Path brokerDir, Path stateDir, Names names,
            List<String> packs, boolean reload) {
        return new WatcherConfig(
                new WatcherConfig.Kafka(bootstrap, Map.of(), Duration.ofSeconds(30)),
                new WatcherConfig.Embedded(0, brokerDir),
                new WatcherConfig.Topics(List.of(names.input()), Optional.empty(), names.alerts(),
                        names.recommendations(), names.dlq(), 1, -1, Optional.empty(), Optional.empty(),
                        names.commands(), names.audit()),
                new WatcherConfig.Streams(names.applicationId(), stateDir, ProcessingGuarantee.EXACTLY_ONCE_V2, 100,
                        Duration.ofSeconds(1)),
                new WatcherConfig.Rules(packs, Map.of(), reload),
                new WatcherConfig.Http(new HostPort("127.0.0.1", 0)),
                new WatcherConfig.Log(LogFormat.TEXT));
    }

    /** A configuration for a test against the test's broker (see the other overload). */
    static WatcherConfig config(KafkaBroker broker, Path stateDir, Names names, List<String> packs, boolean reload) {
        // The embedded broker's data dir is never used: the configuration names bootstrap servers.
        return config(Optional.of(broker.bootstrapServers()), stateDir.resolve("unused-embedded-broker"), stateDir,
                names, packs, reload);
    }

    /** Starts {@code config} and waits until Kafka Streams is RUNNING. */
    static WatcherApp startRunning(WatcherConfig config) throws Exception {
        WatcherApp app = new WatcherApp(config);
        app.start();
        if (!app.awaitRunning(WAIT)) {
            app.stop();
            throw new AssertionError("Kafka Streams did not reach RUNNING within " + WAIT + ": " + app.streamsState());
        }
        return app;
    }

    /** A PPO epoch with the given loss, kl_divergence and grad_norm (the rest healthy). */
    static String ppo(double loss, double kl, double grad) {
        return String.format(Locale.ROOT, "{\"epoch\": 1.0, \"loss_total\": %s, \"kl_divergence\": %s, "
                + "\"grad_norm\": %s, \"batch_entropy_mean\": 1.38, \"data_mode\": \"replay\"}", loss, kl, grad);
    }

    static String healthy() {
        return ppo(1.37, 0.01, 1.0);
    }

    /** A JSON string field of a flat-enough JSON text ({@code "name":"value"}), or null. */
    static String field(String json, String name) {
        try {
            var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get(name);
            return node == null || node.isNull() ? null : node.asText();
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    /** An HTTP response: status and body. */
    record Response(int status, String body, String contentType) {
    }

    static Response get(String url) throws Exception {
        return request("GET", url);
    }

    static Response request(String method, String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
    }

    /** Log events of {@code dev.anneal} loggers while open. */
    static final class CapturedLogs implements AutoCloseable {
        private final Logger logger = (Logger) LoggerFactory.getLogger("dev.anneal");
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        CapturedLogs() {
            appender.start();
            logger.addAppender(appender);
        }

        /** Formatted messages of the events of {@code loggerName} (a prefix). */
        List<String> messages(String loggerName) {
            synchronized (appender) {
                return appender.list.stream().filter(e -> e.getLoggerName().startsWith(loggerName))
                        .map(ILoggingEvent::getFormattedMessage).toList();
            }
        }

        List<ILoggingEvent> events() {
            synchronized (appender) {
                return List.copyOf(appender.list);
            }
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
            appender.stop();
        }
    }
}
