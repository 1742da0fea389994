package dev.anneal.watcher.core.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.watcher.rules.model.RejectReason;
import dev.anneal.watcher.rules.model.RejectionCategory;
import dev.anneal.watcher.rules.model.SourcePosition;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The small public value types: InputFormat, Rejection, DecodeOptions, Ordinal, DecodeResult. */
class ValueTypesTest {

    @ParameterizedTest
    @CsvSource({"auto, AUTO", "ndjson, NDJSON", "json, JSON", "health, HEALTH"})
    void cliNamesParse(String name, InputFormat format) {
        assertThat(InputFormat.fromCliName(name)).isEqualTo(format);
        assertThat(format.cliName()).isEqualTo(name);
        assertThat(format).hasToString(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"xml", "NDJSON", " json", ""})
    void unknownCliNameListsTheValidOnes(String name) {
        assertThatThrownBy(() -> InputFormat.fromCliName(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown input format \"" + name + "\"; valid formats are: auto, ndjson, json, health");
    }

    @Test
    void nullCliNameIsRejected() {
        assertThatThrownBy(() -> InputFormat.fromCliName(null))
                .hasMessage("unknown input format null; valid formats are: auto, ndjson, json, health");
    }

    @Test
    void rejectionRawIsTruncatedTo64KiCharacters() {
        SourcePosition position = SourcePosition.line("f", 1);
        String huge = "x".repeat(Rejection.MAX_RAW_CHARS + 10);
        String splitPair = "y".repeat(Rejection.MAX_RAW_CHARS - 1) + "\uD83D\uDE00";

        assertThat(new Rejection(position, reason("r"), huge).raw()).hasSize(Rejection.MAX_RAW_CHARS);
        assertThat(new Rejection(position, reason("r"), splitPair).raw()).hasSize(Rejection.MAX_RAW_CHARS - 1);
        assertThat(new Rejection(position, reason("r"), "").raw()).isEmpty();
        assertThat(new Rejection(position, reason("bad"), "x")).hasToString("f:1: bad");
    }

    @Test
    void rejectionRequiresItsParts() {
        SourcePosition position = SourcePosition.line("f", 1);

        assertThatThrownBy(() -> new Rejection(position, reason("r"), null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Rejection(null, reason("r"), "x")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Rejection(position, null, "x")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> reason(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RejectReason(null, "r")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void decodeOptionsRejectABlankRunIdOverride() {
        assertThatThrownBy(() -> new DecodeOptions(InputFormat.AUTO, Optional.of(" ")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(DecodeOptions.defaults()).isEqualTo(new DecodeOptions(InputFormat.AUTO, Optional.empty()));
        assertThat(DecodeOptions.of(InputFormat.JSON).format()).isEqualTo(InputFormat.JSON);
    }

    @Test
    void ordinalStartsAtZeroAndRefusesNegativeStarts() {
        Ordinal ordinal = new Ordinal();

        assertThat(ordinal.next()).isZero();
        assertThatThrownBy(() -> new Ordinal(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decodeResultExposesThePositionOfEitherOutcome() {
        SourcePosition position = SourcePosition.line("f", 3).element(1);
        DecodeResult.Rejected rejected = new DecodeResult.Rejected(new Rejection(position, reason("r"), "x"));

        assertThat(rejected.position()).isEqualTo(position);
        assertThat(rejected.category()).isEqualTo(RejectionCategory.INVALID_JSON);
        assertThat(rejected.rejection().reason()).isEqualTo("r");
    }

    private static RejectReason reason(String text) {
        return new RejectReason(RejectionCategory.INVALID_JSON, text);
    }
}
