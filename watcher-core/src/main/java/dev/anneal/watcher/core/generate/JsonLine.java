package dev.anneal.watcher.core.generate;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A reusable ASCII line buffer that writes compact JSON with numbers formatted as Python's
 * {@code json.dumps} writes floats ({@code 12.0}, {@code 9.4374e-08}), so generated records look
 * like the trainer's.
 */
final class JsonLine {

    private static final double[] POW10 = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    private static final long[] LPOW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000,
        100_000_000, 1_000_000_000};

    /** {@code v} rounded to {@code decimals} places, as {@link #num(double, int)} writes it. */
    static double round(double v, int decimals) {
        double scale = POW10[decimals];
        return Math.round(v * scale) / scale;
    }

    /** The bytes of an ASCII string. */
    static byte[] asciiBytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private byte[] buf = new byte[4096];
    private int len;
    private boolean first;

    /** Bytes in the line so far. */
    int length() {
        return len;
    }

    /** Writes the line's bytes to {@code out}. */
    void writeTo(OutputStream out) throws IOException {
        out.write(buf, 0, len);
    }

    /** Empties the line for the next record. */
    void reset() {
        len = 0;
        first = true;
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }

    void raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    void ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    JsonLine key(String name) {
        if (!first) {
            ascii(",");
        }
        first = false;
        ensure(name.length() + 3);
        buf[len++] = '"';
        ascii(name);
        buf[len++] = '"';
        buf[len++] = ':';
        return this;
    }

    void str(String s) {
        ensure(s.length() + 2);
        buf[len++] = '"';
        ascii(s);
        buf[len++] = '"';
    }

    void bool(boolean b) {
        ascii(b ? "true" : "false");
    }

    void numOrNull(double v, int decimals) {
        if (Double.isNaN(v)) {
            ascii("null");
        } else {
            num(v, decimals);
        }
    }

    /**
     * {@code v} rounded to {@code decimals} places, trailing zeros dropped but at least one
     * decimal kept ({@code 12.0}), as Python prints a float.
     */
    void num(double v, int decimals) {
        long scaled = Math.round(Math.abs(v) * POW10[decimals]);
        if (scaled != 0 && v < 0) {
            ascii("-");
        }
        long intPart = scaled / LPOW10[decimals];
        long frac = scaled % LPOW10[decimals];
        ascii(Long.toString(intPart));
        ensure(decimals + 2);
        buf[len++] = '.';
        if (frac == 0) {
            buf[len++] = '0';
            return;
        }
        int digits = decimals;
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        String f = Long.toString(frac);
        for (int i = f.length(); i < digits; i++) {
            buf[len++] = '0';
        }
        ascii(f);
    }

    void num(long v, int decimals) {
        num((double) v, decimals);
    }

    /** Exponent form with four decimals, as Python writes small floats: {@code 9.4374e-08}. */
    void sci(double v) {
        if (v == 0) {
            ascii("0.0");
            return;
        }
        int exp = (int) Math.floor(Math.log10(Math.abs(v)));
        double mantissa = v / Math.pow(10, exp);
        if (Math.abs(mantissa) >= 9.99995) {
            mantissa /= 10;
            exp++;
        }
        num(mantissa, 4);
        ascii(exp < 0 ? "e-" : "e+");
        int e = Math.abs(exp);
        if (e < 10) {
            ascii("0");
        }
        ascii(Integer.toString(e));
    }
}
