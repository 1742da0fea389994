package dev.anneal.watcher.app.bench;

import dev.anneal.watcher.core.kafka.EmbeddedKafkaBroker;
import dev.anneal.watcher.core.stream.StreamsConfigs;
import dev.anneal.watcher.core.stream.TopicSetup;
import dev.anneal.watcher.core.stream.WatcherTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The embedded broker as the daemon benchmark uses it: topics with the benchmark's partition count,
 * end and committed offsets, what an application left on the broker, and the Streams
 * configuration every application of the benchmark runs with. It only wraps the admin client
 * the caller owns and closes.
 */
final class BenchBroker {

    /** Admin and client request timeout. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final String bootstrap;
    private final Admin admin;
    private final int partitions;
    private final Path stateDir;
    private final long commitIntervalMs;
    private final int streamThreads;

    /**
     * @param bootstrap        the broker's bootstrap servers
     * @param admin            an admin client on it
     * @param partitions       partitions of every topic the benchmark creates
     * @param stateDir         the Streams state directory of every application
     * @param commitIntervalMs {@code commit.interval.ms} of every application
     * @param streamThreads    {@code num.stream.threads} of every application
     */
    BenchBroker(String bootstrap, Admin admin, int partitions, Path stateDir, long commitIntervalMs,
            int streamThreads) {
        this.bootstrap = bootstrap;
        this.admin = admin;
        this.partitions = partitions;
        this.stateDir = stateDir;
        this.commitIntervalMs = commitIntervalMs;
        this.streamThreads = streamThreads;
    }

    String bootstrap() {
        return bootstrap;
    }

    int partitions() {
        return partitions;
    }

    /** The daemon's Streams configuration with this benchmark's application id, commit interval and threads. */
    Properties streamsProperties(String appId) {
        Properties p = StreamsConfigs.defaults(appId, bootstrap, stateDir, 1);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(commitIntervalMs));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(streamThreads));
        return p;
    }

    void createTopics(String... names) throws InterruptedException, ExecutionException, TimeoutException {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, partitions, (short) 1));
        }
        admin.createTopics(topics).all().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Creates the topics of a watcher application that do not exist yet, as the daemon does. */
    void createWatcherTopics(WatcherTopics topics) throws InterruptedException, ExecutionException, TimeoutException {
        TopicSetup.createMissing(admin, topics, new TopicSetup.Settings(partitions, (short) 1), REQUEST_TIMEOUT);
    }

    Map<TopicPartition, Long> endOffsets(String topic)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new LinkedHashMap<>();
        admin.listOffsets(request).all().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /** The offsets the application {@code appId} (its consumer group) has committed. */
    Map<TopicPartition, OffsetAndMetadata> committedOffsets(String appId)
            throws InterruptedException, ExecutionException, TimeoutException {
        return admin.listConsumerGroupOffsets(appId).partitionsToOffsetAndMetadata()
                .get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Deletes the topics of a finished pass (outputs and changelogs, named after the application
     * id), so the broker's disk holds one pass at a time: the watcher's changelog alone takes a
     * few GB per pass with the defaults.
     */
    void deleteTopicsOf(String appId) throws InterruptedException, ExecutionException, TimeoutException {
        List<String> topics = admin.listTopics().names().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .stream().filter(t -> t.startsWith(appId + ".") || t.startsWith(appId + "-")).toList();
        if (!topics.isEmpty()) {
            admin.deleteTopics(topics).all().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Bytes in the broker's logs of the application's changelog topics (its state writes; compaction aside). */
    long changelogBytes(String appId) throws InterruptedException, ExecutionException, TimeoutException {
        String prefix = appId + "-";
        long bytes = 0;
        Map<Integer, Map<String, LogDirDescription>> dirs = admin.describeLogDirs(List.of(EmbeddedKafkaBroker.NODE_ID))
                .allDescriptions().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        for (Map<String, LogDirDescription> byDir : dirs.values()) {
            for (LogDirDescription dir : byDir.values()) {
                for (Map.Entry<TopicPartition, ReplicaInfo> e : dir.replicaInfos().entrySet()) {
                    String topic = e.getKey().topic();
                    if (topic.startsWith(prefix) && topic.endsWith("-changelog")) {
                        bytes += e.getValue().size();
                    }
                }
            }
        }
        return bytes;
    }

    /**
     * Reads every committed record of {@code topic} (all partitions), handing each value to
     * {@code each} (when not null), and returns how many there were.
     */
    long count(String topic, Consumer<byte[]> each) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG, "bench-count");
        long n = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(topic, p));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps, REQUEST_TIMEOUT);
            long deadline = System.nanoTime() + REQUEST_TIMEOUT.toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp, REQUEST_TIMEOUT) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + REQUEST_TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    n++;
                    if (each != null) {
                        each.accept(r.value());
                    }
                }
            }
        }
        return n;
    }
}
