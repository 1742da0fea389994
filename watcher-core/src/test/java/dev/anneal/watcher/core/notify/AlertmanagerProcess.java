package dev.anneal.watcher.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.watcher.testkit.Await;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Prometheus Alertmanager (the Debian package {@code prometheus-alertmanager}) started by a
 * test on 127.0.0.1 and a free port, clustering off, with a temporary config routing every alert
 * to a local webhook (so the test also sees what Alertmanager notifies) and temporary storage.
 * It can be stopped and started again on the same port and storage (an outage).
 *
 * <p>Where the binary is missing the test is skipped, loudly: a WARN line names the binary and
 * the package. CI ({@code .ci/run}) installs the package, so there the tests always run. The
 * chaos suite (watcher-app) uses it too, through watcher-core's test-jar.
 */
public final class AlertmanagerProcess implements AutoCloseable {

    /** The binary's name in the Debian package. */
    public static final String BINARY = "prometheus-alertmanager";
    /** A system property naming the binary to use instead of looking it up. */
    static final String BINARY_PROPERTY = "watcher.test.alertmanager";

    private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerProcess.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path binary;
    private final Path config;
    private final Path storage;
    private final Path log;
    private final int port;
    private Process process;

    private AlertmanagerProcess(Path binary, Path dir, String webhookUrl, Duration resolveTimeout) throws IOException {
        this.binary = binary;
        this.config = dir.resolve("alertmanager.yml");
        this.storage = Files.createDirectories(dir.resolve("data"));
        this.log = dir.resolve("alertmanager.log");
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            this.port = s.getLocalPort();
        }
        Files.writeString(config, String.join("\n",
                "global:",
                "  resolve_timeout: " + resolveTimeout.toMillis() + "ms",
                "route:",
                "  receiver: hook",
                "  group_by: [alertname, run_id]",
                "  group_wait: 100ms",
                "  group_interval: 500ms",
                "  repeat_interval: 1h",
                "receivers:",
                "  - name: hook",
                "    webhook_configs:",
                "      - url: " + webhookUrl,
                "        send_resolved: true",
                ""), StandardCharsets.UTF_8);
    }

    /**
     * Starts Alertmanager, or skips the calling test (with a WARN naming the binary) where it is
     * not installed.
     */
    public static AlertmanagerProcess startOrSkip(Path dir, String webhookUrl, Duration resolveTimeout) throws Exception {
        Optional<Path> binary = find();
        if (binary.isEmpty()) {
            String why = "the Alertmanager binary '" + BINARY + "' is not installed (apt-get install " + BINARY
                    + "; .ci/run does): SKIPPING the Alertmanager integration tests";
            LOG.warn(why);
            System.err.println("WARNING: " + why);
            Assumptions.assumeTrue(false, why);
        }
        AlertmanagerProcess am = new AlertmanagerProcess(binary.get(), dir, webhookUrl, resolveTimeout);
        am.start();
        return am;
    }

    /**
     * The binary: the system property {@value #BINARY_PROPERTY} if set (a path that does not exist
     * makes the tests skip, which is how the skip itself is checked), else the PATH, else /usr/bin.
     */
    public static Optional<Path> find() {
        String configured = System.getProperty(BINARY_PROPERTY);
        if (configured != null) {
            Path p = Path.of(configured);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, BINARY);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        Path usual = Path.of("/usr/bin", BINARY);
        return Files.isExecutable(usual) ? Optional.of(usual) : Optional.empty();
    }

    /** Starts the process and waits until {@code /-/ready} answers 200. */
    public void start() throws Exception {
        process = new ProcessBuilder(List.of(binary.toString(),
                "--config.file=" + config,
                "--storage.path=" + storage,
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address="))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        try {
            Await.until(Duration.ofSeconds(30), "alertmanager is ready", this::ready);
        } catch (AssertionError | IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + ":\n" + Files.readString(log), e);
        }
    }

    /** Whether {@code /-/ready} answers 200; fails at once when the process has exited. */
    private boolean ready() {
        if (!process.isAlive()) {
            throw new IllegalStateException("alertmanager exited with " + process.exitValue());
        }
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/-/ready")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (IOException e) {
            return false; // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for alertmanager", e);
        }
    }

    /** Stops the process (SIGTERM, then SIGKILL): connections are refused until {@link #start()}. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** {@code GET /api/v2/alerts}: the alerts Alertmanager considers active (not resolved). */
    public List<JsonNode> alerts() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/api/v2/alerts")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET /api/v2/alerts: " + r.statusCode() + " " + r.body());
        }
        JsonNode array = MAPPER.readTree(r.body());
        List<JsonNode> out = new java.util.ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    /** The active alerts with this alertname and run_id. */
    public List<JsonNode> alerts(String alertname, String runId) throws Exception {
        return alerts().stream().filter(a -> alertname.equals(a.path("labels").path("alertname").asText())
                && runId.equals(a.path("labels").path("run_id").asText())).toList();
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
