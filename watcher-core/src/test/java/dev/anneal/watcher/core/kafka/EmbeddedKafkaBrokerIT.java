package dev.anneal.watcher.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.testkit.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
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
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts real in-process brokers (Failsafe: {@code mvn verify}). */
class EmbeddedKafkaBrokerIT {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBrokerIT.class);
    private static final String TOPIC = "events";
    private static final Duration POLL_LIMIT = Duration.ofSeconds(30);

    @Test
    void transactionsAreReadCommittedAndEverythingSurvivesARestart(@TempDir Path dataDir) throws Exception {
        String clusterId;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, dataDir)) {
            LOG.info("First start (format + start): {} ms", broker.startupTime().toMillis());
            assertThat(broker.formattedOnStart()).isTrue();
            assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.port());
            clusterId = broker.clusterId();
            createTopic(broker, TOPIC, 1);

            try (KafkaProducer<String, String> producer = transactionalProducer(broker, "tx-1")) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < 100; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, "k" + i, "committed-" + i));
                }
                producer.commitTransaction();

                producer.beginTransaction();
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, "k" + i, "aborted-" + i));
                }
                producer.flush(); // the aborted records really reach the log
                producer.abortTransaction();
            }

            assertThat(readAll(broker, "read_uncommitted", "dirty", 110))
                    .as("the aborted records were written, so read_committed has something to hide")
                    .hasSize(110);
            assertThat(readAll(broker, "read_committed", "watcher", 100)).containsExactlyElementsOf(committed(100));
        }

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, dataDir)) {
            LOG.info("Restart on the same data dir: {} ms", broker.startupTime().toMillis());
            assertThat(broker.formattedOnStart()).isFalse();
            assertThat(broker.clusterId()).isEqualTo(clusterId);
            try (Admin admin = admin(broker)) {
                assertThat(admin.listTopics().names().get()).contains(TOPIC);
            }
            assertThat(readAll(broker, "read_committed", "fresh", 100)).containsExactlyElementsOf(committed(100));

            // The same transactional id carries on after the restart, and the group committed before it
            // resumes where it left off: it sees only the new record.
            try (KafkaProducer<String, String> producer = transactionalProducer(broker, "tx-1")) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(TOPIC, "k100", "committed-100"));
                producer.commitTransaction();
            }
            assertThat(readAll(broker, "read_committed", "watcher", 1)).containsExactly("committed-100");
        }
    }

    @Test
    void twoBrokersRunSideBySideOnTheirOwnDataDirs(@TempDir Path first, @TempDir Path second) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<EmbeddedKafkaBroker> brokers = new ArrayList<>();
        try {
            CompletableFuture<EmbeddedKafkaBroker> a = CompletableFuture.supplyAsync(
                    () -> EmbeddedKafkaBroker.start(0, first), pool);
            CompletableFuture<EmbeddedKafkaBroker> b = CompletableFuture.supplyAsync(
                    () -> EmbeddedKafkaBroker.start(0, second), pool);
            CompletableFuture.allOf(a, b).handle((ok, e) -> null).get();
            // collect both before asserting, so that neither leaks if the other failed
            for (CompletableFuture<EmbeddedKafkaBroker> f : List.of(a, b)) {
                if (!f.isCompletedExceptionally()) {
                    brokers.add(f.get());
                }
            }
            EmbeddedKafkaBroker one = a.get();
            EmbeddedKafkaBroker two = b.get();
            LOG.info("Concurrent starts: {} ms and {} ms", one.startupTime().toMillis(), two.startupTime().toMillis());

            assertThat(Set.of(one.port(), one.controllerPort(), two.port(), two.controllerPort())).hasSize(4);
            assertThat(one.clusterId()).isNotEqualTo(two.clusterId());
            for (EmbeddedKafkaBroker broker : List.of(one, two)) {
                createTopic(broker, TOPIC, 1);
                try (KafkaProducer<String, String> producer = transactionalProducer(broker, "tx")) {
                    producer.initTransactions();
                    producer.beginTransaction();
                    producer.send(new ProducerRecord<>(TOPIC, "k", "on " + broker.clusterId()));
                    producer.commitTransaction();
                }
            }
            for (EmbeddedKafkaBroker broker : List.of(one, two)) {
                assertThat(readAll(broker, "read_committed", "g", 1)).containsExactly("on " + broker.clusterId());
            }
        } finally {
            brokers.forEach(EmbeddedKafkaBroker::close);
            pool.shutdownNow();
        }
    }

    @Test
    void closeWaitsForTheShutdownAndMayBeCalledTwice(@TempDir Path dataDir) throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, dataDir);
        int port = broker.port();
        long t0 = System.nanoTime();
        broker.close();
        LOG.info("Shutdown: {} ms", (System.nanoTime() - t0) / 1_000_000);
        broker.close();

        // Both listeners are released by the time close() returns, and so is the data dir.
        assertThat(canBind(port)).isTrue();
        assertThat(canBind(broker.controllerPort())).isTrue();
        try (EmbeddedKafkaBroker again = EmbeddedKafkaBroker.start(port, dataDir)) {
            assertThat(again.port()).isEqualTo(port);
            assertThat(again.clusterId()).isEqualTo(broker.clusterId());
        }
    }

    private static List<String> committed(int n) {
        return IntStream.range(0, n).mapToObj(i -> "committed-" + i).toList();
    }

    private static void createTopic(EmbeddedKafkaBroker broker, String topic, int partitions) throws Exception {
        try (Admin admin = admin(broker)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    private static Admin admin(EmbeddedKafkaBroker broker) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    private static KafkaProducer<String, String> transactionalProducer(EmbeddedKafkaBroker broker, String txId) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, txId),
                new StringSerializer(), new StringSerializer());
    }

    /**
     * Reads from the group's committed position (or the beginning) until {@code expected} values have
     * arrived, then on to the end of the topic to catch any extra, and commits.
     */
    private static List<String> readAll(EmbeddedKafkaBroker broker, String isolation, String group, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            Runnable poll = () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            };
            Await.until(POLL_LIMIT, expected + " values on " + TOPIC, () -> {
                poll.run();
                return values.size() >= expected;
            });
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            Await.until(POLL_LIMIT, "the end of " + TOPIC + " " + end, () -> {
                if (end.entrySet().stream().allMatch(x -> consumer.position(x.getKey()) >= x.getValue())) {
                    return true;
                }
                poll.run();
                return false;
            });
            consumer.commitSync();
        }
        return values;
    }

    private static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
