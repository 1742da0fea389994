package dev.anneal.watcher.core.kafka;

/**
 * The in-process broker of {@link EmbeddedKafkaBroker} could not be formatted, started or reached
 * in time. The message names the address, the data directory and what went wrong.
 */
public final class EmbeddedKafkaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, with the address and data directory
     * @param cause   the underlying failure, or {@code null}
     */
    public EmbeddedKafkaException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * @param message what failed, with the address and data directory
     */
    public EmbeddedKafkaException(String message) {
        super(message);
    }
}
