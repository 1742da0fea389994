package dev.anneal.watcher.core.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.SourcePosition;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Turns townlet telemetry, in any of the framings townlet writes it, into
 * {@link TelemetryRecord}s for the rule engine, and everything else into {@link Rejection}s that
 * say exactly what was wrong. The same decoder serves replay (files, stdin) and the daemon
 * (Kafka messages), so that a record means the same thing whichever way it arrived.
 *
 * <h2>Framing</h2>
 * <ul>
 *   <li>{@link InputFormat#NDJSON}: one message per line, streamed one line at a time (UTF-8;
 *       blank lines are skipped, a {@code \r\n} ending is accepted, a line longer than 16 MiB is
 *       rejected and skipped).</li>
 *   <li>{@link InputFormat#JSON}: the whole input is one message (up to 256 MiB), e.g. a
 *       pretty-printed rehearsal summary or {@code anneal_results.json}.</li>
 *   <li>{@link InputFormat#HEALTH}: {@code tick_health key=value ...} lines.</li>
 *   <li>{@link InputFormat#AUTO}: decided per input from its first non-blank content: {@code [}
 *       → JSON; {@code &#123;} → NDJSON when the first line is a complete JSON value (or is not
 *       valid JSON at all, so each bad line gets its own reason), JSON when the first line ends
 *       inside a value (a pretty-printed object) unless the next non-blank line is itself a
 *       complete object (an NDJSON log whose first line was cut by a partial write); the token
 *       {@code tick_health} → HEALTH; anything else → NDJSON, so that each bad line is rejected
 *       with its own reason. At most the first 64 KiB are looked at, and they are not read
 *       again.</li>
 * </ul>
 * A UTF-8 byte order mark at the start of an input is ignored.
 *
 * <h2>Messages</h2>
 * A message is a JSON object (one record), a JSON array (each element its own record, position
 * {@code file:line[i]} with the line where the element starts), or an envelope
 * {@code {"run_id", "kind", "ts", "synthetic", "data"}} whose {@code data} is an object or array
 * (see {@link Envelope}). Numbers become {@link Double}, JSON null
 * {@link dev.anneal.watcher.rules.model.FieldValues#NULL}, arrays unmodifiable lists and objects
 * insertion-ordered maps; keys are kept verbatim, dots included. {@code NaN} and
 * {@code Infinity} tokens (which Python's {@code json.dumps} writes) are parsed and then reject
 * their record, naming the top-level key.
 *
 * <h2>Kind detection</h2>
 * An envelope {@code kind} wins. Otherwise, first match:
 * <ol>
 *   <li>{@code mode == "bc"} → {@code bc_stage}; {@code mode == "ppo"} → {@code ppo};</li>
 *   <li>a {@code results} list, a {@code bc_stage}/{@code ppo_stage} object, or both
 *       {@code bc_accuracy} and {@code bc_threshold} → {@code rehearsal};</li>
 *   <li>a {@code datasets} list and {@code failures} → {@code bc_audit};</li>
 *   <li>{@code loss_total}, or {@code epoch} and {@code updates} → {@code ppo};</li>
 *   <li>{@code schema_version} and {@code tick} → rejected as world telemetry (K10);</li>
 *   <li>otherwise rejected as unrecognised, listing the keys.</li>
 * </ol>
 * The explicit end of a run is an envelope of kind {@code run_end} whose {@code data} is
 * {@code {}} or {@code {"reason": TEXT}}; it yields one {@code run_end} record (a terminal record:
 * see {@code RunLifecycle}). PPO, BC audit and health records keep their fields verbatim; BC stages also get
 * {@code bc_accuracy}, {@code bc_threshold} and {@code bc_passed}. A rehearsal summary first
 * yields one record per element of its {@code results} (BC or PPO stages), then one rehearsal
 * record of facts ({@code form}, {@code status_field}, {@code stages}, flags, promotion
 * readiness, and for the simple form the {@code bc_*} values); see {@code RecordFields}.
 *
 * <h2>Run id and event time</h2>
 * Run id: the envelope's {@code run_id}, else {@link DecodeOptions#runIdOverride()}, else the
 * caller's default (derived from the input name). Event time: the envelope's {@code ts} in epoch
 * milliseconds, else the next value of the caller's {@link Ordinal}; every decoded record consumes
 * one ordinal either way, rejections consume none. The wall clock is never read.
 *
 * <p>Instances are reusable but thread-confined: use one decoder per thread.
 */
public final class TelemetryDecoder {

    /** Longest NDJSON or health line decoded; longer lines are rejected. */
    static final int DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
    /** Largest JSON document read into memory. */
    static final long DEFAULT_MAX_DOCUMENT_BYTES = 256L * 1024 * 1024;
    /** How much of an input format detection may look at. */
    static final int SNIFF_BYTES = 64 * 1024;

    private static final String TICK_HEALTH = "tick_health";
    /** Length of the UTF-8 byte order mark EF BB BF. */
    private static final int BOM_LENGTH = 3;

    private final JsonFactory factory;
    private final JsonMessageDecoder messages;
    private final int maxLineBytes;
    private final long maxDocumentBytes;

    public TelemetryDecoder() {
        this(DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_DOCUMENT_BYTES);
    }

    /** For tests that exercise the size limits without gigabytes of input. */
    TelemetryDecoder(int maxLineBytes, long maxDocumentBytes) {
        if (maxLineBytes < 1 || maxDocumentBytes < 1 || maxDocumentBytes >= Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("limits must be positive and documents smaller than 2 GiB");
        }
        this.factory = JsonFactory.builder()
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                .build();
        this.messages = new JsonMessageDecoder(factory);
        this.maxLineBytes = maxLineBytes;
        this.maxDocumentBytes = maxDocumentBytes;
    }

    /**
     * Decodes one input, streaming NDJSON and health lines one at a time, and passes every
     * record and rejection to {@code sink} in input order. The stream is not closed.
     *
     * @param sourceName   the input's name for positions ({@code -} for stdin)
     * @param in           the input bytes (UTF-8)
     * @param options      format and run-id override
     * @param defaultRunId the run id when neither the envelope nor the options give one; not blank
     * @param ordinal      the stream-wide event-time counter
     * @param sink         receives each result as soon as it is decoded
     * @throws IOException only when reading {@code in} fails; bad content never throws
     */
    public void decode(String sourceName, InputStream in, DecodeOptions options, String defaultRunId, Ordinal ordinal,
            Consumer<DecodeResult> sink) throws IOException {
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(options, "options");
        requireRunId(defaultRunId);
        Objects.requireNonNull(ordinal, "ordinal");
        Objects.requireNonNull(sink, "sink");
        String runId = options.runIdOverride().orElse(defaultRunId);

        Head head = new Head(in);
        InputFormat format = options.format() == InputFormat.AUTO ? sniff(head) : options.format();
        if (options.format() != InputFormat.AUTO) {
            head.fillTo(BOM_LENGTH);
        }
        int start = head.bomLength();
        switch (format) {
            case JSON -> decodeDocument(sourceName, head, start, runId, ordinal, sink);
            case HEALTH -> decodeHealthLines(sourceName, head, start, runId, ordinal, sink);
            default -> decodeJsonLines(sourceName, head, start, runId, ordinal, sink);
        }
    }

    /**
     * Decodes one message (a JSON object, an envelope, or a JSON array of records) as the Kafka
     * consumer receives it, with the same rules as one NDJSON line. Every result gets
     * {@code line} as its line (elements are told apart by their index). A blank message yields
     * no results.
     *
     * @return the results in order, unmodifiable
     */
    public List<DecodeResult> decodeMessage(String sourceName, long line, byte[] json, String defaultRunId,
            Ordinal ordinal) {
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(json, "json");
        requireRunId(defaultRunId);
        Objects.requireNonNull(ordinal, "ordinal");
        if (line < 1) {
            throw new IllegalArgumentException("line must be >= 1, was " + line);
        }
        int start = startsWithBom(json, json.length) ? BOM_LENGTH : 0;
        if (isBlank(json, start, json.length)) {
            return List.of();
        }
        List<DecodeResult> results = new ArrayList<>(2);
        messages.decode(json, start, json.length - start,
                new JsonMessageDecoder.Frame(sourceName, line, true, defaultRunId, ordinal, results::add));
        return Collections.unmodifiableList(results);
    }

    private void decodeJsonLines(String source, Head head, int start, String runId, Ordinal ordinal,
            Consumer<DecodeResult> sink) throws IOException {
        LineReader lines = new LineReader(head.in, head.buf, start, head.len, maxLineBytes);
        while (lines.next()) {
            if (lines.overlong()) {
                rejectOverlong(source, lines, sink);
            } else if (!lines.isBlank()) {
                messages.decode(lines.buffer(), lines.start(), lines.length(),
                        new JsonMessageDecoder.Frame(source, lines.lineNumber(), true, runId, ordinal, sink));
            }
        }
    }

    private void decodeHealthLines(String source, Head head, int start, String runId, Ordinal ordinal,
            Consumer<DecodeResult> sink) throws IOException {
        LineReader lines = new LineReader(head.in, head.buf, start, head.len, maxLineBytes);
        while (lines.next()) {
            if (lines.overlong()) {
                rejectOverlong(source, lines, sink);
                continue;
            }
            if (lines.isBlank()) {
                continue;
            }
            SourcePosition position = SourcePosition.line(source, lines.lineNumber());
            String text = new String(lines.buffer(), lines.start(), lines.length(), StandardCharsets.UTF_8);
            Map<String, Object> fields;
            try {
                fields = HealthFields.parseLine(text);
            } catch (DecodeFailure failure) {
                sink.accept(new DecodeResult.Rejected(new Rejection(position, failure.reason(), text)));
                continue;
            }
            TelemetryRecord record = new TelemetryRecord(runId, RecordKind.HEALTH, position, ordinal.next(), false,
                    false, fields);
            sink.accept(new DecodeResult.Decoded(record));
        }
    }

    private void decodeDocument(String source, Head head, int start, String runId, Ordinal ordinal,
            Consumer<DecodeResult> sink) throws IOException {
        byte[] doc = Arrays.copyOfRange(head.buf, start, head.len);
        int len = doc.length;
        while (!head.eof && len <= maxDocumentBytes) {
            if (len == doc.length) {
                doc = Arrays.copyOf(doc, (int) Math.min(Math.max(2L * len, 8192), maxDocumentBytes + 1));
            }
            int n = head.in.read(doc, len, doc.length - len);
            if (n < 0) {
                head.eof = true;
            } else {
                len += n;
            }
        }
        if (len > maxDocumentBytes) {
            String raw = new String(doc, 0, Math.min(len, Rejection.MAX_RAW_CHARS), StandardCharsets.UTF_8);
            sink.accept(new DecodeResult.Rejected(new Rejection(SourcePosition.line(source, 1),
                    Reasons.documentTooLarge(maxDocumentBytes), raw)));
            return;
        }
        messages.decode(doc, 0, len, new JsonMessageDecoder.Frame(source, 1, false, runId, ordinal, sink));
    }

    private static void rejectOverlong(String source, LineReader lines, Consumer<DecodeResult> sink) {
        int shown = Math.min(lines.length(), Rejection.MAX_RAW_CHARS);
        String raw = new String(lines.buffer(), lines.start(), shown, StandardCharsets.UTF_8);
        sink.accept(new DecodeResult.Rejected(new Rejection(SourcePosition.line(source, lines.lineNumber()),
                Reasons.lineTooLong(lines.length()), raw)));
    }

    /** Reads just enough of the input to tell its format (see the class comment). */
    private InputFormat sniff(Head head) throws IOException {
        while (true) {
            InputFormat format = trySniff(head);
            if (format != null) {
                return format;
            }
            if (head.exhausted()) {
                return InputFormat.NDJSON;
            }
            head.readSome();
        }
    }

    /** The format, or null when more input is needed to tell. */
    private InputFormat trySniff(Head head) {
        byte[] buf = head.buf;
        int len = head.len;
        if (len < BOM_LENGTH && !head.exhausted()) {
            return null;
        }
        int i = skipWhitespace(buf, head.bomLength(), len);
        if (i == len) {
            return head.exhausted() ? InputFormat.NDJSON : null;
        }
        byte first = buf[i];
        if (first == '[') {
            return InputFormat.JSON;
        }
        if (first == '{') {
            return sniffObject(head, i);
        }
        if (first == 't') {
            int available = len - i;
            int tokenLength = TICK_HEALTH.length();
            if (available <= tokenLength && !head.exhausted()) {
                return null;
            }
            boolean token = available >= tokenLength
                    && startsWithAscii(buf, i, TICK_HEALTH)
                    && (available == tokenLength || isAsciiWhitespace(buf[i + tokenLength]));
            return token ? InputFormat.HEALTH : InputFormat.NDJSON;
        }
        return InputFormat.NDJSON;
    }

    /**
     * Input starting with an object: NDJSON unless the first line ends inside the value (a
     * pretty-printed document). One exception keeps a log whose first line was cut by a partial
     * write readable line by line: when the next non-blank line is itself a complete object, the
     * input is NDJSON after all.
     */
    private InputFormat sniffObject(Head head, int from) {
        byte[] buf = head.buf;
        int len = head.len;
        int end = indexOfNewline(buf, from, len);
        if (end == len && !head.eof) {
            // The first line does not fit: a very long NDJSON record, or more input is needed.
            return head.exhausted() ? InputFormat.NDJSON : null;
        }
        if (lineStatus(buf, from, end) != LineStatus.INCOMPLETE) {
            return InputFormat.NDJSON;
        }
        int next = skipWhitespace(buf, end, len);
        if (next == len) {
            return head.exhausted() ? InputFormat.JSON : null;
        }
        if (buf[next] != '{') {
            return InputFormat.JSON;
        }
        int nextEnd = indexOfNewline(buf, next, len);
        if (nextEnd == len && !head.eof) {
            return head.exhausted() ? InputFormat.JSON : null;
        }
        return lineStatus(buf, next, nextEnd) == LineStatus.COMPLETE ? InputFormat.NDJSON : InputFormat.JSON;
    }

    private enum LineStatus { COMPLETE, INCOMPLETE, INVALID }

    /** Whether {@code buf[from, to)} is one complete JSON value, ends inside one, or is not JSON. */
    private LineStatus lineStatus(byte[] buf, int from, int to) {
        try (JsonParser p = factory.createParser(buf, from, to - from)) {
            JsonToken token = p.nextToken();
            if (token == null) {
                return LineStatus.INCOMPLETE;
            }
            p.skipChildren();
            return p.nextToken() == null ? LineStatus.COMPLETE : LineStatus.INVALID;
        } catch (JsonProcessingException e) {
            return endsTooEarly(e) ? LineStatus.INCOMPLETE : LineStatus.INVALID;
        } catch (IOException e) {
            throw new UncheckedIOException("reading JSON from memory failed", e);
        }
    }

    /** Jackson reports running out of input with more than one exception type; accept all of them. */
    private static boolean endsTooEarly(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        return e instanceof JsonEOFException || (message != null && message.contains("end-of-input"));
    }

    private static int indexOfNewline(byte[] buf, int from, int to) {
        int i = from;
        while (i < to && buf[i] != '\n') {
            i++;
        }
        return i;
    }

    private static int skipWhitespace(byte[] buf, int from, int to) {
        int i = from;
        while (i < to && isAsciiWhitespace(buf[i])) {
            i++;
        }
        return i;
    }

    private static boolean startsWithBom(byte[] buf, int len) {
        return len >= BOM_LENGTH && buf[0] == (byte) 0xEF && buf[1] == (byte) 0xBB && buf[2] == (byte) 0xBF;
    }

    private static boolean startsWithAscii(byte[] buf, int from, String text) {
        for (int k = 0; k < text.length(); k++) {
            if (buf[from + k] != (byte) text.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == '\f' || b == 0x0B;
    }

    private static boolean isBlank(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isAsciiWhitespace(buf[i])) {
                return false;
            }
        }
        return true;
    }

    private static void requireRunId(String defaultRunId) {
        Objects.requireNonNull(defaultRunId, "defaultRunId");
        if (defaultRunId.isBlank()) {
            throw new IllegalArgumentException("defaultRunId must not be blank");
        }
    }

    /** The first bytes of an input, read before its format is known. */
    private static final class Head {
        final InputStream in;
        final byte[] buf = new byte[SNIFF_BYTES];
        int len;
        boolean eof;

        Head(InputStream in) {
            this.in = in;
        }

        void readSome() throws IOException {
            int n = in.read(buf, len, buf.length - len);
            if (n < 0) {
                eof = true;
            } else {
                len += n;
            }
        }

        void fillTo(int wanted) throws IOException {
            while (len < wanted && !eof) {
                readSome();
            }
        }

        /** True when no more bytes can be added: end of input, or the buffer is full. */
        boolean exhausted() {
            return eof || len == buf.length;
        }

        int bomLength() {
            return startsWithBom(buf, len) ? BOM_LENGTH : 0;
        }
    }
}
