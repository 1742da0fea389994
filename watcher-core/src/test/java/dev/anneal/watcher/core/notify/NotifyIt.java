package dev.anneal.watcher.core.notify;

import dev.anneal.watcher.testkit.Await;
import dev.anneal.watcher.testkit.KafkaBroker;
import dev.anneal.watcher.testkit.KafkaTopics;
import dev.anneal.watcher.testkit.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What the notifier integration tests share: topics per test, settings, reading, knowing a receiver is done. */
final class NotifyIt {

    static final Duration WAIT = Await.DEFAULT;
    private static final AtomicInteger NEXT = new AtomicInteger();

    private NotifyIt() {
    }

    /** Topic names unique to one test. */
    record Topics(String prefix) {
        static Topics fresh(String what) {
            return new Topics(what + "-" + NEXT.incrementAndGet());
        }

        String alerts() {
            return prefix + ".alerts";
        }

        String recommendations() {
            return prefix + ".recommendations";
        }

        String undeliverable() {
            return prefix + ".alerts.undeliverable";
        }

        void create(KafkaBroker broker) {
            broker.createTopics(new NewTopic(alerts(), 1, (short) 1),
                    new NewTopic(recommendations(), 1, (short) 1).configs(Map.of("cleanup.policy", "compact")),
                    new NewTopic(undeliverable(), 1, (short) 1));
        }
    }

    /** Fast resilience settings: 3 attempts 50-200 ms apart, breaker over 4 calls open 300 ms. */
    static NotifierSettings.Resilience fast() {
        return new NotifierSettings.Resilience(3, Duration.ofMillis(50), Duration.ofMillis(200), 50, 4,
                Duration.ofMillis(300), 100);
    }

    static NotifierSettings settings(Topics topics, String group, List<ReceiverSpec> receivers, Duration resend) {
        return new NotifierSettings(topics.alerts(), topics.recommendations(), topics.undeliverable(), group,
                receivers, resend, Duration.ofSeconds(5), fast());
    }

    static Map<String, Object> client(String bootstrap) {
        return Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    }

    /** Every record of a topic, read until {@code n} are there (or failing). */
    static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, String topic, int n) {
        try (TopicReader reader = new TopicReader(bootstrap, topic)) {
            return reader.await(n);
        }
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /**
     * Waits until the receiver's worker has committed every alert on the topic so far. It commits an
     * alert only after delivering (or routing) it, in order: from then on it has sent all it will
     * send for those alerts, so a duplicate, were there one, has arrived.
     */
    static void awaitDone(KafkaBroker broker, NotifierSettings settings, String receiver) {
        KafkaTopics.awaitCommitted(broker.admin(), settings.groupId(receiver), settings.alertsTopic());
    }
}
