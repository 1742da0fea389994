package dev.anneal.watcher.app.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command-line tool from a Debian package that a deploy test runs ({@code promtool},
 * {@code docker-compose}, {@code systemd-analyze}, ...). Where the binary is missing the calling
 * test is skipped, loudly: a WARN line and a line on stderr name the binary and the package.
 * {@code .ci/run} installs every one of them, so CI never skips.
 *
 * @param binary         the command's name
 * @param debianPackage  the package that installs it
 */
record ExternalTool(String binary, String debianPackage) {

    static final ExternalTool PROMTOOL = new ExternalTool("promtool", "prometheus");
    static final ExternalTool AMTOOL = new ExternalTool("amtool", "prometheus-alertmanager");
    static final ExternalTool DOCKER_COMPOSE = new ExternalTool("docker-compose", "docker-compose");
    static final ExternalTool SYSTEMD_ANALYZE = new ExternalTool("systemd-analyze", "systemd");
    static final ExternalTool SYSTEMD_SYSUSERS = new ExternalTool("systemd-sysusers", "systemd");

    private static final Logger LOG = LoggerFactory.getLogger(ExternalTool.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    /** What one run printed (stdout and stderr together) and its exit code. */
    record Result(int exitCode, String output) {
        @Override
        public String toString() {
            return "exit " + exitCode + ":\n" + output;
        }
    }

    /** The binary on the PATH, else in /usr/bin or /usr/sbin. */
    Optional<Path> find() {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/bin", "/usr/sbin", "/bin"));
        for (String dir : dirs) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, binary);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The binary, or the calling test is skipped with a warning naming the package to install. */
    Path findOrSkip() {
        Optional<Path> found = find();
        if (found.isEmpty()) {
            String why = "'" + binary + "' is not installed (apt-get install " + debianPackage
                    + "; .ci/run does): SKIPPING this deploy check";
            LOG.warn(why);
            System.err.println("WARNING: " + why);
            Assumptions.assumeTrue(false, why);
        }
        return found.get();
    }

    /** Runs the tool (skipping the test where it is missing) in {@code dir} and waits for it. */
    Result run(Path dir, String... args) throws IOException, InterruptedException {
        return run(dir, Map.of(), args);
    }

    /** Runs the tool with extra environment variables. */
    Result run(Path dir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(findOrSkip().toString());
        command.addAll(List.of(args));
        Path output = Files.createTempFile(binary, ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(binary + " did not finish within " + TIMEOUT + ": " + command);
            }
            return new Result(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
