package dev.anneal.watcher.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether a Docker engine is there for Testcontainers, decided without ever waiting on an engine
 * that is absent: first a local look for any sign of one ({@code DOCKER_HOST}, a
 * {@code docker.host} in {@code ~/.testcontainers.properties}, or a {@code docker.sock} in the
 * usual places). Only when there is one does Testcontainers itself try to reach the engine, in a
 * thread of its own, for at most {@value #ANSWER_SECONDS} s. The answer is worked out once per
 * JVM.
 */
final class DockerProbe {

    /** How long an engine that seems to be there may take to answer. */
    static final long ANSWER_SECONDS = 20;

    /**
     * The answer.
     *
     * @param available whether Testcontainers can run containers
     * @param reason    why, in words, for the line {@link KafkaBroker} prints
     */
    record Result(boolean available, String reason) {
    }

    private static Result cached;

    private DockerProbe() {
    }

    static synchronized Result probe() {
        if (cached == null) {
            cached = look();
        }
        return cached;
    }

    private static Result look() {
        Optional<String> sign = sign();
        if (sign.isEmpty()) {
            return new Result(false, "no Docker engine: DOCKER_HOST is unset and there is no docker.sock");
        }
        CompletableFuture<Boolean> answer = CompletableFuture.supplyAsync(
                () -> org.testcontainers.DockerClientFactory.instance().isDockerAvailable());
        try {
            return answer.get(ANSWER_SECONDS, TimeUnit.SECONDS)
                    ? new Result(true, "a Docker engine answers at " + sign.get())
                    : new Result(false, "the Docker engine at " + sign.get() + " does not answer");
        } catch (TimeoutException e) {
            answer.cancel(true);
            return new Result(false, "the Docker engine at " + sign.get() + " did not answer within "
                    + Duration.ofSeconds(ANSWER_SECONDS).toSeconds() + " s");
        } catch (Exception e) {
            return new Result(false, "the Docker engine at " + sign.get() + " cannot be used: " + e);
        }
    }

    /** Where an engine would be, if anything says there is one. */
    private static Optional<String> sign() {
        String host = System.getenv("DOCKER_HOST");
        if (host != null && !host.isBlank()) {
            return Optional.of(host);
        }
        String home = System.getProperty("user.home", "");
        Path properties = Path.of(home, ".testcontainers.properties");
        if (Files.isRegularFile(properties)) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(properties)) {
                p.load(in);
                String configured = p.getProperty("docker.host");
                if (configured != null && !configured.isBlank()) {
                    return Optional.of(configured);
                }
            } catch (IOException e) {
                // An unreadable file says nothing either way; the sockets below still may.
            }
        }
        List<Path> sockets = new ArrayList<>(List.of(Path.of("/var/run/docker.sock"),
                Path.of(home, ".docker", "run", "docker.sock"), Path.of(home, ".docker", "desktop", "docker.sock")));
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank()) {
            sockets.add(Path.of(runtime, "docker.sock"));
        }
        return sockets.stream().filter(Files::exists).map(p -> "unix://" + p).findFirst();
    }
}
