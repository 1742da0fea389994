package dev.anneal.watcher.app.config;

import dev.anneal.watcher.app.config.ValueType.HostPort;
import dev.anneal.watcher.core.notify.NotifierSettings;
import dev.anneal.watcher.core.notify.ReceiverSpec;
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

    /**
     * The value of {@code topics.synthetic_alerts} / {@code topics.synthetic_recommendations} that
     * turns quarantine off: synthetic outputs then go to the real topics, marked.
     */
    public static final String QUARANTINE_OFF = "none";

    /** The default quarantine topic of synthetic alerts. */
    public static final String DEFAULT_SYNTHETIC_ALERTS = "anneal.alerts.synthetic";

    /** The default quarantine topic of synthetic recommendations. */
    public static final String DEFAULT_SYNTHETIC_RECOMMENDATIONS = "anneal.recommendations.synthetic";

    public static final ConfigKey<String> TOPICS_SYNTHETIC_ALERTS = ConfigKey.scalar("topics", "synthetic_alerts",
            ValueType.TOPIC_NAME, DEFAULT_SYNTHETIC_ALERTS, "--synthetic-alerts-topic",
            "Quarantine for alerts derived from synthetic records (QA drills, 'watcher inject'): they go here "
                    + "instead of topics.alerts, so a drill never pages the real rotation (the notifier reads "
                    + "it only for receivers with include_synthetic: true). 'none' turns quarantine off: they go "
                    + "to topics.alerts, marked \"synthetic\": true and with a watcher.synthetic header, and "
                    + "receivers still skip them unless include_synthetic.");

    public static final ConfigKey<String> TOPICS_SYNTHETIC_RECOMMENDATIONS = ConfigKey.scalar("topics",
            "synthetic_recommendations", ValueType.TOPIC_NAME, DEFAULT_SYNTHETIC_RECOMMENDATIONS,
            "--synthetic-recommendations-topic",
            "Quarantine for recommendations derived from synthetic records: they go here (created compacted) "
                    + "instead of topics.recommendations. 'none' turns quarantine off: they go to "
                    + "topics.recommendations, marked.");

    public static final ConfigKey<String> TOPICS_COMMANDS = ConfigKey.scalar("topics", "commands",
            ValueType.TOPIC_NAME, WatcherTopics.DEFAULT_COMMANDS, "--commands-topic",
            "Operator commands (clear, ack, silence, unsilence, end: JSON, keyed by run id) that the daemon applies in "
                    + "order with each run's records; created with as many partitions as the telemetry topic.");

    public static final ConfigKey<String> TOPICS_AUDIT = ConfigKey.scalar("topics", "audit",
            ValueType.TOPIC_NAME, WatcherTopics.DEFAULT_AUDIT, "--audit-topic",
            "Where the outcome of every operator command (applied, refused, duplicate) is published: JSON, keyed by "
                    + "run id; append-only, created with a one-year retention.");

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

    public static final ConfigKey<Integer> STREAMS_STANDBY_REPLICAS = ConfigKey.scalar("streams", "standby_replicas",
            ValueType.integer(0, 10), StreamsConfigs.DEFAULT_STANDBY_REPLICAS, "--standby-replicas",
            "Kafka Streams num.standby.replicas: warm copies of each task's run state kept on other instances. "
                    + "When an instance dies, an instance with a copy takes its tasks over at once instead of "
                    + "restoring them from the changelog first. 1 (the default) for production; it does nothing "
                    + "with one instance.");

    public static final ConfigKey<Integer> STREAMS_ACCEPTABLE_RECOVERY_LAG = ConfigKey.scalar("streams",
            "acceptable_recovery_lag", ValueType.integer(0, Integer.MAX_VALUE),
            (int) StreamsConfigs.DEFAULT_ACCEPTABLE_RECOVERY_LAG, "--acceptable-recovery-lag",
            "Kafka Streams acceptable.recovery.lag: an instance whose copy of a task's state is at most this many "
                    + "changelog records behind may take the task at once; one further behind warms it up first.");

    public static final ConfigKey<Integer> STREAMS_MAX_WARMUP_REPLICAS = ConfigKey.scalar("streams",
            "max_warmup_replicas", ValueType.integer(1, 1000), StreamsConfigs.DEFAULT_MAX_WARMUP_REPLICAS,
            "--max-warmup-replicas",
            "Kafka Streams max.warmup.replicas: how many tasks are warmed up at once on new or lagging instances.");

    public static final ConfigKey<Duration> STREAMS_PROBING_REBALANCE_INTERVAL = ConfigKey.scalar("streams",
            "probing_rebalance_interval", ValueType.DURATION,
            Duration.ofMillis(StreamsConfigs.DEFAULT_PROBING_REBALANCE_INTERVAL_MS), "--probing-rebalance-interval",
            "Kafka Streams probing.rebalance.interval.ms: how often warmed-up copies are checked and given their "
                    + "tasks (at least 1m).");

    // ---- runs: how long runs live ------------------------------------------------------------------------------

    public static final ConfigKey<Duration> RUNS_END_AFTER_IDLE = ConfigKey.scalar("runs", "end_after_idle",
            ValueType.DURATION_OR_ZERO, Duration.ofHours(6), "--end-after-idle",
            "End a run that accepted no record for this long (wall clock): its open alerts resolve, its final "
                    + "recommendation stays. 0: runs end only by a terminal record or an operator's 'watcher end'.");

    public static final ConfigKey<Duration> RUNS_RETAIN_ENDED = ConfigKey.scalar("runs", "retain_ended",
            ValueType.DURATION_OR_ZERO, Duration.ofDays(7), "--retain-ended",
            "Keep an ended run's state readable (/api/runs) this long, then delete it from the run-state store and "
                    + "its changelog. 0: delete it at the next absence check.");

    public static final ConfigKey<Boolean> RUNS_DELETE_RECOMMENDATIONS = ConfigKey.scalar("runs",
            "delete_recommendations", ValueType.BOOLEAN, false, "--delete-recommendations",
            "When a run expires, also remove its recommendation from topics.recommendations (a tombstone: key run "
                    + "id, null value); readers of that topic must expect tombstones.");

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
            "Where /metrics, /healthz, /readyz and /api/runs are served (port 0 picks a free port). Beyond "
                    + "loopback, also set http.tls.keystore and http.auth.token_env or http.auth.token_file: "
                    + "start-up warns without them.");

    public static final ConfigKey<Path> HTTP_TLS_KEYSTORE = ConfigKey.scalar("http", "tls.keystore",
            ValueType.FILE, null, "--http-tls-keystore",
            "A PKCS12 keystore (certificate chain and private key): serve HTTPS instead of HTTP. Its password "
                    + "comes from http.tls.keystore_password_env or http.tls.keystore_password_file.");

    public static final ConfigKey<String> HTTP_TLS_KEYSTORE_PASSWORD_ENV = ConfigKey.scalar("http",
            "tls.keystore_password_env", ValueType.ENV_VAR_NAME, null, "--http-tls-keystore-password-env",
            "The environment variable holding the keystore's password (never the password itself).");

    public static final ConfigKey<Path> HTTP_TLS_KEYSTORE_PASSWORD_FILE = ConfigKey.scalar("http",
            "tls.keystore_password_file", ValueType.FILE, null, "--http-tls-keystore-password-file",
            "A file holding the keystore's password (one trailing line end is ignored).");

    public static final ConfigKey<String> HTTP_AUTH_TOKEN_ENV = ConfigKey.scalar("http", "auth.token_env",
            ValueType.ENV_VAR_NAME, null, "--http-auth-token-env",
            "The environment variable holding the API's bearer token: /api/* then needs 'Authorization: Bearer "
                    + "<token>' (401 without, 403 with a wrong one), and write endpoints are enabled. Unset (and "
                    + "no token file): the API is open and write endpoints are refused.");

    public static final ConfigKey<Path> HTTP_AUTH_TOKEN_FILE = ConfigKey.scalar("http", "auth.token_file",
            ValueType.FILE, null, "--http-auth-token-file",
            "A file holding the API's bearer token (one trailing line end is ignored); instead of auth.token_env.");

    public static final ConfigKey<Boolean> HTTP_AUTH_PROTECT_METRICS = ConfigKey.scalar("http",
            "auth.protect_metrics", ValueType.BOOLEAN, false, "--http-protect-metrics",
            "Require the bearer token for /metrics too. /healthz and /readyz always stay open for probes.");

    // ---- log ------------------------------------------------------------------------------------------------------

    public static final ConfigKey<LogFormat> LOG_FORMAT = ConfigKey.scalar("log", "format",
            ValueType.oneOf(LogFormat.class), LogFormat.TEXT, "--log-format",
            "text: readable console lines; json: one JSON object per line (Logback's JsonEncoder).");

    // ---- notify: delivering alerts to Alertmanager and webhooks ---------------------------------------------

    public static final ConfigKey<Boolean> NOTIFY_ENABLED = ConfigKey.scalar("notify", "enabled",
            ValueType.BOOLEAN, false, "--notify",
            "Run the notifier inside 'watcher run': deliver every alert transition on topics.alerts to "
                    + "notify.receivers. 'watcher notify' runs it alone, whatever this says.");

    public static final ConfigKey<List<ReceiverSpec>> NOTIFY_RECEIVERS = ConfigKey.objects("notify", "receivers",
            ReceiverType.INSTANCE, "--notify-receiver",
            "Where alerts go: a list of {name, type: alertmanager|webhook, url, headers, bearer_token_env or "
                    + "bearer_token_file, hmac_secret_env or hmac_secret_file (webhook)}. Secrets are read from the "
                    + "named variable or file, never written here. Each receiver has its own consumer group.");

    public static final ConfigKey<String> NOTIFY_GROUP_ID = ConfigKey.scalar("notify", "group_id",
            ValueType.TOPIC_NAME.labelled("ID"), NotifierSettings.DEFAULT_GROUP_ID_PREFIX, "--notify-group-id",
            "Consumer group prefix: receiver NAME consumes in group <group_id>.NAME, so each receiver keeps its "
                    + "own progress and an outage of one never re-sends to another.");

    public static final ConfigKey<String> NOTIFY_UNDELIVERABLE_TOPIC = ConfigKey.scalar("notify",
            "undeliverable_topic", ValueType.TOPIC_NAME, NotifierSettings.DEFAULT_UNDELIVERABLE_TOPIC,
            "--undeliverable-topic",
            "Where alerts a receiver refuses for good (HTTP 4xx other than 429, unreadable alerts) go, unchanged, "
                    + "with watcher.reason and watcher.receiver headers; created when missing.");

    public static final ConfigKey<Duration> NOTIFY_RESEND_INTERVAL = ConfigKey.scalar("notify", "resend_interval",
            ValueType.DURATION, Duration.ofMinutes(1), "--resend-interval",
            "How often firing alerts are sent to Alertmanager again; keep it well below Alertmanager's "
                    + "resolve_timeout (5m by default), which resolves alerts not re-sent in time.");

    public static final ConfigKey<Duration> NOTIFY_REQUEST_TIMEOUT = ConfigKey.scalar("notify", "request_timeout",
            ValueType.DURATION, Duration.ofSeconds(10), "--notify-request-timeout",
            "How long one HTTP request to a receiver may take before it counts as a transient failure.");

    public static final ConfigKey<Integer> NOTIFY_RETRY_ATTEMPTS = ConfigKey.scalar("notify", "retry_attempts",
            ValueType.integer(1, 100), 5, "--retry-attempts",
            "Attempts per delivery round (1: no retry) on transient failures (connection errors, timeouts, 5xx, "
                    + "429). After a failed round the alert waits breaker_open_duration and is tried again, "
                    + "for as long as it takes: it is never dropped.");

    public static final ConfigKey<Duration> NOTIFY_RETRY_INITIAL_BACKOFF = ConfigKey.scalar("notify",
            "retry_initial_backoff", ValueType.DURATION, Duration.ofMillis(500), "--retry-initial-backoff",
            "Wait before the first retry; doubled at each retry with +-50% jitter.");

    public static final ConfigKey<Duration> NOTIFY_RETRY_MAX_BACKOFF = ConfigKey.scalar("notify",
            "retry_max_backoff", ValueType.DURATION, Duration.ofSeconds(30), "--retry-max-backoff",
            "The longest wait between two retries.");

    public static final ConfigKey<Integer> NOTIFY_BREAKER_FAILURE_RATE = ConfigKey.scalar("notify",
            "breaker_failure_rate", ValueType.integer(1, 100), 50, "--breaker-failure-rate",
            "Percentage of transient failures over the last breaker_window calls that opens a receiver's circuit "
                    + "breaker (calls are then refused at once until breaker_open_duration has passed).");

    public static final ConfigKey<Integer> NOTIFY_BREAKER_WINDOW = ConfigKey.scalar("notify", "breaker_window",
            ValueType.integer(1, 1000), 10, "--breaker-window",
            "How many recent calls the circuit breaker judges (and needs before it can open).");

    public static final ConfigKey<Duration> NOTIFY_BREAKER_OPEN_DURATION = ConfigKey.scalar("notify",
            "breaker_open_duration", ValueType.DURATION, Duration.ofSeconds(30), "--breaker-open-duration",
            "How long an open breaker refuses calls before a trial call; also the wait between two delivery "
                    + "rounds of an alert.");

    public static final ConfigKey<Integer> NOTIFY_RATE_LIMIT = ConfigKey.scalar("notify", "rate_limit",
            ValueType.integer(1, 10_000), 10, "--notify-rate-limit",
            "At most this many requests per second to each receiver.");

    /** Every key, in documentation order. */
    public static final List<ConfigKey<?>> ALL = List.of(
            KAFKA_BOOTSTRAP_SERVERS, KAFKA_PROPERTIES, KAFKA_STARTUP_TIMEOUT,
            EMBEDDED_PORT, EMBEDDED_DATA_DIR,
            TOPICS_INPUT, TOPICS_INPUT_PATTERN, TOPICS_ALERTS, TOPICS_RECOMMENDATIONS, TOPICS_DLQ,
            TOPICS_SYNTHETIC_ALERTS, TOPICS_SYNTHETIC_RECOMMENDATIONS, TOPICS_COMMANDS, TOPICS_AUDIT,
            TOPICS_PARTITIONS, TOPICS_REPLICATION_FACTOR,
            STREAMS_APPLICATION_ID, STREAMS_STATE_DIR, STREAMS_PROCESSING_GUARANTEE, STREAMS_COMMIT_INTERVAL_MS,
            STREAMS_ABSENCE_CHECK_INTERVAL, STREAMS_RUN_STATE_CACHE,
            STREAMS_STANDBY_REPLICAS, STREAMS_ACCEPTABLE_RECOVERY_LAG, STREAMS_MAX_WARMUP_REPLICAS,
            STREAMS_PROBING_REBALANCE_INTERVAL,
            RUNS_END_AFTER_IDLE, RUNS_RETAIN_ENDED, RUNS_DELETE_RECOMMENDATIONS,
            RULES_PACKS, RULES_PARAMS, RULES_RELOAD,
            HTTP_ADDRESS, HTTP_TLS_KEYSTORE, HTTP_TLS_KEYSTORE_PASSWORD_ENV, HTTP_TLS_KEYSTORE_PASSWORD_FILE,
            HTTP_AUTH_TOKEN_ENV, HTTP_AUTH_TOKEN_FILE, HTTP_AUTH_PROTECT_METRICS,
            LOG_FORMAT,
            NOTIFY_ENABLED, NOTIFY_RECEIVERS, NOTIFY_GROUP_ID, NOTIFY_UNDELIVERABLE_TOPIC, NOTIFY_RESEND_INTERVAL,
            NOTIFY_REQUEST_TIMEOUT, NOTIFY_RETRY_ATTEMPTS, NOTIFY_RETRY_INITIAL_BACKOFF, NOTIFY_RETRY_MAX_BACKOFF,
            NOTIFY_BREAKER_FAILURE_RATE, NOTIFY_BREAKER_WINDOW, NOTIFY_BREAKER_OPEN_DURATION, NOTIFY_RATE_LIMIT);

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
