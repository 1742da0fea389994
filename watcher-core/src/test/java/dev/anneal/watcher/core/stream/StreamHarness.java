package dev.anneal.watcher.core.stream;

import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.load.RuleSetCompiler;
import dev.anneal.watcher.testkit.ManualClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;

/**
 * A {@link WatcherTopology} under a {@link TopologyTestDriver} with the daemon's own Streams
 * configuration ({@link StreamsConfigs}, exactly-once included), a settable clock that moves
 * together with the driver's wall clock, and the topics as strings (or bytes for dead letters),
 * the operator commands and audit topics included.
 */
final class StreamHarness implements AutoCloseable {

    /** The wall-clock start of every harness: 2026-01-01T00:00:00Z. */
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    static final String CHANGELOG = StreamsConfigs.DEFAULT_APPLICATION_ID + "-" + WatcherTopology.STORE + "-changelog";

    final MutableClock clock;
    final RuleSetHolder rules;
    final WatcherMetrics metrics;
    final WatcherTopics topics;
    final TopologyTestDriver driver;
    final TestInputTopic<String, String> input;
    final TestInputTopic<byte[], byte[]> rawInput;
    final TestOutputTopic<String, String> alerts;
    final TestOutputTopic<String, String> recommendations;
    final TestOutputTopic<byte[], byte[]> dlq;
    final TestInputTopic<String, String> commands;
    final TestOutputTopic<String, String> audit;

    StreamHarness(Path stateDir, RuleSet ruleSet) {
        this(stateDir, new RuleSetHolder(ruleSet), new WatcherMetrics(), new MutableClock(START));
    }

    StreamHarness(Path stateDir, RuleSetHolder rules, WatcherMetrics metrics, MutableClock clock) {
        this(stateDir, rules, metrics, clock, WatcherTopics.defaults());
    }

    /** A harness with other output topics (the input stays {@link WatcherTopics#DEFAULT_INPUT}). */
    StreamHarness(Path stateDir, RuleSetHolder rules, WatcherMetrics metrics, MutableClock clock,
            WatcherTopics topics) {
        this(stateDir, rules, metrics, clock, topics, RunPolicy.DEFAULTS);
    }

    /** A harness whose runs end and expire as {@code runs} says. */
    StreamHarness(Path stateDir, RuleSetHolder rules, WatcherMetrics metrics, MutableClock clock,
            WatcherTopics topics, RunPolicy runs) {
        this.clock = clock;
        this.rules = rules;
        this.metrics = metrics;
        this.topics = topics;
        Properties props = StreamsConfigs.defaults("test-driver:9092", stateDir);
        this.driver = new TopologyTestDriver(WatcherTopology.build(topics, rules, clock, metrics,
                WatcherTopology.DEFAULT_ABSENCE_INTERVAL, WatcherTopology.DEFAULT_RUN_STATE_CACHE, runs), props,
                clock.instant());
        StringSerializer s = new StringSerializer();
        StringDeserializer d = new StringDeserializer();
        this.input = driver.createInputTopic(WatcherTopics.DEFAULT_INPUT, s, s);
        this.rawInput = driver.createInputTopic(WatcherTopics.DEFAULT_INPUT, new ByteArraySerializer(),
                new ByteArraySerializer());
        this.alerts = driver.createOutputTopic(topics.alerts(), d, d);
        this.recommendations = driver.createOutputTopic(topics.recommendations(), d, d);
        this.dlq = driver.createOutputTopic(topics.dlq(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.commands = driver.createInputTopic(topics.commands(), s, s);
        this.audit = driver.createOutputTopic(topics.audit(), d, d);
    }

    /** anneal-gates (the default pack) with parameter overrides. */
    static RuleSet annealGates(Map<String, String> params) {
        try {
            return RuleSetCompiler.compile(List.of(BuiltinPacks.load(BuiltinPacks.DEFAULT)), params);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static RuleSet annealGates() {
        return annealGates(Map.of());
    }

    /**
     * An in-memory run-state store (no changelog) initialised on {@code context} and added to it,
     * with an in-memory silences store beside it, for driving the processor or the run store
     * without a topology.
     */
    static KeyValueStore<String, byte[]> runStateStore(MockProcessorContext<byte[], byte[]> context) {
        KeyValueStore<String, byte[]> silences = inMemoryStore(context, WatcherTopology.SILENCES_STORE);
        context.addStateStore(silences);
        KeyValueStore<String, byte[]> store = inMemoryStore(context, WatcherTopology.STORE);
        context.addStateStore(store);
        return store;
    }

    private static KeyValueStore<String, byte[]> inMemoryStore(MockProcessorContext<byte[], byte[]> context,
            String name) {
        KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    /** Pipes one record with the clock's current time as its Kafka timestamp. */
    void send(String key, String json) {
        input.pipeInput(key, json, clock.millis());
    }

    /** Moves the clock and the driver's wall clock (firing due punctuations) together. */
    void advance(Duration d) {
        clock.advance(d);
        driver.advanceWallClockTime(d);
    }

    KeyValueStore<String, byte[]> store() {
        return driver.getKeyValueStore(WatcherTopology.STORE);
    }

    /** The changelog records written so far, key and value (null for a tombstone). */
    List<Map.Entry<String, byte[]>> changelog() {
        TestOutputTopic<String, byte[]> out = driver.createOutputTopic(CHANGELOG, new StringDeserializer(),
                new ByteArrayDeserializer());
        List<Map.Entry<String, byte[]>> entries = new ArrayList<>();
        for (TestRecord<String, byte[]> r : out.readRecordsToList()) {
            entries.add(new java.util.AbstractMap.SimpleEntry<>(r.key(), r.value())); // a tombstone has no value
        }
        return entries;
    }

    static Map<String, String> headers(TestRecord<byte[], byte[]> record) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Header h : record.headers()) {
            out.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Override
    public void close() {
        driver.close();
    }

    /** A clock tests set and advance; the daemon's logic only ever reads it. */
    static final class MutableClock extends ManualClock {
        MutableClock(Instant start) {
            super(start);
        }
    }
}
