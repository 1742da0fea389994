package dev.anneal.watcher.core.decode;

import static dev.anneal.watcher.core.decode.DecodeTestSupport.records;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.rejections;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Memory bounds (line and document limits) and the line splitter underneath NDJSON and health. */
class LimitsAndLinesTest {

    @Test
    void overlongLineIsRejectedAndSkippedWithoutLosingTheNextLine() {
        TelemetryDecoder decoder = new TelemetryDecoder(64, 1024);
        String longLine = "{\"loss_total\": 1.0, \"pad\": \"" + "x".repeat(500) + "\"}";
        String input = "{\"loss_total\": 1.0}\n" + longLine + "\n{\"loss_total\": 2.0}\n";

        List<DecodeResult> results = DecodeTestSupport.decode(decoder, "big.jsonl",
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), DecodeOptions.of(InputFormat.NDJSON),
                new Ordinal());

        assertThat(results).extracting(r -> r.position().toString())
                .containsExactly("big.jsonl:1", "big.jsonl:2", "big.jsonl:3");
        Rejection rejection = rejections(results).get(0);
        assertThat(rejection.reason()).isEqualTo("line longer than 64 bytes");
        assertThat(rejection.raw()).isEqualTo(longLine.substring(0, 64));
        assertThat(records(results)).hasSize(2);
    }

    @Test
    void overlongHealthLineIsRejectedToo() {
        TelemetryDecoder decoder = new TelemetryDecoder(32, 1024);
        String input = "tick_health tick=1 duration_ms=1.0 queue=0 dropped=0 extra=1 more=2\n";

        List<DecodeResult> results = DecodeTestSupport.decode(decoder, "h.log",
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), DecodeOptions.of(InputFormat.HEALTH),
                new Ordinal());

        assertThat(rejections(results)).extracting(Rejection::reason).containsExactly("line longer than 32 bytes");
    }

    @Test
    void oversizedJsonDocumentIsRejected() {
        TelemetryDecoder decoder = new TelemetryDecoder(1024, 100);
        String doc = "[\n" + "  {\"loss_total\": 1.0},\n".repeat(20) + "  {\"loss_total\": 1.0}\n]\n";

        List<DecodeResult> results = DecodeTestSupport.decode(decoder, "big.json",
                new ByteArrayInputStream(doc.getBytes(StandardCharsets.UTF_8)), DecodeOptions.defaults(), new Ordinal());

        assertThat(rejections(results)).extracting(Rejection::reason)
                .containsExactly("JSON document larger than 100 bytes; split it or use NDJSON");
        assertThat(records(results)).isEmpty();
    }

    @Test
    void documentJustUnderTheLimitIsRead() {
        TelemetryDecoder decoder = new TelemetryDecoder(1024, 100_000);
        String doc = "[\n" + "  {\"loss_total\": 1.0},\n".repeat(2000) + "  {\"loss_total\": 1.0}\n]\n";

        List<DecodeResult> results = DecodeTestSupport.decode(decoder, "big.json",
                new OneByteAtATimeAfter(new ByteArrayInputStream(doc.getBytes(StandardCharsets.UTF_8)), 70_000),
                DecodeOptions.defaults(), new Ordinal());

        assertThat(rejections(results)).isEmpty();
        assertThat(records(results)).hasSize(2001);
    }

    @Test
    void documentLimitIsInclusive() {
        byte[] doc = "{\"loss_total\": 1.0}".getBytes(StandardCharsets.UTF_8);

        List<DecodeResult> atLimit = DecodeTestSupport.decode(new TelemetryDecoder(64, doc.length), "d.json",
                new ByteArrayInputStream(doc), DecodeOptions.of(InputFormat.JSON), new Ordinal());
        List<DecodeResult> overLimit = DecodeTestSupport.decode(new TelemetryDecoder(64, doc.length - 1), "d.json",
                new ByteArrayInputStream(doc), DecodeOptions.of(InputFormat.JSON), new Ordinal());

        assertThat(records(atLimit)).hasSize(1);
        assertThat(rejections(overLimit)).hasSize(1);
    }

    @Test
    void secondDocumentInAJsonInputIsTrailingContent() {
        List<DecodeResult> results = DecodeTestSupport.decode("{\n  \"loss_total\": 1.0\n}\n{\"loss_total\": 2.0}\n",
                InputFormat.JSON);

        Rejection rejection = DecodeTestSupport.onlyRejection(results);
        assertThat(rejection.reason())
                .isEqualTo("invalid JSON: trailing content after the top-level value (line 4, column 1)");
        assertThat(rejection.position().toString()).isEqualTo("input:1");
    }

    @ParameterizedTest(name = "chunk size {0}")
    @ValueSource(ints = {1, 2, 3, 7, 64, 100_000})
    void lineReaderSplitsTheSameWhateverTheChunking(int chunk) throws IOException {
        String input = "a\r\n\nbb\n" + "c".repeat(40) + "\n\r\nlast";
        byte[] bytes = input.getBytes(StandardCharsets.UTF_8);

        List<String> lines = new ArrayList<>();
        List<Boolean> cut = new ArrayList<>();
        LineReader reader = new LineReader(new Chunked(new ByteArrayInputStream(bytes), chunk), new byte[0], 0, 0, 16);
        while (reader.next()) {
            lines.add(reader.lineNumber() + ":"
                    + new String(reader.buffer(), reader.start(), reader.length(), StandardCharsets.UTF_8));
            cut.add(reader.overlong());
        }

        assertThat(lines).containsExactly("1:a", "2:", "3:bb", "4:" + "c".repeat(16), "5:", "6:last");
        assertThat(cut).containsExactly(false, false, false, true, false, false);
    }

    @Test
    void lineReaderHandlesAnOverlongLastLineWithoutNewline() throws IOException {
        byte[] bytes = ("ok\n" + "z".repeat(100)).getBytes(StandardCharsets.UTF_8);
        LineReader reader = new LineReader(new Chunked(new ByteArrayInputStream(bytes), 5), new byte[0], 0, 0, 10);

        assertThat(reader.next()).isTrue();
        assertThat(reader.next()).isTrue();
        assertThat(reader.overlong()).isTrue();
        assertThat(reader.length()).isEqualTo(10);
        assertThat(reader.next()).isFalse();
    }

    @Test
    void blankLinesAreRecognised() throws IOException {
        byte[] bytes = " \t\n\u000B\f\nx\n".getBytes(StandardCharsets.UTF_8);
        LineReader reader = new LineReader(new ByteArrayInputStream(bytes), new byte[0], 0, 0, 16);
        List<Boolean> blank = new ArrayList<>();
        while (reader.next()) {
            blank.add(reader.isBlank());
        }

        assertThat(blank).containsExactly(true, true, false);
    }

    /** Serves reads of at most {@code chunk} bytes. */
    private static final class Chunked extends FilterInputStream {
        private final int chunk;

        Chunked(InputStream in, int chunk) {
            super(in);
            this.chunk = chunk;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, chunk));
        }
    }

    /** Serves everything up to {@code offset} at once, then one byte per read. */
    private static final class OneByteAtATimeAfter extends FilterInputStream {
        private final int offset;
        private int served;

        OneByteAtATimeAfter(InputStream in, int offset) {
            super(in);
            this.offset = offset;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, served < offset ? Math.min(len, offset - served) : Math.min(len, 1));
            if (n > 0) {
                served += n;
            }
            return n;
        }
    }
}
