package dev.anneal.watcher.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.app.cli.CliRunner.Result;
import dev.anneal.watcher.core.generate.PpoStreamGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replay output is public API: the same input and rules must give byte-identical alert files,
 * summaries and reports, release after release, unless a change means to alter them. This test
 * replays every recorded file in {@code testdata/townlet} under each built-in pack that reads it,
 * and two generated 200,000-record streams, and compares the outputs with golden files written
 * before the record pipeline was refactored (issue 11).
 *
 * <p>A deliberate output change regenerates the goldens: run this test with
 * {@code -Dgolden.update=true} and review the diff in {@code src/test/resources/golden/replay}.
 * Inputs are named by paths relative to the working directory (the module directory under
 * Maven), because a position's file name is part of each alert id: the goldens must not depend
 * on where the checkout lives.
 */
class ReplayGoldenTest {

    private static final boolean UPDATE = Boolean.getBoolean("golden.update");
    private static final List<String> PACKS = List.of("anneal-gates", "townlet-watch", "promotion-evaluate");

    static Path goldenDir() {
        return CliRunner.projectRoot().resolve("watcher-app/src/test/resources/golden/replay");
    }

    static Path dataDir() {
        return CliRunner.projectRoot().resolve("testdata/townlet");
    }

    static Stream<Arguments> recordedFiles() throws IOException {
        Path data = dataDir();
        List<String> files;
        try (Stream<Path> walk = Files.walk(data)) {
            files = walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".md"))
                    .map(p -> data.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
        List<Arguments> out = new ArrayList<>();
        for (String pack : PACKS) {
            for (String f : files) {
                out.add(Arguments.of(pack, f));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("recordedFiles")
    void recordedFileReplaysAsBefore(String pack, String file, @TempDir Path tmp) throws Exception {
        Path alerts = tmp.resolve("alerts.jsonl");
        Path summary = tmp.resolve("summary.json");
        Result r = CliRunner.run("replay", "--rules", pack, "--alerts", alerts.toString(), "--summary",
                summary.toString(), arg(dataDir().resolve(file)));
        String name = pack + "/" + file.replace('/', '_');
        check(name + ".alerts.jsonl", normalise(Files.readString(alerts)));
        check(name + ".summary.json", normalise(Files.readString(summary)));
        check(name + ".report.txt", "exit " + r.code() + "\n--- stdout\n" + normalise(r.out()) + "--- stderr\n"
                + normalise(r.err()));
    }

    static Stream<Arguments> fixtures() {
        List<Arguments> out = new ArrayList<>();
        for (String pack : PACKS) {
            for (String input : List.of("drills.ndjson", "synthetic_runs.ndjson")) {
                out.add(Arguments.of(pack, input));
            }
        }
        return out.stream();
    }

    /**
     * Inputs that make every rule of the packs fire: the QA drills (each {@code watcher inject}
     * scenario rendered at fixed event times) and the synthetic runs of the differential test.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("fixtures")
    void fixtureReplaysAsBefore(String pack, String input, @TempDir Path tmp) throws Exception {
        Path alerts = tmp.resolve("alerts.jsonl");
        Path summary = tmp.resolve("summary.json");
        Path file = goldenDir().resolve("inputs").resolve(input);
        Result r = CliRunner.run("replay", "--rules", pack, "--alerts", alerts.toString(), "--summary",
                summary.toString(), arg(file));
        String name = pack + "/inputs_" + input;
        check(name + ".alerts.jsonl", normalise(Files.readString(alerts)));
        check(name + ".summary.json", normalise(Files.readString(summary)));
        check(name + ".report.txt", "exit " + r.code() + "\n--- stdout\n" + normalise(r.out()) + "--- stderr\n"
                + normalise(r.err()));
    }

    /** Several inputs in one replay, under all packs at once: positions and run tallies across files. */
    @org.junit.jupiter.api.Test
    void severalFilesUnderAllPacksReplayAsBefore(@TempDir Path tmp) throws Exception {
        Path alerts = tmp.resolve("alerts.jsonl");
        Path summary = tmp.resolve("summary.json");
        List<String> args = new ArrayList<>(List.of("replay", "--alerts", alerts.toString(), "--summary",
                summary.toString()));
        for (String pack : PACKS) {
            args.addAll(List.of("--rules", pack));
        }
        args.add(arg(goldenDir().resolve("inputs/drills.ndjson")));
        args.add(arg(dataDir().resolve("artifacts/phase4/queue_conflict/ppo_mixed.jsonl")));
        args.add(arg(dataDir().resolve("artifacts/m5/acceptance/summary_idle_v1_rehearsal.json")));
        args.add(arg(dataDir().resolve("docs/samples/ppo_log.jsonl")));
        Result r = CliRunner.run(args.toArray(String[]::new));
        check("all-packs/several-files.alerts.jsonl", normalise(Files.readString(alerts)));
        check("all-packs/several-files.summary.json", normalise(Files.readString(summary)));
        check("all-packs/several-files.report.txt", "exit " + r.code() + "\n--- stdout\n" + normalise(r.out())
                + "--- stderr\n" + normalise(r.err()));
    }

    static Stream<Arguments> generated() {
        return Stream.of(Arguments.of("townlet-watch"), Arguments.of("anneal-gates"));
    }

    /**
     * A generated stream is too large for a golden file; its outputs' SHA-256 digests are the
     * golden instead (with the record counts of the summary, to make a mismatch readable).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("generated")
    void generatedStreamReplaysAsBefore(String pack, @TempDir Path tmp) throws Exception {
        Path alerts = tmp.resolve("alerts.jsonl");
        Path summary = tmp.resolve("summary.json");
        Result r;
        try (InputStream in = generate(new PpoStreamGenerator(200_000, 1_000))) {
            r = CliRunner.runWithStdin(in, "replay", "--rules", pack, "--alerts", alerts.toString(), "--summary",
                    summary.toString(), "-");
        }
        String digests = "exit " + r.code() + "\n"
                + "alerts " + sha256(Files.readAllBytes(alerts)) + " " + Files.readAllLines(alerts).size() + " lines\n"
                + "summary " + sha256(Files.readAllBytes(summary)) + "\n"
                + "report " + sha256(r.out().getBytes(StandardCharsets.UTF_8)) + "\n"
                + "stderr " + sha256(r.err().getBytes(StandardCharsets.UTF_8)) + "\n";
        check("generated-200000x1000." + pack + ".sha256", digests);
    }

    private static InputStream generate(PpoStreamGenerator generator) throws IOException {
        PipedInputStream in = new PipedInputStream(1 << 20);
        PipedOutputStream out = new PipedOutputStream(in);
        Thread writer = new Thread(() -> {
            try (OutputStream o = out) {
                generator.writeTo(o);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "golden-generator");
        writer.setDaemon(true);
        writer.start();
        return in;
    }

    /** A file as a command-line argument: its path relative to the working directory. */
    private static String arg(Path file) {
        return Path.of("").toAbsolutePath().relativize(file.toAbsolutePath()).toString();
    }

    private static String normalise(String text) {
        return text.replace('\\', '/');
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static void check(String name, String actual) throws IOException {
        Path golden = goldenDir().resolve(name);
        if (UPDATE) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, actual);
            return;
        }
        assertThat(golden).as("golden file %s (make it with -Dgolden.update=true)", golden).exists();
        assertThat(actual).as("replay output against %s", golden).isEqualTo(Files.readString(golden));
    }
}
