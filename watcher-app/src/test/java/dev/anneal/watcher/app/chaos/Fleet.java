package dev.anneal.watcher.app.chaos;

import dev.anneal.watcher.app.daemon.CrashDaemon;
import dev.anneal.watcher.core.stream.WatcherTopics;
import dev.anneal.watcher.testkit.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Instances of {@code watcher run} for the chaos scenarios: each a child process
 * ({@link CrashDaemon}: the real executable in its own JVM) with a name, its own state dir (kept
 * across its lives, as on a machine that restarts) and its own HTTP port, all in one Kafka
 * Streams application (one {@code application.id}, so they share the input's partitions).
 * Each instance's Kafka clients are named {@code <application id>-<name>} ({@code client.id}),
 * which is how {@link GroupView} tells which partitions an instance holds.
 */
final class Fleet implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    /**
     * How every instance of the fleet runs.
     *
     * @param bootstrap        the brokers
     * @param applicationId    the Streams application (consumer group)
     * @param topics           input and outputs
     * @param guarantee        {@code exactly_once_v2} or {@code at_least_once}
     * @param commitIntervalMs Streams' commit interval
     * @param standbys         {@code streams.standby_replicas}
     * @param extraArgs        further {@code watcher run} arguments (notifier, config file)
     */
    record Settings(String bootstrap, String applicationId, WatcherTopics topics, String guarantee,
            int commitIntervalMs, int standbys, List<String> extraArgs) {
        Settings {
            Objects.requireNonNull(bootstrap, "bootstrap");
            Objects.requireNonNull(applicationId, "applicationId");
            Objects.requireNonNull(topics, "topics");
            extraArgs = List.copyOf(extraArgs);
        }

        static Settings exactlyOnce(String bootstrap, String applicationId, WatcherTopics topics, int standbys) {
            return new Settings(bootstrap, applicationId, topics, "exactly_once_v2", 100, standbys, List.of());
        }

        Settings withGuarantee(String g, int commitMs) {
            return new Settings(bootstrap, applicationId, topics, g, commitMs, standbys, extraArgs);
        }

        Settings withExtraArgs(List<String> args) {
            return new Settings(bootstrap, applicationId, topics, guarantee, commitIntervalMs, standbys, args);
        }
    }

    /** One life of one instance. */
    record Instance(String name, int life, CrashDaemon daemon, int httpPort) {
        String url(String path) {
            return "http://127.0.0.1:" + httpPort + path;
        }
    }

    private final Path dir;
    private final Settings settings;
    private final Map<String, Instance> running = new LinkedHashMap<>();
    private final Map<String, Integer> lives = new LinkedHashMap<>();
    private final List<Instance> all = new ArrayList<>();

    Fleet(Path dir, Settings settings) {
        this.dir = dir;
        this.settings = settings;
    }

    Settings settings() {
        return settings;
    }

    /** The {@code client.id} of an instance's Kafka clients (its stream thread's consumer id starts with it). */
    String clientId(String name) {
        return settings.applicationId() + "-" + name;
    }

    /** Starts a new life of instance {@code name} with the fleet's settings. */
    Instance start(String name) throws IOException {
        return start(name, settings);
    }

    /** Starts a new life of instance {@code name} with other settings (a control's last life). */
    Instance start(String name, Settings s) throws IOException {
        if (running.containsKey(name)) {
            throw new IllegalStateException(name + " is running");
        }
        int life = lives.merge(name, 1, Integer::sum);
        int port = freePort();
        WatcherTopics t = s.topics();
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers", s.bootstrap(),
                "--application-id", s.applicationId(),
                "--state-dir", dir.resolve("state-" + name).toString(),
                "--http-address", "127.0.0.1:" + port,
                "--reload", "false",
                "--processing-guarantee", s.guarantee(),
                "--commit-interval-ms", Integer.toString(s.commitIntervalMs()),
                "--standby-replicas", Integer.toString(s.standbys()),
                "--input-topic", t.inputTopics().get(0),
                "--alerts-topic", t.alerts(),
                "--recommendations-topic", t.recommendations(),
                "--dlq-topic", t.dlq(),
                "--kafka-property", "client.id=" + clientId(name),
                // A killed member is noticed after this (Kafka's minimum); see CrashIT.
                "--kafka-property", "consumer.session.timeout.ms=" + ChaosSettings.SESSION_TIMEOUT_MS,
                "--kafka-property", "consumer.heartbeat.interval.ms=" + ChaosSettings.SESSION_TIMEOUT_MS / 3));
        args.addAll(s.extraArgs());
        CrashDaemon d = CrashDaemon.start(name, life, dir, ChaosSettings.CHILD_JVM, args);
        Instance i = new Instance(name, life, d, port);
        running.put(name, i);
        all.add(i);
        return i;
    }

    /** Waits until the instance's {@code /readyz} answers 200 (Kafka Streams RUNNING); fails if it died. */
    void awaitReady(String name) {
        Instance i = instance(name);
        Await.until(READY_TIMEOUT, name + " (life " + i.life() + ") is ready", () -> {
            requireAlive(i);
            return get(i, "/readyz").map(r -> r.statusCode() == 200).orElse(false);
        });
    }

    /** SIGKILL; returns the exit status (137). */
    int kill(String name) throws InterruptedException {
        Instance i = running.remove(name);
        return i.daemon().kill();
    }

    /** SIGTERM and the graceful stop; fails unless the exit status is 0. */
    void stop(String name) throws InterruptedException {
        Instance i = running.remove(name);
        int exit = i.daemon().stop(Duration.ofSeconds(90));
        if (exit != 0) {
            throw new AssertionError(name + " stopped with exit status " + exit + "\n" + i.daemon().logTail(60));
        }
    }

    /** Stops every running instance gracefully. */
    void stopAll() throws InterruptedException {
        for (String name : List.copyOf(running.keySet())) {
            stop(name);
        }
    }

    Instance instance(String name) {
        Instance i = running.get(name);
        if (i == null) {
            throw new IllegalStateException(name + " is not running");
        }
        return i;
    }

    List<String> runningNames() {
        return List.copyOf(running.keySet());
    }

    /** Fails (with its log) if an instance that should run has exited by itself. */
    void requireAllAlive() {
        running.values().forEach(Fleet::requireAlive);
    }

    private static void requireAlive(Instance i) {
        if (!i.daemon().isAlive()) {
            throw new AssertionError(i.name() + " (life " + i.life() + ") exited by itself\n" + i.daemon().logTail(80));
        }
    }

    /** A GET on the instance's HTTP server, empty while it does not answer. */
    static Optional<HttpResponse<String>> get(Instance i, String path) {
        try {
            return Optional.of(HTTP.send(HttpRequest.newBuilder(URI.create(i.url(path))).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * The sum of the series of a metric on the instance's {@code /metrics} whose labels contain
     * {@code labels} (for example {@code state="RUNNING"}), or empty when it does not answer.
     */
    static Optional<Double> metric(Instance i, String name, String labels) {
        return get(i, "/metrics").filter(r -> r.statusCode() == 200).map(r -> sum(r.body(), name, labels));
    }

    static double sum(String exposition, String name, String labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(exposition);
        double total = 0;
        while (m.find()) {
            String l = m.group(1) == null ? "" : m.group(1);
            if (l.contains(labels)) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** Every life started, for a failed test's logs. */
    List<Instance> lives() {
        return List.copyOf(all);
    }

    /** Kills whatever still runs (test clean-up). */
    @Override
    public void close() {
        running.values().forEach(i -> i.daemon().destroyQuietly());
        running.clear();
    }
}
