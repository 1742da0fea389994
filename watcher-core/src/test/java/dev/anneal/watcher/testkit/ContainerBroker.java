package dev.anneal.watcher.testkit;

import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A Kafka broker in a container (Testcontainers' {@code kafka} module, the Apache Kafka image in
 * KRaft mode, single node with replication factor 1 for its internal topics, so exactly-once
 * processing works as on the embedded broker). {@link KafkaBroker} starts it only when a Docker
 * engine answers; nothing else refers to Testcontainers.
 */
final class ContainerBroker {

    /** The system property naming another image. */
    static final String IMAGE_PROPERTY = "watcher.test.kafkaImage";
    /** The image used unless {@value #IMAGE_PROPERTY} names another. */
    static final String DEFAULT_IMAGE = "apache/kafka:4.0.0";

    private ContainerBroker() {
    }

    /** Starts a container and waits until Kafka in it is ready. */
    static KafkaBroker.Running start() {
        KafkaContainer container = new KafkaContainer(DockerImageName.parse(System.getProperty(IMAGE_PROPERTY,
                DEFAULT_IMAGE)))
                // As on the embedded broker: topics are created explicitly, groups start at once.
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        container.start();
        String bootstrap = container.getBootstrapServers().replaceFirst("^PLAINTEXT://", "");
        return new KafkaBroker.Running() {
            @Override
            public String bootstrapServers() {
                return bootstrap;
            }

            @Override
            public void close(boolean keepData) {
                if (keepData) {
                    System.err.println("KafkaBroker: a test failed; the Kafka container's last log lines:\n"
                            + tail(container.getLogs(), 40));
                }
                container.stop();
            }
        };
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }
}
