package dev.anneal.watcher.app.config;

import java.util.Locale;

/**
 * Kafka Streams' {@code processing.guarantee}, restricted to the two values the watcher supports.
 * The lower-case names are the config values and Kafka's own.
 */
public enum ProcessingGuarantee {
    /** Transactional outputs and state: each input record affects outputs exactly once. */
    EXACTLY_ONCE_V2,
    /** Outputs may repeat after a crash; lower latency, no transactions. */
    AT_LEAST_ONCE;

    /** The value of Kafka Streams' {@code processing.guarantee}. */
    public String kafkaValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
