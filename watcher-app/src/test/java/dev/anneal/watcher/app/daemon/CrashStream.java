package dev.anneal.watcher.app.daemon;

import dev.anneal.watcher.core.generate.PpoStreamGenerator;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The crash test's input: a deterministic PPO telemetry stream, written to a file (what replay
 * reads) and produced to the input topic keyed by run id (what the daemon reads), with the
 * Kafka position of every line kept so that daemon positions can be mapped to file lines.
 *
 * <h2>Shape</h2>
 * {@code segments} blocks of {@link PpoStreamGenerator} output, one after the other, each with its
 * own seed and run ids ({@code crash<ss>-r<nnnn>}). A single generator stream publishes its
 * outputs in two bursts (every run's first PASS at the start, the drift alerts in the stream's
 * second quarter); several segments spread outputs over the whole stream, so that kills at any
 * point are likely to interrupt a transaction that carries alerts or recommendations.
 *
 * <h2>Event time</h2>
 * Envelope {@code ts} values are moved from the generator's 2025 date to {@code base} (a day
 * ahead of the wall clock), and every segment covers the same event-time span. The daemon's
 * absence punctuator advances runs to the wall clock, so past event times would make every run
 * stale (WatcherTopology javadoc); future ones keep {@code stale_telemetry} quiet in the daemon,
 * and overlapping segments keep it quiet in replay, which advances all runs on event time. With
 * {@code ts} present, both take the same event times, so {@code event_time} fields compare too.
 */
public final class CrashStream {

    /** The name replay gives the input (positions read {@code crash.jsonl:<line>}). */
    public static final String FILE_NAME = "crash.jsonl";

    /** How every generator line starts: its run number and event time. */
    private static final Pattern ENVELOPE_HEAD =
            Pattern.compile("^\\{\"run_id\":\"bench-r(\\d+)\",\"ts\":\"([^\"]+)\"");

    /** How long the producer waits for brokers that are down (a send blocks, a batch is retried). */
    private static final int PRODUCER_PATIENCE_MS = 600_000;

    private final Path file;
    private final int records;
    private final int partitions;
    /** Per line (0-based): its partition and offset in the input topic. */
    private final int[] partitionOfLine;
    private final long[] offsetOfLine;
    /** Per partition: offset to 1-based line. */
    private final List<int[]> lineOfOffset;

