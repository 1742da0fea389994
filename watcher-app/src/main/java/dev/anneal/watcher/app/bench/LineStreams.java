package dev.anneal.watcher.app.bench;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.function.LongConsumer;

/** Input-stream helpers of the benchmark that work on line counts without decoding anything. */
final class LineStreams {

    private LineStreams() {
    }

    /** The first {@code lines} lines of {@code in} (all of it when {@code lines} is negative). */
    static InputStream firstLines(InputStream in, long lines) {
        return lines < 0 ? in : new FirstLines(in, lines);
    }

    /**
     * Counts the lines handed out and calls {@code probe} with the count at the first
     * {@code read} after the count reached each checkpoint. The consumer of the stream (the
     * replay's line reader) only asks for more bytes once it has processed every complete line
     * it was given, so at that moment exactly {@code count} lines have been replayed.
     */
    static InputStream checkpoints(InputStream in, long[] checkpoints, LongConsumer probe) {
        return new Checkpoints(in, checkpoints, probe);
    }

    private static int newlines(byte[] b, int off, int len) {
        int n = 0;
        for (int i = off, end = off + len; i < end; i++) {
            if (b[i] == '\n') {
                n++;
            }
        }
        return n;
    }

    private static final class FirstLines extends FilterInputStream {
        private long remaining;

        FirstLines(InputStream in, long lines) {
            super(in);
            this.remaining = lines;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, len);
            if (n <= 0) {
                return n;
            }
            for (int i = off, end = off + n; i < end; i++) {
                if (b[i] == '\n' && --remaining == 0) {
                    return i + 1 - off;
                }
            }
            return n;
        }

        @Override
        public int available() {
            return 0;
        }
    }

    private static final class Checkpoints extends FilterInputStream {
        private final long[] checkpoints;
        private final LongConsumer probe;
        private int next;
        private long lines;

        Checkpoints(InputStream in, long[] checkpoints, LongConsumer probe) {
            super(in);
            this.checkpoints = Arrays.copyOf(checkpoints, checkpoints.length);
            this.probe = probe;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (next < checkpoints.length && lines >= checkpoints[next]) {
                next++;
                probe.accept(lines);
            }
            int n = in.read(b, off, len);
            if (n > 0) {
                lines += newlines(b, off, n);
            }
            return n;
        }
    }

    /**
     * Splits a byte stream into lines the way the replay's decoder does (a 64 KiB buffer read
     * straight from the stream, lines handed out in place, {@code \r} before {@code \n}
     * dropped), so the parse-only references pay the same I/O and framing cost as the replay.
     */
    static final class Lines {
        private final InputStream in;
        private byte[] buf = new byte[64 * 1024];
        private int pos;
        private int limit;
        private boolean eof;
        private int start;
        private int length;

        Lines(InputStream in) {
            this.in = in;
        }

        boolean next() throws IOException {
            int scan = pos;
            while (true) {
                for (int i = scan; i < limit; i++) {
                    if (buf[i] == '\n') {
                        set(pos, i);
                        pos = i + 1;
                        return true;
                    }
                }
                if (eof) {
                    if (pos < limit) {
                        set(pos, limit);
                        pos = limit;
                        return true;
                    }
                    return false;
                }
                scan = limit - pos;
                fill();
            }
        }

        byte[] buffer() {
            return buf;
        }

        int start() {
            return start;
        }

        int length() {
            return length;
        }

        boolean isBlank() {
            for (int i = start, end = start + length; i < end; i++) {
                byte c = buf[i];
                if (c != ' ' && c != '\t' && c != '\r' && c != '\f' && c != 0x0B) {
                    return false;
                }
            }
            return true;
        }

        private void set(int from, int to) {
            int len = to - from;
            if (len > 0 && buf[to - 1] == '\r') {
                len--;
            }
            start = from;
            length = len;
        }

        private void fill() throws IOException {
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, limit - pos);
                limit -= pos;
                pos = 0;
            }
            if (limit == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            int n = in.read(buf, limit, buf.length - limit);
            if (n < 0) {
                eof = true;
            } else {
                limit += n;
            }
        }
    }
}
