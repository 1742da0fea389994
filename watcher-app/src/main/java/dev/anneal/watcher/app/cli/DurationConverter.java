package dev.anneal.watcher.app.cli;

import dev.anneal.watcher.rules.yaml.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** Reads durations as the rule files and the config do: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h30m}. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        Duration d = Durations.parse(value).orElseThrow(() -> new CommandLine.TypeConversionException(
                "'" + value + "' is not a duration; write 500ms, 30s, 2m or 1h30m"));
        if (d.isNegative() || d.isZero()) {
            throw new CommandLine.TypeConversionException("'" + value + "' must be a positive duration");
        }
        return d;
    }
}
