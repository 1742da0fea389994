package dev.anneal.watcher.core.decode;

import java.util.Objects;
import java.util.Optional;

/**
 * Per-invocation decoding choices that come from the user rather than from the data: the input
 * framing and an optional {@code --run-id}. Kept separate from {@link TelemetryDecoder} so one
 * decoder instance can serve inputs with different options.
 *
 * @param format        the input framing, usually {@link InputFormat#AUTO}
 * @param runIdOverride the run id for records whose envelope does not name one; when empty the
 *                      caller's default (derived from the input name) is used
 */
public record DecodeOptions(InputFormat format, Optional<String> runIdOverride) {

    public DecodeOptions {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(runIdOverride, "runIdOverride");
        if (runIdOverride.isPresent() && runIdOverride.get().isBlank()) {
            throw new IllegalArgumentException("runIdOverride must not be blank when present");
        }
    }

    /** Auto-detected format, no run-id override. */
    public static DecodeOptions defaults() {
        return new DecodeOptions(InputFormat.AUTO, Optional.empty());
    }

    /** The given format, no run-id override. */
    public static DecodeOptions of(InputFormat format) {
        return new DecodeOptions(format, Optional.empty());
    }
}