    private CrashStream(Path file, int records, int partitions, int[] partitionOfLine, long[] offsetOfLine) {
        this.file = file;
        this.records = records;
        this.partitions = partitions;
        this.partitionOfLine = partitionOfLine;
        this.offsetOfLine = offsetOfLine;
        long[] counts = new long[partitions];
        for (int p : partitionOfLine) {
            counts[p]++;
        }
        lineOfOffset = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            int[] lines = new int[Math.toIntExact(counts[p])];
            Arrays.fill(lines, -1);
            lineOfOffset.add(lines);
        }
        for (int i = 0; i < records; i++) {
            int[] lines = lineOfOffset.get(partitionOfLine[i]);
            long offset = offsetOfLine[i];
            if (offset < 0 || offset >= lines.length || lines[(int) offset] != -1) {
                throw new AssertionError("input offsets are not one per line: line " + (i + 1) + " at partition "
                        + partitionOfLine[i] + " offset " + offset);
            }
            lines[(int) offset] = i + 1;
        }
    }

    /**
     * Generates the stream into {@code dir/crash.jsonl} and produces every line to {@code topic}
     * (which must exist and be empty), keyed by its run id, as fast as the producer goes.
     *
     * @param records    lines in all
     * @param segments   generator segments (records must divide evenly)
     * @param runs       runs per segment
     * @param seed       seed of the first segment; segment s uses {@code seed + s}
     * @param base       event time of each segment's first record
     * @param partitions partitions of {@code topic}
     */
    public static CrashStream generateAndProduce(Path dir, int records, int segments, int runs, long seed,
            Instant base, String bootstrap, String topic, int partitions) throws Exception {
        return produce(dir, records, segments, runs, seed, base, bootstrap, topic, partitions, 0, new AtomicLong());
    }

    /**
     * Starts generating and producing the same stream in the background at a steady
     * {@code perSecond} records per second (a load that goes on while a test breaks things): each
     * line is sent at its slot of the schedule, or at once if the producer is behind.
     */
    public static Production startProducing(Path dir, int records, int segments, int runs, long seed, Instant base,
            String bootstrap, String topic, int partitions, double perSecond) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive, was " + perSecond);
        }
        AtomicLong sent = new AtomicLong();
        CompletableFuture<CrashStream> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                done.complete(produce(dir, records, segments, runs, seed, base, bootstrap, topic, partitions,
                        perSecond, sent));
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "crash-stream-producer");
        t.setDaemon(true);
        t.start();
        return new Production(records, sent, done);
    }

    /** A stream being produced in the background ({@link #startProducing}). */
    public static final class Production {
        private final int records;
        private final AtomicLong sent;
        private final CompletableFuture<CrashStream> done;

        private Production(int records, AtomicLong sent, CompletableFuture<CrashStream> done) {
            this.records = records;
            this.sent = sent;
            this.done = done;
        }

        /** Lines handed to the producer so far. */
        public long sent() {
            return sent.get();
        }

        /** Lines in all. */
        public int records() {
            return records;
        }

        /** Whether production has ended (every line acknowledged, or a failure). */
        public boolean isDone() {
            return done.isDone();
        }

        /** Waits until every line is acknowledged; fails if producing failed or took longer than {@code timeout}. */
        public CrashStream await(Duration timeout) throws Exception {
            try {
                return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw new AssertionError("producing the input failed: " + e.getCause(), e.getCause());
            }
        }
    }

    private static CrashStream produce(Path dir, int records, int segments, int runs, long seed, Instant base,
            String bootstrap, String topic, int partitions, double perSecond, AtomicLong sent) throws Exception {
        if (records % segments != 0) {
            throw new IllegalArgumentException(records + " records do not split into " + segments + " segments");
        }
        int perSegment = records / segments;
        long shift = base.toEpochMilli() - PpoStreamGenerator.T0_MILLIS;
        Path file = dir.resolve(FILE_NAME);
        AtomicIntegerArray partitionOf = new AtomicIntegerArray(records);
        AtomicLongArray offsetOf = new AtomicLongArray(records);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long startNanos = System.nanoTime();
        int line = 0;
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                        ProducerConfig.LINGER_MS_CONFIG, 20,
                        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                        // Brokers may be bounced or restarted while the chaos tests produce: wait for them.
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, PRODUCER_PATIENCE_MS,
                        ProducerConfig.MAX_BLOCK_MS_CONFIG, PRODUCER_PATIENCE_MS),
                        new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int s = 0; s < segments; s++) {
                Path part = dir.resolve("segment-" + s + ".jsonl");
                new PpoStreamGenerator(new PpoStreamGenerator.Config(perSegment, runs, seed + s)).writeTo(part);
                try (BufferedReader in = Files.newBufferedReader(part, StandardCharsets.UTF_8)) {
                    for (String raw = in.readLine(); raw != null; raw = in.readLine()) {
                        Matcher m = ENVELOPE_HEAD.matcher(raw);
                        if (!m.find()) {
                            throw new AssertionError("unexpected generator line: " + raw.substring(0, 80));
                        }
                        String runId = String.format(Locale.ROOT, "crash%02d-r", s) + m.group(1);
                        String ts = Instant.parse(m.group(2)).plusMillis(shift).toString();
                        String text = "{\"run_id\":\"" + runId + "\",\"ts\":\"" + ts + "\"" + raw.substring(m.end());
                        out.write(text);
                        out.write('\n');
                        int index = line++;
                        if (perSecond > 0) {
                            pace(startNanos, index, perSecond, out);
                        }
                        producer.send(new ProducerRecord<>(topic, runId.getBytes(StandardCharsets.UTF_8),
                                text.getBytes(StandardCharsets.UTF_8)), (meta, e) -> {
                                    if (e != null) {
                                        failure.compareAndSet(null, e);
                                        return;
                                    }
                                    partitionOf.set(index, meta.partition());
                                    offsetOf.set(index, meta.offset());
                                });
                        sent.incrementAndGet();
                    }
                }
                Files.delete(part);
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new AssertionError("producing the input failed", failure.get());
        }
        if (line != records) {
            throw new AssertionError("generated " + line + " lines, expected " + records);
        }
        int[] partitionOfLine = new int[records];
        long[] offsetOfLine = new long[records];
        for (int i = 0; i < records; i++) {
            partitionOfLine[i] = partitionOf.get(i);
            offsetOfLine[i] = offsetOf.get(i);
        }
        return new CrashStream(file, records, partitions, partitionOfLine, offsetOfLine);
    }

    /** Holds line {@code index} back until its slot of a steady schedule ({@code perSecond} from the start). */
    private static void pace(long startNanos, int index, double perSecond, BufferedWriter out) throws Exception {
        long slot = startNanos + (long) (index * 1e9 / perSecond);
        long wait = slot - System.nanoTime();
        if (wait > 0) {
            out.flush();
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    public Path file() {
        return file;
    }

    public int records() {
        return records;
    }

    /** Lines produced to each partition (its end offset, as the producer is not transactional). */
    public long recordsIn(int partition) {
        return lineOfOffset.get(partition).length;
    }

    public int partitions() {
        return partitions;
    }

    /** The 1-based line of the record at {@code offset} of {@code partition}. */
    public int line(int partition, long offset) {
        int[] lines = lineOfOffset.get(partition);
        if (offset < 0 || offset >= lines.length) {
            throw new AssertionError("no input record at partition " + partition + " offset " + offset);
        }
        return lines[(int) offset];
    }

    /** The Kafka position of 1-based {@code line}, as {@code partition:offset}. */
    public String kafkaPosition(int line) {
        return partitionOfLine[line - 1] + ":" + offsetOfLine[line - 1];
    }
}
