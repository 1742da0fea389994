package dev.anneal.watcher.app.config;

import dev.anneal.watcher.app.config.ValueType.HostPort;
import dev.anneal.watcher.core.notify.NotifierSettings;
import dev.anneal.watcher.core.notify.ReceiverSpec;
import dev.anneal.watcher.core.stream.RunPolicy;
import dev.anneal.watcher.core.stream.StreamsConfigs;
import dev.anneal.watcher.core.stream.WatcherTopics;
import dev.anneal.watcher.core.stream.WatcherTopology;
import dev.anneal.watcher.rules.engine.RunLifecycle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The validated configuration of {@code watcher run}: an immutable tree with one record per
 * section of the YAML file. Built by {@link ConfigLoader} (which checks types, ranges and the
 * relations between keys); the constructors only check what must hold whatever the source. Each
 * key, its default and its documentation are in {@link ConfigKeys}.
 */
public record WatcherConfig(Kafka kafka, Embedded embedded, Topics topics, Streams streams, Rules rules, Http http,
        Log log, Notify notifier, Runs runs) {

    /** A configuration with the notifier off. */
    public WatcherConfig(Kafka kafka, Embedded embedded, Topics topics, Streams streams, Rules rules, Http http,
            Log log) {
        this(kafka, embedded, topics, streams, rules, http, log, Notify.disabled());
    }

    /** A configuration with the default run lifecycle. */
    public WatcherConfig(Kafka kafka, Embedded embedded, Topics topics, Streams streams, Rules rules, Http http,
            Log log, Notify notifier) {
        this(kafka, embedded, topics, streams, rules, http, log, notifier, Runs.DEFAULTS);
    }

    public WatcherConfig {
        Objects.requireNonNull(runs, "runs");
        Objects.requireNonNull(notifier, "notifier");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(embedded, "embedded");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(streams, "streams");
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(log, "log");
    }

    /** Whether the watcher starts its own in-process broker (no bootstrap servers configured). */
    public boolean embeddedMode() {
        return kafka.bootstrapServers().isEmpty();
    }

    /** A copy with other bootstrap servers (how the embedded broker's address reaches the clients). */
    public WatcherConfig withBootstrapServers(String servers) {
        return new WatcherConfig(new Kafka(Optional.of(servers), kafka.properties(), kafka.startupTimeout()),
                embedded, topics, streams, rules, http, log, notifier, runs);
    }

    /** A copy with other rules (for tests and reload). */
    public WatcherConfig withRules(Rules newRules) {
        return new WatcherConfig(kafka, embedded, topics, streams, newRules, http, log, notifier, runs);
    }

    /** A copy with other notifier settings (for tests). */
    public WatcherConfig withNotify(Notify newNotify) {
        return new WatcherConfig(kafka, embedded, topics, streams, rules, http, log, newNotify, runs);
    }

    /**
     * How to reach Kafka.
     *
     * @param bootstrapServers the cluster, or empty for the embedded broker
     * @param properties       client properties passed through to every client
     * @param startupTimeout   how long start-up waits for the brokers
     */
    public record Kafka(Optional<String> bootstrapServers, Map<String, String> properties, Duration startupTimeout) {
        public Kafka {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
            requirePositive(startupTimeout, "startupTimeout");
        }
    }

    /**
     * The in-process broker.
     *
     * @param port    client port on 127.0.0.1, 0 for any free one
     * @param dataDir its data directory
     */
    public record Embedded(int port, Path dataDir) {
        public Embedded {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 to 65535, was " + port);
            }
            Objects.requireNonNull(dataDir, "dataDir");
        }
    }

    /**
     * Topic names and how missing ones are created.
     *
     * @param input             input topics (empty exactly when {@code inputPattern} is present)
     * @param inputPattern      a regular expression over input topic names
     * @param alerts            alert transitions
     * @param recommendations   recommendation changes
     * @param dlq               rejected records
     * @param partitions        partitions of created topics, -1 for the broker default
     * @param replicationFactor replication factor of created topics, -1 for the broker default
     * @param syntheticAlerts          quarantine topic for synthetic alerts, if any
     * @param syntheticRecommendations quarantine topic for synthetic recommendations, if any
     * @param commands          operator commands
     * @param audit             the audit trail of operator commands
     */
    public record Topics(List<String> input, Optional<String> inputPattern, String alerts, String recommendations,
            String dlq, int partitions, int replicationFactor, Optional<String> syntheticAlerts,
            Optional<String> syntheticRecommendations, String commands, String audit) {

        /** Topics without quarantine for synthetic outputs. */
        public Topics(List<String> input, Optional<String> inputPattern, String alerts, String recommendations,
                String dlq, int partitions, int replicationFactor) {
            this(input, inputPattern, alerts, recommendations, dlq, partitions, replicationFactor, Optional.empty(),
                    Optional.empty());
        }

        /** Topics with the default commands and audit topics. */
        public Topics(List<String> input, Optional<String> inputPattern, String alerts, String recommendations,
                String dlq, int partitions, int replicationFactor, Optional<String> syntheticAlerts,
                Optional<String> syntheticRecommendations) {
            this(input, inputPattern, alerts, recommendations, dlq, partitions, replicationFactor, syntheticAlerts,
                    syntheticRecommendations, WatcherTopics.DEFAULT_COMMANDS, WatcherTopics.DEFAULT_AUDIT);
        }

        public Topics {
            input = List.copyOf(input);
            Objects.requireNonNull(inputPattern, "inputPattern");
            if (input.isEmpty() == inputPattern.isEmpty()) {
                throw new IllegalArgumentException("give either input topics or an input pattern");
            }
            Objects.requireNonNull(alerts, "alerts");
            Objects.requireNonNull(recommendations, "recommendations");
            Objects.requireNonNull(dlq, "dlq");
            Objects.requireNonNull(syntheticAlerts, "syntheticAlerts");
            Objects.requireNonNull(syntheticRecommendations, "syntheticRecommendations");
            Objects.requireNonNull(commands, "commands");
            Objects.requireNonNull(audit, "audit");
        }
    }

    /**
     * How long runs live ({@code runs.*}).
     *
     * @param endAfterIdle          end a run idle this long; zero never
     * @param retainEnded           delete an ended run this long after it ended
     * @param deleteRecommendations tombstone an expired run's recommendation too
     */
    public record Runs(Duration endAfterIdle, Duration retainEnded, boolean deleteRecommendations) {
        /** The defaults: 6h, 7d, keep recommendations. */
        public static final Runs DEFAULTS = new Runs(Duration.ofHours(6), Duration.ofDays(7), false);

        public Runs {
            if (endAfterIdle == null || endAfterIdle.isNegative() || retainEnded == null || retainEnded.isNegative()) {
                throw new IllegalArgumentException("run lifecycle durations must be >= 0, were " + endAfterIdle
                        + " and " + retainEnded);
            }
        }

        /** The daemon's run policy. */
        public RunPolicy policy() {
            return new RunPolicy(new RunLifecycle.Policy(endAfterIdle.toMillis(), retainEnded.toMillis()),
                    deleteRecommendations);
        }
    }

    /**
     * The Kafka Streams application.
     *
     * @param applicationId        {@code application.id}
     * @param stateDir             {@code state.dir}
     * @param processingGuarantee  {@code processing.guarantee}
     * @param commitIntervalMs     {@code commit.interval.ms}
     * @param absenceCheckInterval how often absence rules are checked
     * @param runStateCache        decoded run states kept in memory per stream task (0: none)
     * @param failover             standby replicas and task movement between instances
     */
    public record Streams(String applicationId, Path stateDir, ProcessingGuarantee processingGuarantee,
            int commitIntervalMs, Duration absenceCheckInterval, int runStateCache, Failover failover) {
        public Streams {
            Objects.requireNonNull(applicationId, "applicationId");
            Objects.requireNonNull(stateDir, "stateDir");
            Objects.requireNonNull(processingGuarantee, "processingGuarantee");
            if (commitIntervalMs < 1) {
                throw new IllegalArgumentException("commitIntervalMs must be positive, was " + commitIntervalMs);
            }
            requirePositive(absenceCheckInterval, "absenceCheckInterval");
            if (runStateCache < 0) {
                throw new IllegalArgumentException("runStateCache must be >= 0, was " + runStateCache);
            }
            Objects.requireNonNull(failover, "failover");
        }

        /** With the default failover settings. */
        public Streams(String applicationId, Path stateDir, ProcessingGuarantee processingGuarantee,
                int commitIntervalMs, Duration absenceCheckInterval, int runStateCache) {
            this(applicationId, stateDir, processingGuarantee, commitIntervalMs, absenceCheckInterval, runStateCache,
                    Failover.defaults());
        }

        /** With the default run state cache and failover settings. */
        public Streams(String applicationId, Path stateDir, ProcessingGuarantee processingGuarantee,
                int commitIntervalMs, Duration absenceCheckInterval) {
            this(applicationId, stateDir, processingGuarantee, commitIntervalMs, absenceCheckInterval,
                    WatcherTopology.DEFAULT_RUN_STATE_CACHE);
        }

        /**
         * How tasks move between instances ({@code streams.standby_replicas} and the keys after it):
         * Kafka Streams' {@code num.standby.replicas}, {@code acceptable.recovery.lag},
         * {@code max.warmup.replicas} and {@code probing.rebalance.interval.ms}.
         *
         * @param standbyReplicas          warm copies of each task's state on other instances
         * @param acceptableRecoveryLag    changelog records a copy may lag and still take a task at once
         * @param maxWarmupReplicas        tasks warmed up at once
         * @param probingRebalanceInterval how often warmed-up copies are checked
         */
        public record Failover(int standbyReplicas, int acceptableRecoveryLag, int maxWarmupReplicas,
                Duration probingRebalanceInterval) {
            public Failover {
                if (standbyReplicas < 0 || acceptableRecoveryLag < 0 || maxWarmupReplicas < 1) {
                    throw new IllegalArgumentException("standbyReplicas and acceptableRecoveryLag must be >= 0 and "
                            + "maxWarmupReplicas >= 1, were " + standbyReplicas + ", " + acceptableRecoveryLag + ", "
                            + maxWarmupReplicas);
                }
                requirePositive(probingRebalanceInterval, "probingRebalanceInterval");
            }

            /** Kafka Streams' settings as {@code StreamsConfigs} writes them. */
            public static Failover defaults() {
                return new Failover(StreamsConfigs.DEFAULT_STANDBY_REPLICAS,
                        (int) StreamsConfigs.DEFAULT_ACCEPTABLE_RECOVERY_LAG, StreamsConfigs.DEFAULT_MAX_WARMUP_REPLICAS,
                        Duration.ofMillis(StreamsConfigs.DEFAULT_PROBING_REBALANCE_INTERVAL_MS));
            }
        }
    }

    /**
     * The rules to run.
     *
     * @param packs  built-in pack names or rule file paths (relative ones already resolved)
     * @param params parameter overrides, name to value text ({@code none} disables)
     * @param reload whether rule files are watched and SIGHUP reloads them
     */
    public record Rules(List<String> packs, Map<String, String> params, boolean reload) {
        public Rules {
            packs = List.copyOf(packs);
            if (packs.isEmpty()) {
                throw new IllegalArgumentException("at least one rule pack is needed");
            }
            params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        }
    }

    /**
     * The HTTP server: where it listens, and its optional TLS and bearer-token authentication, as
     * written (each secret named by a variable or a file, never held here). Which combinations are
     * valid, and what they mean, is decided by {@code app.http.HttpSecurity}.
     *
     * @param address where to listen
     * @param tls     {@code http.tls.*}
     * @param auth    {@code http.auth.*}
     */
    public record Http(HostPort address, Tls tls, Auth auth) {
        public Http {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(tls, "tls");
            Objects.requireNonNull(auth, "auth");
        }

        /** Plain HTTP without authentication on {@code address}. */
        public Http(HostPort address) {
            this(address, Tls.NONE, Auth.NONE);
        }

        /**
         * {@code http.tls.*}: a PKCS12 keystore and where its password is read from.
         *
         * @param keystore     the keystore file
         * @param passwordEnv  the variable holding its password
         * @param passwordFile the file holding its password
         */
        public record Tls(Optional<Path> keystore, Optional<String> passwordEnv, Optional<Path> passwordFile) {
            /** No TLS. */
            public static final Tls NONE = new Tls(Optional.empty(), Optional.empty(), Optional.empty());

            public Tls {
                Objects.requireNonNull(keystore, "keystore");
                Objects.requireNonNull(passwordEnv, "passwordEnv");
                Objects.requireNonNull(passwordFile, "passwordFile");
            }
        }

        /**
         * {@code http.auth.*}: where the API's bearer token is read from, and whether {@code /metrics}
         * needs it.
         *
         * @param tokenEnv       the variable holding the token
         * @param tokenFile      the file holding the token
         * @param protectMetrics whether {@code /metrics} needs the token too
         */
        public record Auth(Optional<String> tokenEnv, Optional<Path> tokenFile, boolean protectMetrics) {
            /** No authentication. */
            public static final Auth NONE = new Auth(Optional.empty(), Optional.empty(), false);

            public Auth {
                Objects.requireNonNull(tokenEnv, "tokenEnv");
                Objects.requireNonNull(tokenFile, "tokenFile");
            }
        }
    }

    /** The log format. */
    public record Log(LogFormat format) {
        public Log {
            Objects.requireNonNull(format, "format");
        }
    }

    /**
     * The notifier ({@code notify.*}).
     *
     * @param enabled            whether {@code watcher run} runs it
     * @param receivers          where alerts go (at least one when enabled)
     * @param groupId            the consumer group prefix (one group per receiver)
     * @param undeliverableTopic where permanently refused alerts go
     * @param resendInterval     how often firing alerts are re-sent to Alertmanager
     * @param requestTimeout     how long one request may take
     * @param resilience         retry, breaker and rate limit settings
     */
    public record Notify(boolean enabled, List<ReceiverSpec> receivers, String groupId, String undeliverableTopic,
            Duration resendInterval, Duration requestTimeout, NotifierSettings.Resilience resilience) {
        public Notify {
            receivers = List.copyOf(receivers);
            if (enabled && receivers.isEmpty()) {
                throw new IllegalArgumentException("the notifier needs at least one receiver");
            }
            Objects.requireNonNull(groupId, "groupId");
            Objects.requireNonNull(undeliverableTopic, "undeliverableTopic");
            requirePositive(resendInterval, "resendInterval");
            requirePositive(requestTimeout, "requestTimeout");
            Objects.requireNonNull(resilience, "resilience");
        }

        /** The notifier off, every other setting at its default. */
        public static Notify disabled() {
            return new Notify(false, List.of(), NotifierSettings.DEFAULT_GROUP_ID_PREFIX,
                    NotifierSettings.DEFAULT_UNDELIVERABLE_TOPIC, Duration.ofMinutes(1), Duration.ofSeconds(10),
                    NotifierSettings.Resilience.defaults());
        }

        /** These settings with {@code enabled} set and these receivers. */
        public Notify with(boolean on, List<ReceiverSpec> to) {
            return new Notify(on, to, groupId, undeliverableTopic, resendInterval, requestTimeout, resilience);
        }

        /** The core notifier's settings, for these topics. */
        public NotifierSettings settings(String alertsTopic, String recommendationsTopic) {
            return new NotifierSettings(alertsTopic, recommendationsTopic, undeliverableTopic, groupId, receivers,
                    resendInterval, requestTimeout, resilience);
        }
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
    }
}
