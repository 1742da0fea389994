package dev.anneal.watcher.rules.yaml;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration syntax of rule files, scenario files, the daemon configuration and the command
 * line: {@code 500ms}, {@code 90s}, {@code 10m}, {@code 1h30m}, {@code 2d}.
 */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {
    }

    /** The duration {@code text} spells, if it spells a positive one. */
    public static Optional<Duration> parse(String text) {
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = PART.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return Optional.empty();
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            end = m.end();
        }
        if (end != text.length() || total.isZero()) {
            return Optional.empty();
        }
        return Optional.of(total);
    }

    /**
     * The duration as people write it, largest units first, the inverse of {@link #parse}:
     * {@code 2h}, {@code 1h30m}, {@code 1m30s}, {@code 500ms}; zero is {@code 0s}.
     */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms <= 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1000L, 1L};
        String[] units = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms >= sizes[i]) {
                sb.append(ms / sizes[i]).append(units[i]);
                ms %= sizes[i];
            }
        }
        return sb.toString();
    }
}
