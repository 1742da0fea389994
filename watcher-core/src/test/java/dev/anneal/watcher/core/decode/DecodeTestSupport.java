package dev.anneal.watcher.core.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Shared helpers for the decoder tests: decoding strings and fixtures, finding the shared data. */
final class DecodeTestSupport {

    static final String RUN = "test-run";

    private DecodeTestSupport() {
    }

    static List<DecodeResult> decode(String content, InputFormat format) {
        return decode("input", content.getBytes(StandardCharsets.UTF_8), format, new Ordinal());
    }

    static List<DecodeResult> decode(String source, byte[] content, InputFormat format, Ordinal ordinal) {
        return decode(new TelemetryDecoder(), source, new ByteArrayInputStream(content), DecodeOptions.of(format),
                ordinal);
    }

    static List<DecodeResult> decode(TelemetryDecoder decoder, String source, InputStream in, DecodeOptions options,
            Ordinal ordinal) {
        List<DecodeResult> results = new ArrayList<>();
        try {
            decoder.decode(source, in, options, RUN, ordinal, results::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return results;
    }

    static List<DecodeResult> decodeResource(String name, InputFormat format) {
        return decode(name, resourceBytes(name), format, new Ordinal());
    }

    static byte[] resourceBytes(String name) {
        try (InputStream in = DecodeTestSupport.class.getResourceAsStream("/decode/" + name)) {
            assertThat(in).as("test resource /decode/%s", name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<TelemetryRecord> records(List<DecodeResult> results) {
        List<TelemetryRecord> records = new ArrayList<>();
        for (DecodeResult result : results) {
            if (result instanceof DecodeResult.Decoded decoded) {
                records.add(decoded.record());
            }
        }
        return records;
    }

    static List<Rejection> rejections(List<DecodeResult> results) {
        List<Rejection> rejections = new ArrayList<>();
        for (DecodeResult result : results) {
            if (result instanceof DecodeResult.Rejected rejected) {
                rejections.add(rejected.rejection());
            }
        }
        return rejections;
    }

    static TelemetryRecord onlyRecord(List<DecodeResult> results) {
        assertThat(rejections(results)).isEmpty();
        assertThat(results).hasSize(1);
        return records(results).get(0);
    }

    static Rejection onlyRejection(List<DecodeResult> results) {
        assertThat(results).hasSize(1);
        assertThat(results.get(0)).isInstanceOf(DecodeResult.Rejected.class);
        return ((DecodeResult.Rejected) results.get(0)).rejection();
    }

    /** A decoded nested object, typed for assertions. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    static Map<RecordKind, Integer> countByKind(List<DecodeResult> results) {
        Map<RecordKind, Integer> counts = new EnumMap<>(RecordKind.class);
        for (TelemetryRecord record : records(results)) {
            counts.merge(record.kind(), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * townlet's recorded data, copied into the repository at {@code <projectRoot>/testdata/townlet}
     * (see testdata/README.md): found by walking up from the working directory (the module
     * directory under Maven) so the tests also run from the project root or an IDE.
     */
    static Path sharedData() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("testdata").resolve("townlet");
            if (Files.isDirectory(candidate) && Files.isDirectory(dir.resolve(".mvn"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("testdata/townlet not found above " + Path.of("").toAbsolutePath());
    }
}
