package dev.anneal.watcher.app.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.watcher.app.bench.BenchmarkReport.Checkpoint;
import dev.anneal.watcher.app.bench.BenchmarkReport.MemorySeries;
import dev.anneal.watcher.app.bench.BenchmarkReport.Pass;
import dev.anneal.watcher.app.bench.BenchmarkReport.ReplayWork;
import dev.anneal.watcher.core.decode.DecodeResult;
import dev.anneal.watcher.core.decode.Ordinal;
import dev.anneal.watcher.core.decode.Rejection;
import dev.anneal.watcher.core.decode.TelemetryDecoder;
import dev.anneal.watcher.core.replay.Replay;
import dev.anneal.watcher.core.replay.ReplayListener;
import dev.anneal.watcher.core.replay.ReplayOptions;
import dev.anneal.watcher.core.replay.ReplayResult;
import dev.anneal.watcher.core.replay.RuleErrorSummary;
import dev.anneal.watcher.core.replay.RunSummary;
import dev.anneal.watcher.core.replay.StrictRejectionException;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.load.RuleLoadException;
import dev.anneal.watcher.rules.load.RuleSetCompiler;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.Recommendation;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The replay benchmark of the issue, in one JVM run over one file: replay with a rule pack beside
 * parsing the same file with Jackson and nothing else.
 *
 * <ol>
 *   <li><b>Token-only reference</b>: {@link JsonParser#nextToken()} over every token of every
 *       line; no values are built. The strictest reference: what it costs just to read and
 *       tokenize the bytes.</li>
 *   <li><b>readTree ceiling</b>: {@link ObjectMapper#readTree(byte[], int, int)} of every line and
 *       nothing else: the cost of turning each line into a value tree, which replay must also
 *       do. The target is stated against this rate.</li>
 *   <li><b>Decode only</b> (a diagnostic): {@link TelemetryDecoder} over the file with a sink that
 *       only counts: the replay's decoding without validation and rules, so the replay's cost
 *       splits into decoding and the engine.</li>
 *   <li><b>Replay</b>: {@link Replay} with the rule pack and a {@link ReplayListener} that only
 *       counts, i.e. decode, validate, evaluate, keep alert state and decide, without writing
 *       output.</li>
 * </ol>
 * All of them read the file through the same kind of stream with the same 64 KiB line splitting
 * as the replay's decoder, and Jackson is configured as the decoder configures it (non-numeric
 * numbers allowed, fast double parser), so the differences are the work done per line.
 *
 * <p>Each measurement first reads a prefix of the file ({@code warmupRecords}) so the JIT has
 * compiled its hot paths, then the whole file {@code passes} times; passes are interleaved
 * (tokens, readTree, replay, tokens, ...) so that drift in the machine's speed affects all three
 * alike, a {@code System.gc()} precedes every pass, and the best pass counts.
 *
 * <p>Memory is measured separately, untimed: a replay samples the used heap after
 * {@code System.gc()} before the first record and after each tenth of the records. Run over a
 * second file with the same record count and ten times the runs, it shows whether retained
 * memory follows runs or records.
 *
 * <p>Speed is only ever reported, never asserted.
 */
public final class ReplayBenchmark {

    /** Checkpoints of the memory pass: after each tenth of the records. */
    static final int MEMORY_CHECKPOINTS = 10;

    /**
     * What to measure.
     *
     * @param file          the NDJSON file to read
     * @param passes        timed passes per measurement, at least 1
     * @param warmupRecords records read by each warm-up pass (0 for none)
     * @param rules         a built-in pack name or a rule file path
     * @param memoryFiles   files to run the memory pass over, in order (usually {@code file} and a
     *                      file with the same records over ten times the runs); empty to skip
     */
    public record Options(Path file, int passes, long warmupRecords, String rules, List<Path> memoryFiles) {
        public Options {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(rules, "rules");
            memoryFiles = List.copyOf(memoryFiles);
            if (passes < 1) {
                throw new IllegalArgumentException("passes must be >= 1, was " + passes);
            }
            if (warmupRecords < 0) {
                throw new IllegalArgumentException("warmup must be >= 0, was " + warmupRecords);
            }
        }
    }

    private final Options options;
    private final Consumer<String> progress;
    private final JsonFactory factory = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();
    private final ObjectMapper mapper = new ObjectMapper(factory);
    private RuleSet ruleSet;

    /**
     * @param options  what to measure
     * @param progress receives one line per step (to show progress on stderr); never the figures
     */
    public ReplayBenchmark(Options options, Consumer<String> progress) {
        this.options = options;
        this.progress = progress;
    }

    /** Loads and compiles a {@code --rules} value (built-in pack name or file) with default parameters. */
    public static RuleSet compileRules(String rules) throws IOException, RuleLoadException {
        return RuleSetCompiler.compile(List.of(BuiltinPacks.load(rules)), Map.of());
    }

    /** Runs every measurement and returns the figures. */
    public BenchmarkReport run() throws IOException, RuleLoadException {
        Path file = options.file();
        double loadAtStart = MachineInfo.loadAverage();
        ruleSet = compileRules(options.rules());
        progress.accept("counting records in " + file);
        long bytes = Files.size(file);
        long records = countRecords(file, -1);
        if (records == 0) {
            throw new IOException(file + ": no records");
        }
        long warmup = Math.min(options.warmupRecords(), records);
        if (warmup > 0) {
            progress.accept("warm-up: " + warmup + " records per measurement");
            tokenPass(file, warmup);
            readTreePass(file, warmup);
            decodePass(file, warmup);
            replayPass(file, warmup);
        }
        List<Long> tokens = new ArrayList<>();
        List<Long> trees = new ArrayList<>();
        List<Long> decodes = new ArrayList<>();
        List<Long> replays = new ArrayList<>();
        ReplayOutcome last = null;
        for (int i = 1; i <= options.passes(); i++) {
            long t = timed(() -> check(tokenPass(file, -1) > 0));
            tokens.add(t);
            long r = timed(() -> check(readTreePass(file, -1) > 0));
            trees.add(r);
            long d = timed(() -> check(decodePass(file, -1) > 0));
            decodes.add(d);
            ReplayOutcome[] out = new ReplayOutcome[1];
            long p = timed(() -> out[0] = replayPass(file, -1));
            replays.add(p);
            last = out[0];
            progress.accept(String.format(Locale.ROOT,
                    "pass %d/%d: tokens %.2f s, readTree %.2f s, decode %.2f s, replay %.2f s",
                    i, options.passes(), t / 1e9, r / 1e9, d / 1e9, p / 1e9));
        }
        List<MemorySeries> memory = new ArrayList<>();
        for (Path m : options.memoryFiles()) {
            progress.accept("memory pass over " + m);
            memory.add(memoryPass(m));
        }
        return new BenchmarkReport(file, records, bytes, options.rules(), warmup,
                new Pass("tokens", tokens), new Pass("readTree", trees), new Pass("decode", decodes),
                new Pass("replay", replays),
                last.work(), memory, MachineInfo.current(), loadAtStart, MachineInfo.loadAverage());
    }

    // -----------------------------------------------------------------------------------------
    // The three measurements

    /** Counts the tokens of the first {@code limit} lines (all when negative). */
    long tokenPass(Path file, long limit) throws IOException {
        long tokens = 0;
        try (InputStream in = LineStreams.firstLines(Files.newInputStream(file), limit)) {
            LineStreams.Lines lines = new LineStreams.Lines(in);
            while (lines.next()) {
                if (lines.isBlank()) {
                    continue;
                }
                try (JsonParser p = factory.createParser(lines.buffer(), lines.start(), lines.length())) {
                    while (p.nextToken() != null) {
                        tokens++;
                    }
                }
            }
        }
        return tokens;
    }

    /** {@code readTree} of the first {@code limit} lines; returns the number of top-level keys seen. */
    long readTreePass(Path file, long limit) throws IOException {
        long keys = 0;
        try (InputStream in = LineStreams.firstLines(Files.newInputStream(file), limit)) {
            LineStreams.Lines lines = new LineStreams.Lines(in);
            while (lines.next()) {
                if (lines.isBlank()) {
                    continue;
                }
                JsonNode node = mapper.readTree(lines.buffer(), lines.start(), lines.length());
                keys += node.size();
            }
        }
        return keys;
    }

    /** Decodes the first {@code limit} lines as replay does, without rules; returns the records decoded. */
    long decodePass(Path file, long limit) throws IOException {
        long[] decoded = new long[1];
        try (InputStream in = LineStreams.firstLines(Files.newInputStream(file), limit)) {
            new TelemetryDecoder().decode(file.getFileName().toString(), in, ReplayOptions.defaults().decode(), "bench",
                    new Ordinal(), result -> {
                        if (result instanceof DecodeResult.Decoded) {
                            decoded[0]++;
                        }
                    });
        }
        return decoded[0];
    }

    /** Replays the first {@code limit} lines. */
    ReplayOutcome replayPass(Path file, long limit) throws IOException {
        CountingListener listener = new CountingListener();
        Replay replay = new Replay(ruleSet, ReplayOptions.defaults(), listener);
        try (InputStream in = LineStreams.firstLines(Files.newInputStream(file), limit)) {
            replay.replay(file.getFileName().toString(), in, "bench");
        } catch (StrictRejectionException e) {
            throw new IllegalStateException("not strict, cannot happen", e);
        }
        ReplayResult result = replay.finish();
        return new ReplayOutcome(result, listener.work(result));
    }

    /** Untimed: replays {@code file}, sampling the used heap at every tenth of its records. */
    MemorySeries memoryPass(Path file) throws IOException {
        long records = countRecords(file, -1);
        long[] marks = new long[MEMORY_CHECKPOINTS - 1];
        for (int i = 1; i < MEMORY_CHECKPOINTS; i++) {
            marks[i - 1] = records * i / MEMORY_CHECKPOINTS;
        }
        List<Checkpoint> checkpoints = new ArrayList<>();
        CountingListener listener = new CountingListener();
        Replay replay = new Replay(ruleSet, ReplayOptions.defaults(), listener);
        long before = usedHeapAfterGc();
        try (InputStream in = LineStreams.checkpoints(Files.newInputStream(file), marks,
                n -> checkpoints.add(new Checkpoint(n, usedHeapAfterGc())))) {
            replay.replay(file.getFileName().toString(), in, "bench");
        } catch (StrictRejectionException e) {
            throw new IllegalStateException("not strict, cannot happen", e);
        }
        checkpoints.add(new Checkpoint(records, usedHeapAfterGc()));
        ReplayResult result = replay.finish();
        return new MemorySeries(file, result.runs().size(), before, checkpoints);
    }

    // -----------------------------------------------------------------------------------------

    /** Non-blank lines among the first {@code limit} lines (all when negative). */
    static long countRecords(Path file, long limit) throws IOException {
        long n = 0;
        try (InputStream in = LineStreams.firstLines(Files.newInputStream(file), limit)) {
            LineStreams.Lines lines = new LineStreams.Lines(in);
            while (lines.next()) {
                if (!lines.isBlank()) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Used heap after a full collection (best effort: {@code System.gc()} is a request). */
    static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static long timed(IoAction action) throws IOException {
        System.gc();
        long start = System.nanoTime();
        action.run();
        return System.nanoTime() - start;
    }

    private static void check(boolean ok) {
        if (!ok) {
            throw new IllegalStateException("a pass read nothing");
        }
    }

    /** A replay's result and the listener's counts. */
    record ReplayOutcome(ReplayResult result, ReplayWork work) {
    }

    /** Counts what the replay publishes and keeps nothing else. */
    static final class CountingListener implements ReplayListener {
        long alerts;
        long recommendations;
        long rejected;
        final Map<String, Long> firing = new TreeMap<>();

        @Override
        public void alert(AlertEvent alert) {
            alerts++;
            if (alert.state() == AlertState.FIRING) {
                firing.merge(alert.rule(), 1L, Long::sum);
            }
        }

        @Override
        public void recommendation(Recommendation recommendation) {
            recommendations++;
        }

        @Override
        public void rejected(Rejection rejection) {
            rejected++;
        }

        ReplayWork work(ReplayResult result) {
            Map<Action, Long> decisions = new EnumMap<>(Action.class);
            for (RunSummary run : result.runs()) {
                decisions.merge(run.decision(), 1L, Long::sum);
            }
            long errors = result.ruleErrors().stream().mapToLong(RuleErrorSummary::count).sum();
            return new ReplayWork(result.counts().accepted(), result.counts().rejected(), alerts, firing,
                    recommendations, decisions, result.decision(), errors);
        }
    }
}
