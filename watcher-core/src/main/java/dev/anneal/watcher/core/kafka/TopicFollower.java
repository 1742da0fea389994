package dev.anneal.watcher.core.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows whole topics in a background thread and hands every committed record to a handler: the
 * consumer is assigned every partition (no consumer group, no committed offsets) and reads with
 * {@code isolation.level=read_committed}, from the beginning or from the end the topics had when
 * following started. The daemon's output log and the notifier's recommendation book are the two
 * followers; what they do with a record is theirs, how a topic is followed and stopped is here.
 *
 * <p>The handler runs in the follower's thread and should deal with a bad record itself (log it,
 * count it); an exception it lets through stops the follower, with an error logged.
 */
public final class TopicFollower implements AutoCloseable {

    /** Where following starts. */
    public enum Start {
        /** Every record still on the topics. */
        BEGINNING,
        /** Only records published after following started. */
        END
    }

    private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final String name;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Consumer<ConsumerRecord<byte[], byte[]>> handler;
    /** The end offsets when following started; read in the following thread only. */
    private final Map<TopicPartition, Long> startEnds;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean closing;

    private TopicFollower(String name, KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> startEnds,
            Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        this.name = name;
        this.consumer = consumer;
        this.startEnds = startEnds;
        this.handler = handler;
        this.thread = new Thread(this::run, "watcher-" + name);
        this.thread.setDaemon(true);
    }

    /**
     * Assigns every partition of {@code topics}, fixes the start positions now (so nothing
     * published after this returns is missed) and starts following.
     *
     * @param name         what follows, for the thread name, client id and log lines (e.g. "output-log")
     * @param clientConfig consumer configuration (bootstrap servers, security); group settings are dropped
     * @param timeout      how long to wait for the partitions and their offsets
     * @throws org.apache.kafka.common.KafkaException when the topics cannot be read within {@code timeout}
     */
    public static TopicFollower start(String name, Map<String, Object> clientConfig, List<String> topics,
            Start start, Duration timeout, Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        Map<String, Object> config = new LinkedHashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "watcher-" + name);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        Map<TopicPartition, Long> ends;
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                for (PartitionInfo p : consumer.partitionsFor(topic, timeout)) {
                    partitions.add(new TopicPartition(topic, p.partition()));
                }
            }
            consumer.assign(partitions);
            if (start == Start.BEGINNING) {
                consumer.seekToBeginning(partitions);
                ends = new LinkedHashMap<>(consumer.endOffsets(partitions, timeout));
            } else {
                consumer.seekToEnd(partitions);
                for (TopicPartition tp : partitions) {
                    consumer.position(tp, timeout); // resolves the lazy seek now, before anyone produces
                }
                ends = Map.of();
            }
        } catch (RuntimeException e) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            throw e;
        }
        TopicFollower follower = new TopicFollower(name, consumer, ends, handler);
        follower.thread.start();
        return follower;
    }

    /**
     * Waits until everything that was on the topics when following started has been handled
     * (at once for {@link Start#END}).
     *
     * @return whether it caught up within {@code timeout}
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            while (!closing) {
                if (caughtUp.getCount() > 0
                        && startEnds.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp.countDown();
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    handler.accept(r);
                }
            }
        } catch (WakeupException e) {
            if (!closing) {
                LOG.error("{}: stopped unexpectedly", name, e);
            }
        } catch (RuntimeException e) {
            LOG.error("{}: stopped; the topics it follows are no longer read", name, e);
        } finally {
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                LOG.debug("{}: closing the consumer: {}", name, e.toString());
            }
            stopped.countDown();
        }
    }

    /** Stops following; waits briefly for the thread, which closes the consumer. */
    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            if (!stopped.await(10, TimeUnit.SECONDS)) {
                LOG.warn("{}: did not stop within 10 s", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
