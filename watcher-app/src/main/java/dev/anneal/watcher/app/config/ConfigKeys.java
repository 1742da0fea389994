package dev.anneal.watcher.app.config;

import dev.anneal.watcher.app.config.ValueType.HostPort;
import dev.anneal.watcher.core.stream.StreamsConfigs;
import dev.anneal.watcher.core.stream.WatcherTopics;
import dev.anneal.watcher.core.stream.WatcherTopology;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every key of the {@code watcher run} configuration, each with its name, type, default, flag and
 * documentation together (in the manner of Cruise Control's {@code AnomalyDetectorConfig}). The
 * names, environment variables and flags are public API: never rename one casually. {@link #ALL}
 * is the order {@code watcher config keys} and the example {@code deploy/watcher.yaml} use.
 *
 * <p>Precedence, lowest to highest: the default, the YAML file ({@code --config}), the
 * environment variable {@code WATCHER_<SECTION>_<KEY>}, the command-line flag. Relative paths in
 * the file are resolved against the file's directory; relative paths from the environment, flags
 * and defaults against the working directory.
 */
public final class ConfigKeys {

    /** The largest partition count and replication factor the watcher accepts for topics it creates. */
    static final int MAX_PARTITIONS = 10_000;

    // ---- kafka: how to reach the cluster -----------------------------------------------------------------

    public static final ConfigKey<String> KAFKA_BOOTSTRAP_SERVERS = ConfigKey.scalar("kafka", "bootstrap_servers",
            ValueType.BOOTSTRAP_SERVERS, "", "--bootstrap-servers",
            "The Kafka cluster to connect to (Kafka's bootstrap.servers). Empty (the default): start an embedded "
                    + "single-node broker in this process on embedded.port, with its data in embedded.data_dir.");

    public static final ConfigKey<Map<String, String>> KAFKA_PROPERTIES = ConfigKey.map("kafka", "properties",
            ValueType.TEXT, "--kafka-property",
            "Kafka client properties passed through unchanged to every client the watcher creates (Streams, its "
                    + "consumers and producers, the admin client): security.protocol, sasl.*, ssl.* and any other. "
                    + "Prefix with consumer., producer. or admin. to target one kind of client. Secrets can be "
                    + "read from the environment with Kafka's EnvVarConfigProvider (${env:NAME}).");

    public static final ConfigKey<Duration> KAFKA_STARTUP_TIMEOUT = ConfigKey.scalar("kafka", "startup_timeout",
            ValueType.DURATION, Duration.ofSeconds(30), "--startup-timeout",
            "How long start-up waits for the brokers to answer before giving up with exit code 69. The embedded "
                    + "broker gets at least 120s, since its first start in a cold JVM is slow.");

    // ---- embedded: the in-process broker used when kafka.bootstrap_servers is empty ------------------------

    public static final ConfigKey<Integer> EMBEDDED_PORT = ConfigKey.scalar("embedded", "port",
            ValueType.integer(0, 65535), 9092, "--embedded-port",
            "Client port of the embedded broker, on 127.0.0.1 only (0 picks a free port). Ignored when "
                    + "kafka.bootstrap_servers is set.");

    public static final ConfigKey<Path> EMBEDDED_DATA_DIR = ConfigKey.scalar("embedded", "data_dir",
            ValueType.PATH, Path.of("data", "kafka"), "--data-dir",
            "Where the embedded broker keeps its logs; reused across restarts, so topics, offsets and state "
                    + "changelogs survive. Ignored when kafka.bootstrap_servers is set.");

    // ---- topics ---------------------------------------------------------------------------------------------

    public static final ConfigKey<List<String>> TOPICS_INPUT = ConfigKey.list("topics", "input",
            ValueType.TOPIC_NAME, List.of(WatcherTopics.DEFAULT_INPUT), "--input-topic",
            "Telemetry topics to consume (keyed by run id or carrying run_id in the record). Give either input "
                    + "or input_pattern, not both.");

    public static final ConfigKey<String> TOPICS_INPUT_PATTERN = ConfigKey.scalar("topics", "input_pattern",
            ValueType.REGEX, null, "--input-pattern",
            "A Java regular expression: consume every topic whose whole name matches it, including topics "
                    + "created later. Replaces topics.input.");

    public static final ConfigKey<String> TOPICS_ALERTS = ConfigKey.scalar("topics", "alerts",
            ValueType.TOPIC_NAME, WatcherTopics.DEFAULT_ALERTS, "--alerts-topic",
            "Where alert transitions (firing, resolved) are published: JSON, keyed by run id.");

    public static final ConfigKey<String> TOPICS_RECOMMENDATIONS = ConfigKey.scalar("topics", "recommendations",
            ValueType.TOPIC_NAME, WatcherTopics.DEFAULT_RECOMMENDATIONS, "--recommendations-topic",
            "Where each change of a run's recommendation is published with its evidence: JSON, keyed by run "
                    + "id; created compacted.");

    public static final ConfigKey<String> TOPICS_DLQ = ConfigKey.scalar("topics", "dlq",
            ValueType.TOPIC_NAME, WatcherTopics.DEFAULT_DLQ, "--dlq-topic",
            "Dead-letter topic: every rejected input record, key and value unchanged, with watcher.* headers "
                    + "saying why and where it came from.");

    public static final ConfigKey<Integer> TOPICS_PARTITIONS = ConfigKey.scalar("topics", "partitions",
            ValueType.brokerDefaultOr(MAX_PARTITIONS), 3, "--partitions",
            "Partition count for the topics the watcher creates when they are missing (existing topics are "
                    + "left as they are); -1 uses the broker's num.partitions.");

    public static final ConfigKey<Integer> TOPICS_REPLICATION_FACTOR = ConfigKey.scalar("topics",
            "replication_factor", ValueType.brokerDefaultOr(Short.MAX_VALUE), -1, "--replication-factor",
            "Replication factor for the topics the watcher creates; -1 uses the broker's "
                    + "default.replication.factor.");

    // ---- streams: the Kafka Streams application ------------------------------------------------------------

    public static final ConfigKey<String> STREAMS_APPLICATION_ID = ConfigKey.scalar("streams", "application_id",
            ValueType.TOPIC_NAME.labelled("ID"), StreamsConfigs.DEFAULT_APPLICATION_ID, "--application-id",
            "Kafka Streams application.id: the consumer group and the prefix of internal topics. Instances "
                    + "with the same id share the work.");

    public static final ConfigKey<Path> STREAMS_STATE_DIR = ConfigKey.scalar("streams", "state_dir",
            ValueType.PATH, Path.of("data", "streams"), "--state-dir",
            "Where Kafka Streams keeps its local state stores (rebuilt from changelogs when lost).");

    public static final ConfigKey<ProcessingGuarantee> STREAMS_PROCESSING_GUARANTEE = ConfigKey.scalar("streams",
            "processing_guarantee", ValueType.oneOf(ProcessingGuarantee.class), ProcessingGuarantee.EXACTLY_ONCE_V2,
            "--processing-guarantee",
            "exactly_once_v2 (the default: outputs are transactional, read them with isolation.level="
                    + "read_committed) or at_least_once.");

    public static final ConfigKey<Integer> STREAMS_COMMIT_INTERVAL_MS = ConfigKey.scalar("streams",
            "commit_interval_ms", ValueType.integer(1, Integer.MAX_VALUE),
            (int) StreamsConfigs.DEFAULT_COMMIT_INTERVAL_MS, "--commit-interval-ms",
            "Kafka Streams commit.interval.ms: under exactly_once_v2 also how long outputs wait before "
                    + "readers see them.");

    public static final ConfigKey<Duration> STREAMS_ABSENCE_CHECK_INTERVAL = ConfigKey.scalar("streams",
            "absence_check_interval", ValueType.DURATION, WatcherTopology.DEFAULT_ABSENCE_INTERVAL,
            "--absence-check-interval",
            "How often absence rules (\"no record for 10m\") are checked against the wall clock.");

    public static final ConfigKey<Integer> STREAMS_RUN_STATE_CACHE = ConfigKey.scalar("streams",
            "run_state_cache", ValueType.integer(0, Integer.MAX_VALUE), WatcherTopology.DEFAULT_RUN_STATE_CACHE,
            "--run-state-cache",
            "Decoded run states each stream task keeps in memory in front of its state store (least recently "
                    + "used ones are dropped; 0 decodes the stored state at every record).");

    // ---- rules --------------------------------------------------------------------------------------------------

    public static final ConfigKey<List<String>> RULES_PACKS = ConfigKey.list("rules", "packs",
            ValueType.STRING.labelled("NAME|FILE"), List.of(BuiltinPacks.DEFAULT), "--rules",
            "Rule packs to run: built-in pack names (see 'watcher rules list') or YAML rule files.");

    public static final ConfigKey<Map<String, String>> RULES_PARAMS = ConfigKey.map("rules", "params",
            ValueType.PARAM_VALUE, "--param",
            "Pack parameter overrides: NAME: number, or none to disable the rules that use it.");

    public static final ConfigKey<Boolean> RULES_RELOAD = ConfigKey.scalar("rules", "reload",
            ValueType.BOOLEAN, true, "--reload",
            "Reload the rules when a rule file changes (and on SIGHUP) without a restart. A broken new file "
                    + "is refused and the running rules stay.");

    // ---- http -----------------------------------------------------------------------------------------------

    public static final ConfigKey<HostPort> HTTP_ADDRESS = ConfigKey.scalar("http", "address",
            ValueType.HOST_AND_PORT, new HostPort("127.0.0.1", 9400), "--http-address",
            "Where /metrics, /healthz, /readyz and /api/runs are served (port 0 picks a free port).");

    // ---- log ------------------------------------------------------------------------------------------------------

    public static final ConfigKey<LogFormat> LOG_FORMAT = ConfigKey.scalar("log", "format",
            ValueType.oneOf(LogFormat.class), LogFormat.TEXT, "--log-format",
            "text: readable console lines; json: one JSON object per line (Logback's JsonEncoder).");

    /** Every key, in documentation order. */
    public static final List<ConfigKey<?>> ALL = List.of(
            KAFKA_BOOTSTRAP_SERVERS, KAFKA_PROPERTIES, KAFKA_STARTUP_TIMEOUT,
            EMBEDDED_PORT, EMBEDDED_DATA_DIR,
            TOPICS_INPUT, TOPICS_INPUT_PATTERN, TOPICS_ALERTS, TOPICS_RECOMMENDATIONS, TOPICS_DLQ,
            TOPICS_PARTITIONS, TOPICS_REPLICATION_FACTOR,
            STREAMS_APPLICATION_ID, STREAMS_STATE_DIR, STREAMS_PROCESSING_GUARANTEE, STREAMS_COMMIT_INTERVAL_MS,
            STREAMS_ABSENCE_CHECK_INTERVAL, STREAMS_RUN_STATE_CACHE,
            RULES_PACKS, RULES_PARAMS, RULES_RELOAD,
            HTTP_ADDRESS,
            LOG_FORMAT);

    /** The sections, in order, each with its keys by name. */
    static final Map<String, Map<String, ConfigKey<?>>> SECTIONS = sections();

    private ConfigKeys() {
    }

    /** The key with this dotted name, or {@code null}. */
    public static ConfigKey<?> byPath(String path) {
        for (ConfigKey<?> key : ALL) {
            if (key.path().equals(path)) {
                return key;
            }
        }
        return null;
    }

    private static Map<String, Map<String, ConfigKey<?>>> sections() {
        Map<String, Map<String, ConfigKey<?>>> out = new LinkedHashMap<>();
        for (ConfigKey<?> key : ALL) {
            out.computeIfAbsent(key.section(), s -> new LinkedHashMap<>()).put(key.name(), key);
        }
        out.replaceAll((s, keys) -> Collections.unmodifiableMap(keys));
        return Collections.unmodifiableMap(out);
    }
}
