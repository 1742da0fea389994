package dev.anneal.watcher.core.decode;

import static dev.anneal.watcher.core.decode.DecodeTestSupport.countByKind;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.decode;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.records;
import static dev.anneal.watcher.core.decode.DecodeTestSupport.rejections;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.model.RecordKind;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * AUTO picks the framing per input from its first content. Each case is checked through what
 * the chosen framing produces (records per kind and rejections), since that is what matters.
 */
class FormatDetectionTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # fixture                    | ppo | bc_stage | rehearsal | bc_audit | health | rejections
            pretty_ppo.json              | 1   | 0        | 0         | 0        | 0      | 0
            anneal_results.json          | 2   | 1        | 0         | 0        | 0      | 1
            rehearsal_ci.json            | 1   | 1        | 1         | 0        | 0      | 0
            rehearsal_full.json          | 2   | 1        | 1         | 0        | 0      | 0
            bc_audit.json                | 0   | 0        | 0         | 1        | 0      | 0
            mixed.ndjson                 | 2   | 1        | 0         | 0        | 0      | 5
            envelopes.ndjson             | 3   | 2        | 0         | 0        | 1      | 0
            health.log                   | 0   | 0        | 0         | 0        | 2      | 3
            truncated_first_line.ndjson  | 2   | 0        | 0         | 0        | 0      | 1
            """)
    void fixtureFormatIsDetected(String fixture, int ppo, int bcStage, int rehearsal, int bcAudit, int health,
            int rejected) {
        byte[] content = DecodeTestSupport.resourceBytes(fixture);
        Map<RecordKind, Integer> expected = expectedKinds(ppo, bcStage, rehearsal, bcAudit, health);

        List<DecodeResult> whole = decode(fixture, content, InputFormat.AUTO, new Ordinal());
        List<DecodeResult> trickled = DecodeTestSupport.decode(new TelemetryDecoder(), fixture,
                new OneByteAtATime(new ByteArrayInputStream(content)), DecodeOptions.defaults(), new Ordinal());

        assertThat(countByKind(whole)).isEqualTo(expected);
        assertThat(rejections(whole)).hasSize(rejected);
        assertThat(trickled).isEqualTo(whole);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            `{"loss_total": 1.0}`                               | ppo=1
            `{"loss_total": 1.0}\\n{"loss_total": 2.0}\\n`      | ppo=2
            `{\\n  "loss_total": 1.0\\n}\\n`                    | ppo=1
            `  \\n\\n{"loss_total": 1.0,\\n "epoch": 1.0}`      | ppo=1
            `[{"loss_total": 1.0}, {"loss_total": 2.0}]`        | ppo=2
            `[\\n{"loss_total": 1.0}\\n]\\n`                    | ppo=1
            `tick_health tick=1 duration_ms=1.0 queue=0 dropped=0` | health=1
            `\\n  tick_health tick=1 duration_ms=1.0 queue=0 dropped=0\\n` | health=1
            `tick_health`                                       | rejected=1
            `tick_healthy tick=1\\n{"loss_total": 1.0}`         | ppo=1 rejected=1
            `{"a": 1,}\\n{"loss_total": 1.0}\\n`                | ppo=1 rejected=1
            `{"a": 1} {"b": 2}\\n{"loss_total": 1.0}\\n`        | ppo=1 rejected=1
            `hello\\n{"loss_total": 1.0}\\n`                    | ppo=1 rejected=1
            `{"loss_total": 1.0, "x": \\n{"loss_total": 1.0}\\n` | ppo=1 rejected=1
            ``                                                  | none
            `\\n \\n`                                           | none
            """)
    void contentFormatIsDetected(String escaped, String expected) {
        String content = escaped.replace("\\n", "\n");

        List<DecodeResult> results = decode(content, InputFormat.AUTO);

        assertThat(summary(results)).isEqualTo(expected);
    }

    @Test
    void prettyDocumentWithAByteOrderMarkIsAJsonDocument() {
        byte[] content = ("\uFEFF" + "{\n  \"loss_total\": 1.0\n}\n").getBytes(StandardCharsets.UTF_8);

        assertThat(summary(decode("bom.json", content, InputFormat.AUTO, new Ordinal()))).isEqualTo("ppo=1");
    }

    @Test
    void explicitFormatOverridesDetection() {
        byte[] pretty = DecodeTestSupport.resourceBytes("pretty_ppo.json");

        List<DecodeResult> asLines = decode("pretty_ppo.json", pretty, InputFormat.NDJSON, new Ordinal());
        List<DecodeResult> asHealth = decode("pretty_ppo.json", pretty, InputFormat.HEALTH, new Ordinal());

        assertThat(records(asLines)).isEmpty();
        assertThat(rejections(asLines)).hasSize(7);
        assertThat(rejections(asHealth)).extracting(Rejection::reason).containsOnly("not a tick_health line");
    }

    @Test
    void ndjsonFromALiveStreamIsDecodedBeforeTheNextLineArrives() throws IOException {
        List<DecodeResult> results = new ArrayList<>();
        List<Integer> seenBeforeEachRead = new ArrayList<>();
        byte[][] chunks = {
            "{\"loss_total\": 1.0}\n".getBytes(StandardCharsets.UTF_8),
            "{\"loss_total\": 2.0}\n".getBytes(StandardCharsets.UTF_8)
        };
        InputStream live = new InputStream() {
            private int next;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                seenBeforeEachRead.add(results.size());
                if (next == chunks.length) {
                    return -1;
                }
                byte[] chunk = chunks[next++];
                System.arraycopy(chunk, 0, b, off, chunk.length);
                return chunk.length;
            }
        };

        new TelemetryDecoder().decode("live", live, DecodeOptions.defaults(), "run", new Ordinal(), results::add);

        assertThat(records(results)).hasSize(2);
        assertThat(seenBeforeEachRead).containsExactly(0, 1, 2);
    }

    private static String summary(List<DecodeResult> results) {
        List<String> parts = new ArrayList<>();
        countByKind(results).forEach((kind, count) -> parts.add(kind.id() + "=" + count));
        if (!rejections(results).isEmpty()) {
            parts.add("rejected=" + rejections(results).size());
        }
        return parts.isEmpty() ? "none" : String.join(" ", parts);
    }

    private static Map<RecordKind, Integer> expectedKinds(int ppo, int bcStage, int rehearsal, int bcAudit,
            int health) {
        Map<RecordKind, Integer> kinds = new java.util.EnumMap<>(RecordKind.class);
        int[] counts = {ppo, bcStage, rehearsal, bcAudit, health};
        RecordKind[] order = {RecordKind.PPO, RecordKind.BC_STAGE, RecordKind.REHEARSAL, RecordKind.BC_AUDIT,
            RecordKind.HEALTH};
        for (int i = 0; i < order.length; i++) {
            if (counts[i] > 0) {
                kinds.put(order[i], counts[i]);
            }
        }
        return kinds;
    }

    /** Serves at most one byte per read, as a slow pipe might. */
    private static final class OneByteAtATime extends FilterInputStream {
        OneByteAtATime(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 1));
        }
    }
}
