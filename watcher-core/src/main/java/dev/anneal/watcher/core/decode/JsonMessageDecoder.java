package dev.anneal.watcher.core.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.RejectReason;
import dev.anneal.watcher.rules.model.SourcePosition;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Decodes one JSON message (an NDJSON line, a Kafka message, or a whole JSON document) into
 * records and rejections. The message is parsed completely before anything is emitted, so a
 * message that is not valid JSON yields exactly one rejection and never a partial set of records
 * (half of a truncated {@code anneal_results.json} must not look like a finished anneal).
 *
 * <p>Units: a root object is one unit (or, when it is an envelope, its {@code data} object is);
 * each element of a root array (or of an envelope's {@code data} array) is its own unit, decoded
 * and rejected independently with position {@code file:line[i]}. Within a unit a non-finite
 * number rejects the whole unit, including any stage records a rehearsal would have produced.
 */
final class JsonMessageDecoder {

    private static final List<Object> ROOT = List.of();
    private static final List<Object> DATA = List.of("data");

    private final JsonFactory factory;
    private final JsonValueReader reader = new JsonValueReader();

    JsonMessageDecoder(JsonFactory factory) {
        this.factory = factory;
    }

    /**
     * Where a message came from and where its results go.
     *
     * @param source       input name for positions
     * @param baseLine     the line the message's first byte is on
     * @param fixedLine    true to give every record {@code baseLine} (one Kafka message is one
     *                     position); false to add the parser's line offset (a pretty document)
     * @param defaultRunId run id when the envelope names none
     */
    record Frame(String source, long baseLine, boolean fixedLine, String defaultRunId, Ordinal ordinal,
            Consumer<DecodeResult> sink) {
    }

    /** Decodes {@code buf[off, off + len)}; never throws for bad input. */
    void decode(byte[] buf, int off, int len, Frame frame) {
        Message message = new Message(buf, off, len, frame);
        reader.reset();
        Object root;
        long rootLine = -1;
        try (JsonParser p = factory.createParser(buf, off, len)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                message.reject(message.position(1), Reasons.EMPTY_DOCUMENT, message.whole());
                return;
            }
            rootLine = p.currentTokenLocation().getLineNr();
            root = first == JsonToken.START_ARRAY ? reader.readRootArray(p) : reader.read(p, first);
            if (p.nextToken() != null) {
                message.reject(message.position(rootLine), Reasons.trailingContent(p.currentTokenLocation()),
                        message.whole());
                return;
            }
        } catch (JsonProcessingException e) {
            long line = rootLine > 0 ? rootLine : Math.max(1, e.getLocation() == null ? 1 : e.getLocation().getLineNr());
            message.reject(message.position(line), Reasons.invalidJson(e), message.whole());
            return;
        } catch (IOException e) {
            throw new UncheckedIOException("reading JSON from memory failed", e);
        }
        interpret(root, rootLine, message);
    }

    @SuppressWarnings("unchecked")
    private void interpret(Object root, long rootLine, Message message) {
        SourcePosition position = message.position(rootLine);
        if (root instanceof List<?> elements) {
            decodeElements(elements, ROOT, Envelope.NONE, position, message);
            return;
        }
        if (!(root instanceof Map)) {
            message.reject(position, Reasons.notAnObject(root), message.whole());
            return;
        }
        Map<String, Object> object = (Map<String, Object>) root;
        if (!Envelope.isEnvelope(object)) {
            decodeUnit(object, ROOT, Envelope.NONE, position, -1, message);
            return;
        }
        Envelope envelope;
        try {
            envelope = Envelope.parse(object);
        } catch (DecodeFailure failure) {
            message.reject(position, failure.reason(), message.whole());
            return;
        }
        Object data = object.get("data");
        if (data instanceof List<?> elements) {
            decodeElements(elements, DATA, envelope, position, message);
        } else {
            decodeUnit(data, DATA, envelope, position, -1, message);
        }
    }

    private void decodeElements(List<?> elements, List<Object> prefix, Envelope envelope, SourcePosition arrayPosition,
            Message message) {
        ElementSpans spans = reader.spansOf(elements);
        for (int i = 0; i < elements.size(); i++) {
            List<Object> path = new ArrayList<>(prefix.size() + 1);
            path.addAll(prefix);
            path.add(i);
            SourcePosition position = spans == null
                    ? arrayPosition.element(i)
                    : message.position(spans.line(i)).element(i);
            decodeUnit(elements.get(i), path, envelope, position, i, message, spans);
        }
    }

    private void decodeUnit(Object value, List<Object> path, Envelope envelope, SourcePosition position, int index,
            Message message) {
        decodeUnit(value, path, envelope, position, index, message, null);
    }

    @SuppressWarnings("unchecked")
    private void decodeUnit(Object value, List<Object> path, Envelope envelope, SourcePosition position, int index,
            Message message, ElementSpans spans) {
        try {
            if (!(value instanceof Map)) {
                throw new DecodeFailure(Reasons.notAnObject(value));
            }
            List<Object> nonFinite = reader.firstNonFiniteUnder(path);
            if (nonFinite != null) {
                throw new DecodeFailure(Reasons.nonFinite(nonFinite));
            }
            Map<String, Object> fields = (Map<String, Object>) value;
            RecordKind kind = envelope.kind() != null ? envelope.kind() : KindDetector.detect(fields);
            switch (kind) {
                case BC_STAGE -> message.emit(kind, RecordFields.bcStage(fields), position, envelope);
                case HEALTH -> {
                    HealthFields.checkRequired(fields, "health record", "health record", "null");
                    message.emit(kind, fields, position, envelope);
                }
                case REHEARSAL -> decodeRehearsal(fields, envelope, position, message);
                case RUN_END -> {
                    Object reason = fields.get("reason");
                    if (fields.keySet().stream().anyMatch(k -> !k.equals("reason"))
                            || (fields.containsKey("reason") && !(reason instanceof String))) {
                        throw new DecodeFailure(Reasons.runEndData(fields.keySet(), reason));
                    }
                    message.emit(kind, fields, position, envelope);
                }
                default -> message.emit(kind, fields, position, envelope);
            }
        } catch (DecodeFailure failure) {
            String raw = spans != null && index >= 0 ? message.slice(spans, index) : message.whole();
            message.reject(position, failure.reason(), raw);
        }
    }

    @SuppressWarnings("unchecked")
    private void decodeRehearsal(Map<String, Object> payload, Envelope envelope, SourcePosition position,
            Message message) {
        String form = RecordFields.form(payload);
        List<Map<String, Object>> stages = new ArrayList<>();
        List<?> results = List.of();
        if (!RecordFields.FORM_SIMPLE.equals(form)) {
            results = (List<?>) payload.get("results");
            for (int i = 0; i < results.size(); i++) {
                Object element = results.get(i);
                if (!(element instanceof Map)) {
                    throw new DecodeFailure(Reasons.stageNotAnObject(i, element));
                }
                stages.add((Map<String, Object>) element);
            }
        }
        Map<String, Object> facts = RecordFields.rehearsal(payload, form, stages, reader);
        ElementSpans spans = reader.spansOf(results);
        for (int i = 0; i < stages.size(); i++) {
            Map<String, Object> stage = stages.get(i);
            SourcePosition stagePosition = spans == null
                    ? position.element(i)
                    : message.position(spans.line(i)).element(i);
            try {
                RecordKind kind = KindDetector.detectStage(stage);
                message.emit(kind, kind == RecordKind.BC_STAGE ? RecordFields.bcStage(stage) : stage,
                        stagePosition, envelope);
            } catch (DecodeFailure failure) {
                String raw = spans == null ? message.whole() : message.slice(spans, i);
                message.reject(stagePosition, failure.reason(), raw);
            }
        }
        message.emit(RecordKind.REHEARSAL, facts, position, envelope);
    }

    /** One message being decoded: its bytes (for raw text) and its frame. */
    private static final class Message {
        private final byte[] buf;
        private final int off;
        private final int len;
        private final Frame frame;

        Message(byte[] buf, int off, int len, Frame frame) {
            this.buf = buf;
            this.off = off;
            this.len = len;
            this.frame = frame;
        }

        SourcePosition position(long parserLine) {
            long line = frame.fixedLine() ? frame.baseLine() : frame.baseLine() + Math.max(parserLine, 1) - 1;
            return SourcePosition.line(frame.source(), line);
        }

        String whole() {
            return text(0, len);
        }

        String slice(ElementSpans spans, int i) {
            return text(spans.start(i), spans.end(i)).strip();
        }

        private String text(int from, int to) {
            int start = Math.max(0, Math.min(from, len));
            int end = Math.max(start, Math.min(to, len));
            int count = Math.min(end - start, Rejection.MAX_RAW_CHARS * 4);
            return new String(buf, off + start, count, StandardCharsets.UTF_8);
        }

        void emit(RecordKind kind, Map<String, Object> fields, SourcePosition position, Envelope envelope) {
            long ordinal = frame.ordinal().next();
            boolean timed = envelope.timestamp() != null;
            String runId = envelope.runId() != null ? envelope.runId() : frame.defaultRunId();
            TelemetryRecord record = TelemetryRecord.owning(runId, kind, position,
                    timed ? envelope.timestamp() : ordinal, timed, envelope.synthetic(), fields);
            frame.sink().accept(new DecodeResult.Decoded(record));
        }

        void reject(SourcePosition position, RejectReason reason, String raw) {
            frame.sink().accept(new DecodeResult.Rejected(new Rejection(position, reason, raw)));
        }
    }
}
