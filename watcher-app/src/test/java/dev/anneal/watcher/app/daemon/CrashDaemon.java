package dev.anneal.watcher.app.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One life of {@code watcher run} as a child process: the real executable's entry point
 * ({@code dev.anneal.watcher.app.Main run ...}) in its own JVM, on the test's classpath, with its
 * output in a log file. {@link #kill()} is {@code kill -9} ({@link Process#destroyForcibly()} sends
 * SIGKILL on Linux): no shutdown hook, no commit, no close; {@link #stop()} is SIGTERM, the
 * graceful stop.
 */
public final class CrashDaemon {

    private final int life;
    private final Process process;
    private final Path log;
    private final long startNanos = System.nanoTime();

    private CrashDaemon(int life, Process process, Path log) {
        this.life = life;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts life number {@code life} of the daemon with {@code args} after {@code run}.
     *
     * @param jvmOptions options of the child JVM (heap, JIT)
     */
    public static CrashDaemon start(int life, Path logDir, List<String> jvmOptions, List<String> args)
            throws IOException {
        return start("daemon", life, logDir, jvmOptions, args);
    }

    /**
     * Starts life number {@code life} of the daemon called {@code name} (one of several instances),
     * logging to {@code <name>-<life>.log}.
     */
    public static CrashDaemon start(String name, int life, Path logDir, List<String> jvmOptions, List<String> args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath());
        command.add("dev.anneal.watcher.app.Main");
        command.add("run");
        command.addAll(args);
        Path log = logDir.resolve(name + "-" + life + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        // The daemon reads WATCHER_* variables; none of the test environment's may leak in.
        pb.environment().keySet().removeIf(k -> k.startsWith("WATCHER_"));
        return new CrashDaemon(life, pb.start(), log);
    }

    /**
     * The test's classpath. Surefire and failsafe run tests from a manifest-only jar and put the
     * real classpath in {@code surefire.test.class.path} (and, normally, {@code java.class.path}).
     */
    public static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        return cp;
    }

    public int life() {
        return life;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Duration age() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** SIGKILL, then waits until the process is gone; returns its exit status (137). */
    public int kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("daemon life " + life + " (pid " + pid() + ") survived SIGKILL for 30 s");
        }
        return process.exitValue();
    }

    /** SIGTERM, then waits at most {@code timeout} for the graceful stop; returns the exit status. */
    public int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("daemon life " + life + " did not stop within " + timeout + " of SIGTERM\n"
                    + logTail(80));
        }
        return process.exitValue();
    }

    /** Kills the process if it is still there (test clean-up). */
    public void destroyQuietly() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public Path log() {
        return log;
    }

    /** The last {@code lines} lines of the daemon's log, for failure messages. */
    public String logTail(int lines) {
        try {
            List<String> all = lines();
            return "---- " + log + " (last " + Math.min(lines, all.size()) + " of " + all.size() + " lines) ----\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private List<String> lines() throws IOException {
        // Lenient about encoding: a SIGKILL can cut a line in the middle of a character.
        return List.of(new String(Files.readAllBytes(log), StandardCharsets.UTF_8).split("\n"));
    }

    /** Log lines that contain {@code text}. */
    public List<String> logLines(String text) {
        try {
            return lines().stream().filter(l -> l.contains(text)).toList();
        } catch (IOException e) {
            throw new AssertionError("cannot read " + log, e);
        }
    }
}
