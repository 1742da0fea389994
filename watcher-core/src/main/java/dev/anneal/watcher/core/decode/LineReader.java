package dev.anneal.watcher.core.decode;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines without decoding them, so that an NDJSON line can be handed to
 * the JSON parser straight from the read buffer. Memory is bounded by the longest line, and a
 * line longer than {@code maxLineBytes} is cut: its first {@code maxLineBytes} bytes are returned
 * with {@link #overlong()} set and the rest of it is skipped, so one runaway line (a binary file,
 * a log without newlines) cannot exhaust the heap of a long-running daemon.
 *
 * <p>Lines end at {@code \n}; a {@code \r} before it is dropped. A final line without a newline is
 * still a line. The line's bytes are valid until the next call to {@link #next()}.
 */
final class LineReader {

    private static final int MIN_BUFFER = 8 * 1024;

    private final InputStream in;
    private final int maxLineBytes;
    private byte[] buf;
    private int pos;
    private int limit;
    private boolean eof;
    private boolean skipping;
    private long lineNumber;
    private int lineStart;
    private int lineLength;
    private boolean overlong;

    /**
     * @param in           the stream to read after the initial bytes
     * @param initial      bytes already read from the stream (becomes the first buffer; not copied)
     * @param from         first unread index in {@code initial}
     * @param to           end of the valid bytes in {@code initial}
     * @param maxLineBytes the longest line kept whole
     */
    LineReader(InputStream in, byte[] initial, int from, int to, int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be >= 1");
        }
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        this.buf = initial.length >= MIN_BUFFER ? initial : Arrays.copyOf(initial, MIN_BUFFER);
        this.pos = from;
        this.limit = to;
    }

    /** Advances to the next line; false at end of input. */
    boolean next() throws IOException {
        if (skipping && !skipRestOfLine()) {
            return false;
        }
        int scan = pos;
        while (true) {
            for (int i = scan; i < limit; i++) {
                if (buf[i] == '\n') {
                    int end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                    if (end - pos > maxLineBytes) {
                        setLine(pos, pos + maxLineBytes, true);
                    } else {
                        setLine(pos, i, false);
                    }
                    pos = i + 1;
                    return true;
                }
            }
            scan = limit;
            if (limit - pos > maxLineBytes) {
                setLine(pos, pos + maxLineBytes, true);
                skipping = true;
                return true;
            }
            if (eof) {
                if (pos < limit) {
                    setLine(pos, limit, false);
                    pos = limit;
                    return true;
                }
                return false;
            }
            scan -= pos;
            fill();
        }
    }

    byte[] buffer() {
        return buf;
    }

    int start() {
        return lineStart;
    }

    int length() {
        return lineLength;
    }

    /** 1-based number of the current line. */
    long lineNumber() {
        return lineNumber;
    }

    /** Whether the current line was longer than the limit and has been cut. */
    boolean overlong() {
        return overlong;
    }

    /** Whether the current line holds only ASCII whitespace. */
    boolean isBlank() {
        for (int i = lineStart, end = lineStart + lineLength; i < end; i++) {
            byte b = buf[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\f' && b != 0x0B) {
                return false;
            }
        }
        return true;
    }

    private void setLine(int start, int end, boolean cut) {
        int length = end - start;
        if (!cut && length > 0 && buf[end - 1] == '\r') {
            length--;
        }
        lineStart = start;
        lineLength = length;
        overlong = cut;
        lineNumber++;
    }

    /** Discards input up to and including the next newline; false when input ended first. */
    private boolean skipRestOfLine() throws IOException {
        int from = lineStart + lineLength;
        while (true) {
            for (int i = from; i < limit; i++) {
                if (buf[i] == '\n') {
                    pos = i + 1;
                    skipping = false;
                    return true;
                }
            }
            pos = 0;
            limit = 0;
            from = 0;
            if (eof) {
                skipping = false;
                return false;
            }
            fill();
        }
    }

    /** Makes room after {@code limit} (compacting or growing) and reads once. */
    private void fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit == buf.length) {
            int grown = (int) Math.min((long) buf.length * 2, (long) maxLineBytes + 1);
            buf = Arrays.copyOf(buf, Math.max(grown, buf.length + 1));
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            eof = true;
        } else {
            limit += n;
        }
    }
}
