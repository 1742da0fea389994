package dev.anneal.watcher.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the image runs, run without a Docker engine: the Java runtime is built with the
 * Dockerfile's own {@code jlink} command and module list (from this JDK's jmods), then the
 * image's entrypoint and command run on it, with the image's paths mapped to the build's files
 * (the runtime, the shaded jar, {@code deploy/image/watcher.yaml}) and the image's environment
 * plus variables that move its ports and state to free ports and a temporary directory. The daemon
 * must start on its embedded broker and become ready, the HEALTHCHECK command must pass (and fail
 * on a port nobody serves), and SIGTERM must stop it with exit code 0. A module missing from the
 * list fails here as it would in the image.
 */
class ImageRuntimeIT {

    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final Path JAR = DeployFiles.projectRoot().resolve("watcher-app/target/watcher.jar");

    @TempDir
    Path tmp;

    @Test
    void theImageEntrypointRunsTheDaemonOnTheJlinkedRuntime() throws Exception {
        Dockerfile dockerfile = Dockerfile.read();
        Path jre = jlink(dockerfile);
        assertThat(JAR).as("the shaded jar (package phase)").exists();

        int httpPort = freePort();
        List<String> command = new ArrayList<>();
        for (String arg : concat(dockerfile.inImage("ENTRYPOINT").execForm(), dockerfile.inImage("CMD").execForm())) {
            command.add(arg.replace("/opt/jre", jre.toString())
                    .replace("/opt/watcher/watcher.jar", JAR.toString())
                    .replace("/etc/watcher/watcher.yaml", DeployFiles.deploy("image/watcher.yaml").toString()));
        }
        Path log = tmp.resolve("daemon.log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.put("JAVA_TOOL_OPTIONS", dockerfile.env("JAVA_TOOL_OPTIONS").orElseThrow());
        env.put("WATCHER_HTTP_ADDRESS", "127.0.0.1:" + httpPort);
        env.put("WATCHER_EMBEDDED_PORT", Integer.toString(freePort()));
        env.put("WATCHER_EMBEDDED_DATA_DIR", tmp.resolve("kafka").toString());
        env.put("WATCHER_STREAMS_STATE_DIR", tmp.resolve("streams").toString());
        Process daemon = pb.start();
        try {
            String base = "http://127.0.0.1:" + httpPort;
            awaitReady(base, daemon, log);

            List<String> healthcheck = DockerfileTest.healthCheckCommand(dockerfile);
            assertThat(run(withPort(healthcheck, httpPort))).as("HEALTHCHECK against the daemon").isZero();
            assertThat(run(withPort(healthcheck, freePort()))).as("HEALTHCHECK against a closed port").isNotZero();

            String metrics = get(base + "/metrics").body();
            assertThat(metrics).contains("watcher_records_consumed_total", "jvm_memory_used_bytes",
                    "process_cpu_usage", "kafka_stream_client_state");

            daemon.destroy();
            assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s of SIGTERM").isTrue();
            assertThat(daemon.exitValue()).as("exit code after SIGTERM; log:\n" + Files.readString(log)).isZero();
        } finally {
            daemon.destroyForcibly();
            daemon.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Runs the Dockerfile's jlink command with this JDK's jlink, into a temporary directory. */
    private Path jlink(Dockerfile dockerfile) throws Exception {
        Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
        if (!Files.isExecutable(jlink)) {
            String why = "this Java (" + System.getProperty("java.home") + ") has no jlink: SKIPPING the image runtime check";
            System.err.println("WARNING: " + why);
            Assumptions.assumeTrue(false, why);
        }
        Path jre = tmp.resolve("jre");
        String modules = dockerfile.argDefault("JAVA_MODULES").orElseThrow();
        Dockerfile.Instruction run = dockerfile.in(2, "RUN").get(0);
        List<String> command = new ArrayList<>();
        for (String word : run.args().split("\\s+")) {
            String w = word.replace("\"${JAVA_MODULES}\"", modules).replace("/opt/jre", jre.toString());
            command.add(w.equals("jlink") ? jlink.toString() : w);
        }
        assertThat(command.get(0)).isEqualTo(jlink.toString());
        assertThat(run(command)).as("jlink " + command).isZero();
        return jre;
    }

    private void awaitReady(String base, Process daemon, Path log) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            if (!daemon.isAlive()) {
                throw new AssertionError("the daemon exited with " + daemon.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (get(base + "/readyz").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // HTTP starts after the embedded broker
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not ready within " + WAIT + ":\n" + Files.readString(log));
            }
            Thread.sleep(250);
        }
    }

    private static List<String> withPort(List<String> command, int port) {
        return command.stream().map(a -> a.replace("127.0.0.1/9400", "127.0.0.1/" + port)).toList();
    }

    private int run(List<String> command) throws Exception {
        Path out = Files.createTempFile(tmp, "cmd", ".out");
        Process p = new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("did not finish: " + command);
        }
        if (p.exitValue() != 0) {
            System.err.println(command.get(0) + " exited " + p.exitValue() + ": " + Files.readString(out));
        }
        return p.exitValue();
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
