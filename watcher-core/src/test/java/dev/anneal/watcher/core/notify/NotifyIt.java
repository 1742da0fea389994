package dev.anneal.watcher.core.notify;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** What the notifier integration tests share: topics per test, producing, reading, waiting. */
final class NotifyIt {

    static final Duration WAIT = Duration.ofSeconds(60);
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

        void create(String bootstrap) throws Exception {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic(alerts(), 1, (short) 1),
                        new NewTopic(recommendations(), 1, (short) 1).configs(Map.of("cleanup.policy", "compact")),
                        new NewTopic(undeliverable(), 1, (short) 1))).all().get();
            }
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

    /** Sends each value keyed by {@code key} and waits until the broker has them. */
    static void send(String bootstrap, String topic, String key, String... values) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String v : values) {
                p.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                        v.getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }

    /** Every record of a one-partition topic, read until {@code n} are there (or failing). */
    static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, String topic, int n) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (out.size() < n && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            if (out.size() < n) {
                throw new AssertionError("expected " + n + " records on " + topic + ", got " + out.size());
            }
            return out;
        }
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Waits until {@code condition} holds, or fails naming {@code what}. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Waits {@code quiet} to let anything that should not happen happen (a duplicate, a re-send). */
    static void quietly(Duration quiet) throws InterruptedException {
        Thread.sleep(quiet.toMillis());
    }
}
