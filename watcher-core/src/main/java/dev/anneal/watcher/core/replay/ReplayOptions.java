package dev.anneal.watcher.core.replay;

import dev.anneal.watcher.core.decode.DecodeOptions;

/**
 * How a replay treats its input.
 *
 * @param decode decoding options (format, run-id override)
 * @param strict whether the first rejected record aborts the replay ({@code --strict}, exit 65)
 */
public record ReplayOptions(DecodeOptions decode, boolean strict) {

    public static ReplayOptions defaults() {
        return new ReplayOptions(DecodeOptions.defaults(), false);
    }
}
