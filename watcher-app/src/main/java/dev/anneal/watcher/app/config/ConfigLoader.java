package dev.anneal.watcher.app.config;

import dev.anneal.watcher.core.notify.NotifierSettings;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads the {@code watcher run} configuration: the YAML file ({@link ConfigFileReader}), then the
 * environment variables, then the command-line flags ({@link ConfigOverrides}, highest
 * precedence), each checked strictly against {@link ConfigKeys}, then the relations between keys
 * ({@link ConfigRelations}). Unknown keys, wrong types, bad durations and contradicting keys are
 * all reported together as one {@link ConfigException}, each problem naming its file and line (or
 * variable, or flag) and what to write instead. {@code watcher config check} runs this same loader.
 *
 * <p>Paths in the file are resolved against the file's directory; paths from the environment,
 * flags and defaults stay relative to the working directory.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /**
     * Loads the configuration.
     *
     * @param file  the YAML file ({@code --config}), or {@code null} for none
     * @param env   the environment ({@code System.getenv()}); only {@code WATCHER_*} variables are read
     * @param flags flag values by key, as typed (each occurrence one string)
     * @throws ConfigException listing every problem
     */
    public static WatcherConfig load(Path file, Map<String, String> env, Map<ConfigKey<?>, List<String>> flags)
            throws ConfigException {
        if (file == null) {
            return parse(null, null, null, env, flags);
        }
        String source = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(List.of(source + ": no such file"));
        } catch (CharacterCodingException e) {
            throw new ConfigException(List.of(source + ":1: not UTF-8 text; save the file as UTF-8"));
        } catch (IOException e) {
            throw new ConfigException(List.of(source + ": cannot read: " + e.getMessage()));
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(source, text, dir, env, flags);
    }

    /**
     * Loads the configuration from text (what {@link #load} does after reading the file).
     *
     * @param source  the file name used in messages, or {@code null} when there is no file
     * @param text    the YAML text, or {@code null} when there is no file
     * @param baseDir what relative paths in the text are resolved against
     */
    public static WatcherConfig parse(String source, String text, Path baseDir, Map<String, String> env,
            Map<ConfigKey<?>, List<String>> flags) throws ConfigException {
        ConfigSettings settings = new ConfigSettings();
        if (text != null) {
            new ConfigFileReader(settings, baseDir).read(source, text);
        }
        ConfigOverrides overrides = new ConfigOverrides(settings);
        overrides.readEnv(env);
        overrides.readFlags(flags);
        new ConfigRelations(settings).check();
        if (!settings.problems().isEmpty()) {
            throw new ConfigException(settings.problems().inOrder());
        }
        return build(settings);
    }

    /** The configuration with every key at its default. */
    public static WatcherConfig defaults() {
        try {
            return parse(null, null, null, Map.of(), Map.of());
        } catch (ConfigException e) {
            throw new IllegalStateException("the defaults are invalid: " + e.getMessage(), e);
        }
    }

    private static WatcherConfig build(ConfigSettings s) {
        String bootstrap = s.value(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS);
        String pattern = s.value(ConfigKeys.TOPICS_INPUT_PATTERN);
        return new WatcherConfig(
                new WatcherConfig.Kafka(bootstrap.isEmpty() ? Optional.empty() : Optional.of(bootstrap),
                        s.value(ConfigKeys.KAFKA_PROPERTIES), s.value(ConfigKeys.KAFKA_STARTUP_TIMEOUT)),
                new WatcherConfig.Embedded(s.value(ConfigKeys.EMBEDDED_PORT), s.value(ConfigKeys.EMBEDDED_DATA_DIR)),
                new WatcherConfig.Topics(pattern == null ? s.value(ConfigKeys.TOPICS_INPUT) : List.of(),
                        Optional.ofNullable(pattern), s.value(ConfigKeys.TOPICS_ALERTS),
                        s.value(ConfigKeys.TOPICS_RECOMMENDATIONS), s.value(ConfigKeys.TOPICS_DLQ),
                        s.value(ConfigKeys.TOPICS_PARTITIONS), s.value(ConfigKeys.TOPICS_REPLICATION_FACTOR),
                        quarantine(s.value(ConfigKeys.TOPICS_SYNTHETIC_ALERTS)),
                        quarantine(s.value(ConfigKeys.TOPICS_SYNTHETIC_RECOMMENDATIONS)),
                        s.value(ConfigKeys.TOPICS_COMMANDS), s.value(ConfigKeys.TOPICS_AUDIT)),
                new WatcherConfig.Streams(s.value(ConfigKeys.STREAMS_APPLICATION_ID),
                        s.value(ConfigKeys.STREAMS_STATE_DIR), s.value(ConfigKeys.STREAMS_PROCESSING_GUARANTEE),
                        s.value(ConfigKeys.STREAMS_COMMIT_INTERVAL_MS),
                        s.value(ConfigKeys.STREAMS_ABSENCE_CHECK_INTERVAL),
                        s.value(ConfigKeys.STREAMS_RUN_STATE_CACHE),
                        new WatcherConfig.Streams.Failover(s.value(ConfigKeys.STREAMS_STANDBY_REPLICAS),
                                s.value(ConfigKeys.STREAMS_ACCEPTABLE_RECOVERY_LAG),
                                s.value(ConfigKeys.STREAMS_MAX_WARMUP_REPLICAS),
                                s.value(ConfigKeys.STREAMS_PROBING_REBALANCE_INTERVAL))),
                new WatcherConfig.Rules(s.value(ConfigKeys.RULES_PACKS), s.value(ConfigKeys.RULES_PARAMS),
                        s.value(ConfigKeys.RULES_RELOAD)),
                new WatcherConfig.Http(s.value(ConfigKeys.HTTP_ADDRESS), new WatcherConfig.Http.Tls(
                        Optional.ofNullable(s.value(ConfigKeys.HTTP_TLS_KEYSTORE)),
                        Optional.ofNullable(s.value(ConfigKeys.HTTP_TLS_KEYSTORE_PASSWORD_ENV)),
                        Optional.ofNullable(s.value(ConfigKeys.HTTP_TLS_KEYSTORE_PASSWORD_FILE))),
                        new WatcherConfig.Http.Auth(Optional.ofNullable(s.value(ConfigKeys.HTTP_AUTH_TOKEN_ENV)),
                                Optional.ofNullable(s.value(ConfigKeys.HTTP_AUTH_TOKEN_FILE)),
                                s.value(ConfigKeys.HTTP_AUTH_PROTECT_METRICS))),
                new WatcherConfig.Log(s.value(ConfigKeys.LOG_FORMAT)),
                new WatcherConfig.Notify(s.value(ConfigKeys.NOTIFY_ENABLED), s.value(ConfigKeys.NOTIFY_RECEIVERS),
                        s.value(ConfigKeys.NOTIFY_GROUP_ID), s.value(ConfigKeys.NOTIFY_UNDELIVERABLE_TOPIC),
                        s.value(ConfigKeys.NOTIFY_RESEND_INTERVAL), s.value(ConfigKeys.NOTIFY_REQUEST_TIMEOUT),
                        new NotifierSettings.Resilience(s.value(ConfigKeys.NOTIFY_RETRY_ATTEMPTS),
                                s.value(ConfigKeys.NOTIFY_RETRY_INITIAL_BACKOFF),
                                s.value(ConfigKeys.NOTIFY_RETRY_MAX_BACKOFF),
                                s.value(ConfigKeys.NOTIFY_BREAKER_FAILURE_RATE),
                                s.value(ConfigKeys.NOTIFY_BREAKER_WINDOW),
                                s.value(ConfigKeys.NOTIFY_BREAKER_OPEN_DURATION),
                                s.value(ConfigKeys.NOTIFY_RATE_LIMIT))),
                new WatcherConfig.Runs(s.value(ConfigKeys.RUNS_END_AFTER_IDLE), s.value(ConfigKeys.RUNS_RETAIN_ENDED),
                        s.value(ConfigKeys.RUNS_DELETE_RECOMMENDATIONS)));
    }

    /** A quarantine topic, or none when it is {@value ConfigKeys#QUARANTINE_OFF}. */
    private static Optional<String> quarantine(String topic) {
        return topic == null || topic.equals(ConfigKeys.QUARANTINE_OFF) ? Optional.empty() : Optional.of(topic);
    }
}
