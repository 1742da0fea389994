package dev.anneal.watcher.app.bench;

import dev.anneal.watcher.core.generate.PpoStreamGenerator;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The daemon benchmark's input records: lines written by {@link PpoStreamGenerator}, read back one
 * at a time and turned into Kafka record values, keyed by their run id.
 *
 * <p>Two edits are made on the way, both on the raw bytes (the rest of the line is sent as written):
 * <ul>
 *   <li><b>{@code ts} restamped</b> to the moment the record is produced. The generator stamps
 *       event times from 2025-10-15 on; the daemon's wall-clock absence check would find every run
 *       silent for months and fire {@code stale_telemetry} on all of them, which is not what a live
 *       daemon sees (its records' event times follow the wall clock, see {@code WatcherTopology}).
 *       The same instant is the Kafka record timestamp, which the daemon copies onto its outputs:
 *       that is what the latency measurement reads back.</li>
 *   <li><b>{@code kl_divergence} flipped</b> (latency stream only, {@link #flipping}): a run's even
 *       records (0, 2, 4, ...) carry {@value #BREACH_KL}, above anneal-gates' {@code kl_gate}
 *       (0.05) while {@code grad_norm} stays below {@code grad_rollback} (healthy runs stay under
 *       2.4), so {@code kl_gate} fires (HOLD) on them and resolves on the odd records (PASS).
 *       On a healthy run every record therefore changes the run's recommendation and yields
 *       exactly one recommendation and one alert transition. Drifting runs are skipped, since a
 *       latched FREEZE/ROLLBACK would stop the flips.</li>
 * </ul>
 */
final class DaemonInput implements Closeable {

    /** {@code kl_divergence} of a breaching record of the latency stream. */
    static final String BREACH_KL = "0.07";

    private static final byte[] RUN_ID = ascii("\"run_id\":\"");
    private static final byte[] TS = ascii("\"ts\":\"");
    private static final byte[] KL = ascii("\"kl_divergence\":");

    private final InputStream in;
    private final LineStreams.Lines lines;
    private final boolean flip;
    private final Set<String> skipRuns;
    private final Map<String, long[]> perRun = new HashMap<>();
    private String runId;
    private boolean breach;
    private long read;

    private DaemonInput(Path file, boolean flip, Set<String> skipRuns) throws IOException {
        this.in = Files.newInputStream(file);
        this.lines = new LineStreams.Lines(in);
        this.flip = flip;
        this.skipRuns = Set.copyOf(skipRuns);
    }

    /** The records of {@code file} as they are (only {@code ts} restamped). */
    static DaemonInput plain(Path file) throws IOException {
        return new DaemonInput(file, false, Set.of());
    }

    /**
     * The records of {@code file} without those of {@code skipRuns}, each run's records alternating
     * between breaching {@code kl_gate} and healthy, starting with a breach.
     */
    static DaemonInput flipping(Path file, Set<String> skipRuns) throws IOException {
        return new DaemonInput(file, true, skipRuns);
    }

    /** Advances to the next record; false at the end of the file. */
    boolean next() throws IOException {
        while (lines.next()) {
            if (lines.isBlank()) {
                continue;
            }
            String id = runId(lines.buffer(), lines.start(), lines.length());
            if (skipRuns.contains(id)) {
                continue;
            }
            runId = id;
            if (flip) {
                long[] count = perRun.computeIfAbsent(id, k -> new long[1]);
                breach = count[0]++ % 2 == 0;
            }
            read++;
            return true;
        }
        return false;
    }

    /** The current record's run id (its Kafka key). */
    String runId() {
        return runId;
    }

    /** Whether the current record breaches {@code kl_gate} (always false for {@link #plain} input). */
    boolean breaching() {
        return flip && breach;
    }

    /** Records handed out so far. */
    long read() {
        return read;
    }

    /** The current record's value with {@code ts} set to {@code epochMillis} (and kl flipped, if flipping). */
    byte[] value(long epochMillis) {
        String kl = flip ? (breach ? BREACH_KL : null) : null;
        return restamp(lines.buffer(), lines.start(), lines.length(), epochMillis, kl);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    // ------------------------------------------------------------------------------------- bytes

    /** The envelope {@code run_id} of a generated line. */
    static String runId(byte[] b, int off, int len) {
        int at = indexOf(b, off, off + len, RUN_ID);
        if (at < 0) {
            throw new IllegalArgumentException("no run_id in " + excerpt(b, off, len));
        }
        int start = at + RUN_ID.length;
        int end = indexOf(b, start, off + len, (byte) '"');
        if (end < 0) {
            throw new IllegalArgumentException("unterminated run_id in " + excerpt(b, off, len));
        }
        return new String(b, start, end - start, StandardCharsets.UTF_8);
    }

    /**
     * A copy of the line with the envelope {@code ts} replaced by {@code epochMillis} (ISO-8601, UTC)
     * and, when {@code kl} is not null, the value of {@code kl_divergence} replaced by {@code kl}.
     */
    static byte[] restamp(byte[] b, int off, int len, long epochMillis, String kl) {
        int end = off + len;
        int ts = indexOf(b, off, end, TS);
        if (ts < 0) {
            throw new IllegalArgumentException("no envelope ts in " + excerpt(b, off, len));
        }
        int tsStart = ts + TS.length;
        int tsEnd = indexOf(b, tsStart, end, (byte) '"');
        if (tsEnd < 0) {
            throw new IllegalArgumentException("unterminated ts in " + excerpt(b, off, len));
        }
        byte[] stamp = ascii(Instant.ofEpochMilli(epochMillis).toString());
        int klStart = -1;
        int klEnd = -1;
        byte[] klBytes = null;
        if (kl != null) {
            int at = indexOf(b, tsEnd, end, KL);
            if (at < 0) {
                throw new IllegalArgumentException("no kl_divergence in " + excerpt(b, off, len));
            }
            klStart = at + KL.length;
            klEnd = klStart;
            while (klEnd < end && b[klEnd] != ',' && b[klEnd] != '}') {
                klEnd++;
            }
            klBytes = ascii(kl);
        }
        int outLen = len - (tsEnd - tsStart) + stamp.length + (kl == null ? 0 : klBytes.length - (klEnd - klStart));
        byte[] out = new byte[outLen];
        int o = 0;
        o = copy(b, off, tsStart, out, o);
        System.arraycopy(stamp, 0, out, o, stamp.length);
        o += stamp.length;
        if (kl == null) {
            o = copy(b, tsEnd, end, out, o);
        } else {
            o = copy(b, tsEnd, klStart, out, o);
            System.arraycopy(klBytes, 0, out, o, klBytes.length);
            o += klBytes.length;
            o = copy(b, klEnd, end, out, o);
        }
        if (o != outLen) {
            throw new IllegalStateException("restamped " + o + " bytes, expected " + outLen);
        }
        return out;
    }

    private static int copy(byte[] from, int start, int end, byte[] to, int at) {
        System.arraycopy(from, start, to, at, end - start);
        return at + end - start;
    }

    private static int indexOf(byte[] b, int from, int to, byte[] needle) {
        outer:
        for (int i = from, last = to - needle.length; i <= last; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static int indexOf(byte[] b, int from, int to, byte needle) {
        for (int i = from; i < to; i++) {
            if (b[i] == needle) {
                return i;
            }
        }
        return -1;
    }

    private static String excerpt(byte[] b, int off, int len) {
        return new String(b, off, Math.min(len, 80), StandardCharsets.UTF_8) + (len > 80 ? "..." : "");
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
