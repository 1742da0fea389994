package dev.anneal.watcher.core.stream;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The daemon's Kafka Streams topology: where its data comes from and goes to. What happens to each
 * record in between is the {@code RecordPipeline} (core.pipeline; read its class comment first),
 * which the processor adapts to Kafka Streams, as {@code Replay} adapts it to recorded files.
 *
 * <pre>
 *  input topics ──> telemetry-source ──> watcher-processor ──┬──> alerts-sink ──────────> anneal.alerts
 *  (list or          byte[] key/value    (one per task)       ├──> recommendations-sink ─> anneal.recommendations
 *   pattern)                               ^  │      ^        │                            (compacted)
 *  anneal.commands ─> commands-source ─────┘  │      │        ├──> audit-sink ───────────> anneal.audit
 *                                             │      │        ├──> dlq-sink ─────────────> anneal.telemetry.dlq
 *                                             │      │        └──> synthetic-*-sink ─────> quarantine topics (optional:
 *                                             v      │                                     outputs of synthetic records)
 *                                   watcher-run-state store, watcher-silences store
 *                                   (RocksDB + changelog topics)
 *
 *  inside watcher-processor (WatcherProcessor), per record: TelemetryDecoder.decodeMessage, then
 *  RecordPipeline over KeyValueRunStore (this store) -> alerts, recommendations, dead letters;
 *  per command: CommandJson.parse, then RecordPipeline.command -> alerts, recommendations, audit;
 *  every absence interval of wall-clock time: RecordPipeline.advanceTo(clock): what is due on the
 *  task's runs (absence rules, silences that end, idle runs that end, ended runs that expire).
 * </pre>
 *
 * <p>Per input record, in order:
 * <ol>
 *   <li><b>consume</b>: key and value as bytes. The key is the run id: producers must key every
 *       record by its run id, so that all of a run's records land in one partition and one task
 *       owns the run's state. A record without a key takes its run id from its envelope
 *       {@code run_id}, else the topic name (as replay takes the file name); keyless records are
 *       only safe on a single-partition topic or when the producer pins each run to one
 *       partition, because two tasks would otherwise each keep a state for the same run.</li>
 *   <li><b>decode</b>: {@code TelemetryDecoder.decodeMessage}, the same decoder replay uses, with
 *       source {@code topic/partition} and line {@code offset + 1} (positions are 1-based like
 *       file lines), so alerts read {@code anneal.telemetry/0:42} for offset 41. A message may be
 *       a JSON array and yield several records ({@code ...:42[i]}). Event time is the envelope
 *       {@code ts}, else the Kafka record timestamp (replay uses the ordinal, which only orders
 *       records; the built-in packs count records in windows and {@code for}, so both agree).</li>
 *   <li><b>validate</b>: decoder rejections, a keyed record whose envelope names another run,
 *       and records lacking what the packs require ({@code RuleSet.rejectReason}) go to the
 *       dead-letter topic: the whole input message, key and value bytes unchanged, its headers
 *       kept, plus the {@code watcher.*} headers of {@link WatcherTopics}. An empty message or a
 *       tombstone is a dead letter too.</li>
 *   <li><b>evaluate</b> and <b>alert state</b>: the run's state is read from the
 *       {@value #STORE} store (or started), the run's absence rules that fell due before the
 *       record's event time fire (replay's order), then the record is evaluated
 *       ({@code Engine}, {@code AlertLifecycle}); the state is written back to the store at once.
 *       Each task also keeps recently used decoded states in memory (a bounded cache in front of
 *       the store, emptied when the task is initialised or closed and when the rule set changes),
 *       so a run's state is decoded once, not at every record.</li>
 *   <li><b>decide</b> ({@code RecommendationLadder}) and <b>publish</b>: firing and resolved
 *       alert transitions go to the alerts topic (pending and cancelled ones are only counted),
 *       recommendation changes to the recommendations topic, both keyed by run id with exactly
 *       the JSON replay writes ({@code AlertJson}, {@code RecommendationJson}) and the input
 *       record's timestamp.</li>
 * </ol>
 *
 * Operator commands come from a second source feeding the same processor: the commands topic
 * is co-partitioned with the telemetry topics, so a run's commands reach the task that owns the
 * run, in order with its records, and each command's effects, its audit record and the state
 * change commit in the same transaction as any record's: applied exactly once, through crashes
 * and rebalances. A malformed command is a dead letter ({@code bad_command}). A silence of every
 * run arrives on every partition and goes into each task's {@value #SILENCES_STORE} store.
 *
 * <p>A wall-clock punctuator (every {@link #DEFAULT_ABSENCE_INTERVAL} unless configured) advances
 * the task's runs to the injected clock's time, so absence rules fire while a run is silent, idle
 * runs end and ended runs expire ({@link RunPolicy}; an expired run is deleted from the store and
 * its changelog, and its recommendation tombstoned when so configured); it costs the runs whose
 * deadline is due, found in an in-memory index of the store ({@code RunIndex}); replay advances all runs on event time instead, so absence alerts are the one place the
 * two can differ in timing. For the same reason event times must follow the wall clock: records
 * produced into the topic with old envelope {@code ts} values (a recording replayed through Kafka)
 * make their runs stale at the next punctuation. Rule sets are swapped through the
 * {@link RuleSetHolder}; each task picks the new version up at its next record or punctuation.
 *
 * <p>Guarantees come from Kafka Streams with {@link StreamsConfigs} (exactly-once v2): the state
 * store's changelog, the outputs and the input offsets commit in one transaction, so after a
 * crash the daemon resumes from committed state and no decision is lost or published twice.
 * Alert ids are derived from positions, so a reprocessed record yields the same ids.
 */
public final class WatcherTopology {

    /** Source node. */
    public static final String SOURCE = "telemetry-source";
    /** Source node of the operator commands topic. */
    public static final String COMMANDS_SOURCE = "commands-source";
    /** The silences of every run, per task: one key, {@code TaskSilences} bytes, persistent and changelogged. */
    public static final String SILENCES_STORE = "watcher-silences";
    /** Sink node of the audit topic. */
    public static final String AUDIT_SINK = "audit-sink";
    /** The processor node. */
    public static final String PROCESSOR = "watcher-processor";
    /** The run-state store: run id to {@code RunStateCodec} bytes, persistent and changelogged. */
    public static final String STORE = "watcher-run-state";
    /** Sink node of the alerts topic. */
    public static final String ALERTS_SINK = "alerts-sink";
    /** Sink node of the recommendations topic. */
    public static final String RECOMMENDATIONS_SINK = "recommendations-sink";
    /** Sink node of the dead-letter topic. */
    public static final String DLQ_SINK = "dlq-sink";
    /** Sink node of the synthetic alerts quarantine topic (present only when one is configured). */
    public static final String SYNTHETIC_ALERTS_SINK = "synthetic-alerts-sink";
    /** Sink node of the synthetic recommendations quarantine topic (present only when one is configured). */
    public static final String SYNTHETIC_RECOMMENDATIONS_SINK = "synthetic-recommendations-sink";
    /** Decoded run states each stream task keeps in memory, in front of its store, by default. */
    public static final int DEFAULT_RUN_STATE_CACHE = RunStateCache.DEFAULT_CAPACITY;
    /** How often absence rules are checked against the wall clock by default. */
    public static final Duration DEFAULT_ABSENCE_INTERVAL = Duration.ofSeconds(1);

    private WatcherTopology() {
    }

    /** The topology with absence rules checked every {@link #DEFAULT_ABSENCE_INTERVAL}. */
    public static Topology build(WatcherTopics topics, RuleSetHolder rules, Clock clock, WatcherMetrics metrics) {
        return build(topics, rules, clock, metrics, DEFAULT_ABSENCE_INTERVAL);
    }

    /**
     * Builds the daemon's topology.
     *
     * @param topics          input and output topic names
     * @param rules           the current rule set; swap it to reload rules
     * @param clock           the daemon's clock: absence checks and latency measurements read it
     * @param metrics         where the daemon's meters are registered
     * @param absenceInterval how often the wall-clock punctuator checks absence rules
     */
    public static Topology build(WatcherTopics topics, RuleSetHolder rules, Clock clock, WatcherMetrics metrics,
            Duration absenceInterval) {
        return build(topics, rules, clock, metrics, absenceInterval, DEFAULT_RUN_STATE_CACHE);
    }

    /**
     * Builds the daemon's topology.
     *
     * @param topics          input and output topic names
     * @param rules           the current rule set; swap it to reload rules
     * @param clock           the daemon's clock: absence checks and latency measurements read it
     * @param metrics         where the daemon's meters are registered
     * @param absenceInterval how often the wall-clock punctuator checks absence rules
     * @param runStateCache   decoded run states each task keeps in memory, in front of the store
     *                        (least recently used ones are dropped); 0 decodes the stored state at
     *                        every record
     */
    public static Topology build(WatcherTopics topics, RuleSetHolder rules, Clock clock, WatcherMetrics metrics,
            Duration absenceInterval, int runStateCache) {
        return build(topics, rules, clock, metrics, absenceInterval, runStateCache, RunPolicy.DEFAULTS);
    }

    /**
     * Builds the daemon's topology.
     *
     * @param topics          input and output topic names
     * @param rules           the current rule set; swap it to reload rules
     * @param clock           the daemon's clock: absence checks, run lifecycle and latency measurements read it
     * @param metrics         where the daemon's meters are registered
     * @param absenceInterval how often the wall-clock punctuator advances the runs
     * @param runStateCache   decoded run states each task keeps in memory, in front of the store
     *                        (least recently used ones are dropped); 0 decodes the stored state at
     *                        every record
     * @param runs            when idle runs end and ended runs expire
     */
    public static Topology build(WatcherTopics topics, RuleSetHolder rules, Clock clock, WatcherMetrics metrics,
            Duration absenceInterval, int runStateCache, RunPolicy runs) {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(runs, "runs");
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(metrics, "metrics");
        if (absenceInterval.isNegative() || absenceInterval.isZero()) {
            throw new IllegalArgumentException("the absence check interval must be positive, was " + absenceInterval);
        }
        if (runStateCache < 0) {
            throw new IllegalArgumentException("the run state cache size must be >= 0 runs per task, was "
                    + runStateCache);
        }
        Topology topology = new Topology();

        // consume
        ByteArrayDeserializer bytesIn = new ByteArrayDeserializer();
        if (topics.inputPattern() != null) {
            topology.addSource(SOURCE, bytesIn, bytesIn, topics.inputPattern());
        } else {
            topology.addSource(SOURCE, bytesIn, bytesIn, topics.inputTopics().toArray(String[]::new));
        }
        topology.addSource(COMMANDS_SOURCE, bytesIn, bytesIn, topics.commands());

        // decode -> validate -> evaluate -> alert state -> decide, with the run state beside it
        boolean quarantineAlerts = topics.syntheticAlerts() != null;
        boolean quarantineRecommendations = topics.syntheticRecommendations() != null;
        topology.addProcessor(PROCESSOR, () -> new WatcherProcessor(rules, clock, metrics, absenceInterval,
                runStateCache, runs, topics.commands()).quarantine(quarantineAlerts, quarantineRecommendations),
                SOURCE, COMMANDS_SOURCE);
        topology.addStateStore(store(STORE), PROCESSOR);
        topology.addStateStore(store(SILENCES_STORE), PROCESSOR);

        // publish
        ByteArraySerializer bytesOut = new ByteArraySerializer();
        topology.addSink(ALERTS_SINK, topics.alerts(), bytesOut, bytesOut, PROCESSOR);
        topology.addSink(RECOMMENDATIONS_SINK, topics.recommendations(), bytesOut, bytesOut, PROCESSOR);
        topology.addSink(DLQ_SINK, topics.dlq(), bytesOut, bytesOut, PROCESSOR);
        topology.addSink(AUDIT_SINK, topics.audit(), bytesOut, bytesOut, PROCESSOR);
        // synthetic outputs (QA drills) go to quarantine topics when configured, so they never page anyone
        if (quarantineAlerts) {
            topology.addSink(SYNTHETIC_ALERTS_SINK, topics.syntheticAlerts(), bytesOut, bytesOut, PROCESSOR);
        }
        if (quarantineRecommendations) {
            topology.addSink(SYNTHETIC_RECOMMENDATIONS_SINK, topics.syntheticRecommendations(), bytesOut, bytesOut,
                    PROCESSOR);
        }
        return topology;
    }

    /**
     * Persistent (RocksDB) and changelogged, so a restarted or moved task restores every run's
     * state; cached, so a run seen many times between commits writes its changelog once.
     */
    private static StoreBuilder<KeyValueStore<String, byte[]>> store(String name) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
                .withLoggingEnabled(Map.of())
                .withCachingEnabled();
    }
}
