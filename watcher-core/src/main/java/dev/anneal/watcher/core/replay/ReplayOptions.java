package dev.anneal.watcher.core.replay;

import dev.anneal.watcher.core.decode.DecodeOptions;
import dev.anneal.watcher.rules.engine.RunLifecycle;
import java.util.Objects;

/**
 * How a replay treats its input.
 *
 * @param decode    decoding options (format, run-id override)
 * @param strict    whether the first rejected record aborts the replay ({@code --strict}, exit 65)
 * @param lifecycle when idle runs end and ended runs expire, on event time ({@code --end-after-idle})
 */
public record ReplayOptions(DecodeOptions decode, boolean strict, RunLifecycle.Policy lifecycle) {

    public ReplayOptions {
        Objects.requireNonNull(decode, "decode");
        Objects.requireNonNull(lifecycle, "lifecycle");
    }

    /** With the default run lifecycle ({@code runs.end_after_idle} 6h, {@code runs.retain_ended} 7d). */
    public ReplayOptions(DecodeOptions decode, boolean strict) {
        this(decode, strict, RunLifecycle.Policy.DEFAULTS);
    }

    public static ReplayOptions defaults() {
        return new ReplayOptions(DecodeOptions.defaults(), false);
    }
}
