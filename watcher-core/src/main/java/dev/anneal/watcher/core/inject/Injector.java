package dev.anneal.watcher.core.inject;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Sends synthetic messages one by one, paced, each stamped with the injector's clock at the moment
 * it is sent (minus its {@link SyntheticMessage#backdateMillis()}), so the records' event time
 * follows the wall clock the daemon measures silence with. The clock and the sleeper are
 * injected, so tests pace without sleeping; the sink is the Kafka producer in {@code watcher
 * inject} and a topology test driver in tests.
 */
public final class Injector {

    /** Header every injected Kafka record carries (value {@code true}); see {@code WatcherTopics.HEADER_SYNTHETIC}. */
    public static final String SYNTHETIC_VALUE = "true";

    /** Waits; {@code Thread::sleep} in production. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /** Where messages go. */
    @FunctionalInterface
    public interface Sink {
        /**
         * Sends one message.
         *
         * @param key       the run id (the record key)
         * @param value     the message bytes
         * @param timestamp the event time stamped into the envelope, also the Kafka timestamp
         */
        void send(String key, byte[] value, long timestamp) throws Exception;
    }

    /**
     * What was sent.
     *
     * @param sent        messages sent
     * @param raw         of those, deliberately malformed messages sent as written
     * @param firstMillis the first message's event time
     * @param lastMillis  the last message's event time
     */
    public record Result(int sent, int raw, long firstMillis, long lastMillis) {
    }

    private final Clock clock;
    private final Sleeper sleeper;

    public Injector(Clock clock, Sleeper sleeper) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /**
     * Sends {@code messages} in order through {@code sink}, waiting as {@code pacing} says before
     * each one.
     *
     * @throws Exception whatever the sink throws (the first failure stops the injection)
     */
    public Result inject(List<SyntheticMessage> messages, Pacing pacing, Sink sink) throws Exception {
        SyntheticMessage previous = null;
        int raw = 0;
        long first = 0;
        long last = 0;
        for (int i = 0; i < messages.size(); i++) {
            SyntheticMessage m = messages.get(i);
            long delay = pacing.delayMillis(previous, m);
            if (delay > 0) {
                sleeper.sleep(delay);
            }
            long ts = clock.millis() - m.backdateMillis();
            sink.send(m.runId(), m.render(ts).getBytes(StandardCharsets.UTF_8), ts);
            if (i == 0) {
                first = ts;
            }
            last = ts;
            if (m.isRaw()) {
                raw++;
            }
            previous = m;
        }
        return new Result(messages.size(), raw, first, last);
    }
}
