package dev.anneal.watcher.rules.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The primitives of the binary run-state format ({@link BinaryRunStateFormat}): variable-length
 * integers, raw IEEE doubles and strings, where a string that occurs again in the same state is
 * written as a back-reference to its first occurrence (source names and reasons repeat across
 * rules and evidence).
 *
 * <p>A string reference is a varint: 0 is null, 1 is a new string (a varint byte length and its
 * UTF-8 bytes follow), {@code k >= 2} is the (k-2)-th new string of this state. A plain string
 * (rule ids and fingerprints, unique in a state) is only a varint byte length and its UTF-8 bytes,
 * and is not counted among the new strings.
 */
final class StateBytes {

    /** Reads and writes a double's 8 bytes at once, little-endian. */
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    private StateBytes() {
    }

    /** Appends to a growing byte array; one per encoded state. */
    static final class Writer {
        private byte[] buf = new byte[512];
        private int len;
        /**
         * The first {@link #TABLE} new strings of this state, searched linearly: a state has a few
         * dozen, and a scan is cheaper than hashing them into a map for every encode. Later new
         * strings are written in full each time (the reader still numbers them; nothing refers
         * to them).
         */
        private static final int TABLE = 64;
        private final String[] table = new String[TABLE];
        private final int[] hashes = new int[TABLE];
        private int tableSize;

        private void ensure(int n) {
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            }
        }

        void writeByte(int b) {
            ensure(1);
            buf[len++] = (byte) b;
        }

        void writeBoolean(boolean b) {
            writeByte(b ? 1 : 0);
        }

        /** An unsigned varint (7 bits a byte, low first); negative values take 10 bytes. */
        void writeVarLong(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[len++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[len++] = (byte) v;
        }

        /** A signed value, zigzag-encoded so that small negative numbers stay short. */
        void writeZigZag(long v) {
            writeVarLong((v << 1) ^ (v >> 63));
        }

        void writeDouble(double d) {
            ensure(8);
            LONG_LE.set(buf, len, Double.doubleToRawLongBits(d));
            len += 8;
        }

        void writeString(String s) {
            if (s == null) {
                writeVarLong(0);
                return;
            }
            int hash = s.hashCode();
            for (int i = 0; i < tableSize; i++) {
                if (hashes[i] == hash && (table[i] == s || table[i].equals(s))) {
                    writeVarLong(i + 2L);
                    return;
                }
            }
            if (tableSize < TABLE) {
                table[tableSize] = s;
                hashes[tableSize++] = hash;
            }
            writeVarLong(1);
            writePlainString(s);
        }

        /** A string outside the table: its UTF-8 byte length and bytes. */
        void writePlainString(String s) {
            int n = s.length();
            for (int i = 0; i < n; i++) {
                if (s.charAt(i) >= 0x80) {
                    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                    writeVarLong(utf8.length);
                    writeRaw(utf8);
                    return;
                }
            }
            // ASCII: one byte per char, written without an intermediate array.
            writeVarLong(n);
            ensure(n);
            for (int i = 0; i < n; i++) {
                buf[len++] = (byte) s.charAt(i);
            }
        }

        void writeRaw(byte[] bytes) {
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, len, bytes.length);
            len += bytes.length;
        }

        void writeStrings(List<String> list) {
            writeVarLong(list.size());
            for (String s : list) {
                writeString(s);
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, len);
        }
    }

    /** Reads what a {@link Writer} wrote; malformed input is an {@link IllegalArgumentException}. */
    static final class Reader {
        private final byte[] buf;
        private int pos;
        private final List<String> strings = new ArrayList<>();

        Reader(byte[] buf, int pos) {
            this.buf = buf;
            this.pos = pos;
        }

        private void need(int n) {
            if (n < 0 || pos + n > buf.length) {
                throw new IllegalArgumentException("truncated run state: " + n + " more bytes expected at offset "
                        + pos + " of " + buf.length);
            }
        }

        int readByte() {
            need(1);
            return buf[pos++] & 0xFF;
        }

        boolean readBoolean() {
            int b = readByte();
            if (b > 1) {
                throw new IllegalArgumentException("bad boolean " + b + " at offset " + (pos - 1));
            }
            return b == 1;
        }

        long readVarLong() {
            long v = 0;
            for (int shift = 0; shift < 70; shift += 7) {
                int b = readByte();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("varint longer than 10 bytes at offset " + pos);
        }

        /** A varint that must fit a non-negative int (counts and lengths). */
        int readCount() {
            long v = readVarLong();
            if (v < 0 || v > buf.length) {
                throw new IllegalArgumentException("bad count " + v + " at offset " + pos);
            }
            return (int) v;
        }

        long readZigZag() {
            long v = readVarLong();
            return (v >>> 1) ^ -(v & 1);
        }

        int readZigZagInt() {
            long v = readZigZag();
            if (v != (int) v) {
                throw new IllegalArgumentException("value " + v + " out of int range at offset " + pos);
            }
            return (int) v;
        }

        double readDouble() {
            need(8);
            long bits = (long) LONG_LE.get(buf, pos);
            pos += 8;
            return Double.longBitsToDouble(bits);
        }

        String readString() {
            long ref = readVarLong();
            if (ref == 0) {
                return null;
            }
            if (ref == 1) {
                String s = readPlainString();
                strings.add(s);
                return s;
            }
            if (ref - 2 >= strings.size()) {
                throw new IllegalArgumentException("string reference " + (ref - 2) + " at offset " + pos
                        + " precedes its string");
            }
            return strings.get((int) (ref - 2));
        }

        /** What {@link Writer#writePlainString} wrote. */
        String readPlainString() {
            int n = readCount();
            need(n);
            String s = new String(buf, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        /** A string that the format never leaves null. */
        String readRequiredString(String what) {
            String s = readString();
            if (s == null) {
                throw new IllegalArgumentException(what + " missing at offset " + pos);
            }
            return s;
        }

        List<String> readStrings(String what) {
            int n = readCount();
            String[] out = new String[n];
            for (int i = 0; i < n; i++) {
                out[i] = readRequiredString(what);
            }
            return List.of(out);
        }

        boolean atEnd() {
            return pos == buf.length;
        }

        int position() {
            return pos;
        }
    }
}
