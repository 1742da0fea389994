package dev.anneal.watcher.app.config;

import dev.anneal.watcher.app.config.ConfigSettings.Setting;
import dev.anneal.watcher.app.config.ValueType.HostPort;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The checks between keys, once the file, the environment and the flags are applied: inputs and
 * outputs, the notifier, the embedded broker's and the HTTP server's ports. A clash is reported
 * where the user set the value (not where a default applies), naming the other key's origin.
 */
final class ConfigRelations {

    /** Kafka properties the watcher sets from its own keys; setting them as properties is an error. */
    private static final Map<String, ConfigKey<?>> OWNED_PROPERTIES = Map.of(
            "bootstrap.servers", ConfigKeys.KAFKA_BOOTSTRAP_SERVERS,
            "application.id", ConfigKeys.STREAMS_APPLICATION_ID,
            "state.dir", ConfigKeys.STREAMS_STATE_DIR,
            "processing.guarantee", ConfigKeys.STREAMS_PROCESSING_GUARANTEE,
            "commit.interval.ms", ConfigKeys.STREAMS_COMMIT_INTERVAL_MS);

    /** Kafka Streams refuses a shorter {@code probing.rebalance.interval.ms}. */
    private static final Duration MIN_PROBING_REBALANCE_INTERVAL = Duration.ofMinutes(1);

    private final ConfigSettings settings;

    ConfigRelations(ConfigSettings settings) {
        this.settings = settings;
    }

    /** Reports every clash between keys. */
    void check() {
        Setting input = settings.get(ConfigKeys.TOPICS_INPUT);
        Setting pattern = settings.get(ConfigKeys.TOPICS_INPUT_PATTERN);
        boolean both = pattern.value() != null && !input.origin().isDefault();
        if (both) {
            problem(pattern.origin().where(), "topics.input_pattern: set either topics.input or topics.input_pattern, "
                    + "not both (topics.input is set by " + input.origin().where() + ")");
        }
        if (pattern.value() == null && list(input).isEmpty()) {
            problem(input.origin().where(), "topics.input: expected at least one topic (or set topics.input_pattern)");
        }
        Setting packs = settings.get(ConfigKeys.RULES_PACKS);
        if (list(packs).isEmpty()) {
            problem(packs.origin().where(), "rules.packs: expected at least one rule pack, such as "
                    + BuiltinPacks.DEFAULT);
        }
        List<String> inputs = new ArrayList<>();
        if (pattern.value() == null) {
            list(input).forEach(t -> inputs.add((String) t));
        }
        checkOutputTopics(inputs, both ? null : (String) pattern.value());
        Setting properties = settings.get(ConfigKeys.KAFKA_PROPERTIES);
        properties.entries().forEach((name, origin) -> {
            ConfigKey<?> owner = OWNED_PROPERTIES.get(name);
            if (owner != null) {
                problem(origin.where(), "kafka.properties." + name + ": the watcher sets " + name + " itself; use "
                        + owner.path() + " instead");
            }
        });
        checkNotify(inputs);
        Setting probing = settings.get(ConfigKeys.STREAMS_PROBING_REBALANCE_INTERVAL);
        if (((Duration) probing.value()).compareTo(MIN_PROBING_REBALANCE_INTERVAL) < 0) {
            problem(probing.origin().where(), "streams.probing_rebalance_interval: expected at least 1m (Kafka "
                    + "Streams' minimum), got " + ConfigKeys.STREAMS_PROBING_REBALANCE_INTERVAL.type().print(probing.value()));
        }
        Setting bootstrap = settings.get(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS);
        Setting embeddedPort = settings.get(ConfigKeys.EMBEDDED_PORT);
        Setting http = settings.get(ConfigKeys.HTTP_ADDRESS);
        int port = (Integer) embeddedPort.value();
        if (((String) bootstrap.value()).isEmpty() && port != 0 && ((HostPort) http.value()).port() == port) {
            if (http.origin().isDefault()) {
                problem(embeddedPort.origin().where(), "embedded.port: " + port + " is also the HTTP port "
                        + "(http.address " + http.value() + "); choose another");
            } else {
                problem(http.origin().where(), "http.address: port " + port + " is also the embedded broker's port "
                        + "(embedded.port); choose another");
            }
        }
    }

    /** The notifier: receivers when enabled, backoffs in order, an undeliverable topic of its own. */
    private void checkNotify(List<String> inputs) {
        Setting enabled = settings.get(ConfigKeys.NOTIFY_ENABLED);
        Setting receivers = settings.get(ConfigKeys.NOTIFY_RECEIVERS);
        if ((Boolean) enabled.value() && list(receivers).isEmpty()
                && !settings.isRefused(ConfigKeys.NOTIFY_RECEIVERS)) {
            problem(enabled.origin().where(), "notify.enabled: true needs at least one receiver in notify.receivers, "
                    + "such as " + ReceiverType.INSTANCE.example());
        }
        Setting initial = settings.get(ConfigKeys.NOTIFY_RETRY_INITIAL_BACKOFF);
        Setting max = settings.get(ConfigKeys.NOTIFY_RETRY_MAX_BACKOFF);
        if (((Duration) max.value()).compareTo((Duration) initial.value()) < 0) {
            Setting at = max.origin().isDefault() ? initial : max;
            problem(at.origin().where(), "notify.retry_max_backoff (" + ConfigKeys.NOTIFY_RETRY_MAX_BACKOFF.type()
                    .print(max.value()) + ") is shorter than notify.retry_initial_backoff ("
                    + ConfigKeys.NOTIFY_RETRY_INITIAL_BACKOFF.type().print(initial.value()) + ")");
        }
        Setting undeliverable = settings.get(ConfigKeys.NOTIFY_UNDELIVERABLE_TOPIC);
        String topic = (String) undeliverable.value();
        for (ConfigKey<String> key : List.of(ConfigKeys.TOPICS_ALERTS, ConfigKeys.TOPICS_RECOMMENDATIONS,
                ConfigKeys.TOPICS_DLQ)) {
            if (topic.equals(settings.get(key).value())) {
                problem(undeliverable.origin().where(), "notify.undeliverable_topic: '" + topic + "' is also "
                        + key.path() + "; the undeliverable alerts need their own topic");
            }
        }
        if (inputs.contains(topic)) {
            problem(undeliverable.origin().where(), "notify.undeliverable_topic: '" + topic + "' is also an input "
                    + "topic; the watcher would read its own output");
        }
    }

    /**
     * Outputs must differ from each other and must not be read back as input. A clash with a
     * default output name is reported where the input is set, since that is what the user wrote.
     */
    private void checkOutputTopics(List<String> inputs, String inputPattern) {
        Map<String, ConfigKey<String>> seen = new LinkedHashMap<>();
        Pattern regex = inputPattern == null ? null : Pattern.compile(inputPattern);
        for (ConfigKey<String> key : List.of(ConfigKeys.TOPICS_ALERTS, ConfigKeys.TOPICS_RECOMMENDATIONS,
                ConfigKeys.TOPICS_DLQ, ConfigKeys.TOPICS_SYNTHETIC_ALERTS, ConfigKeys.TOPICS_SYNTHETIC_RECOMMENDATIONS)) {
            Setting s = settings.get(key);
            String topic = (String) s.value();
            if (topic == null || (topic.equals(ConfigKeys.QUARANTINE_OFF)
                    && (key == ConfigKeys.TOPICS_SYNTHETIC_ALERTS || key == ConfigKeys.TOPICS_SYNTHETIC_RECOMMENDATIONS))) {
                continue; // quarantine turned off
            }
            boolean byDefault = s.origin().isDefault();
            ConfigKey<String> other = seen.putIfAbsent(topic, key);
            if (other != null) {
                problem(s.origin().where(), key.path() + ": '" + topic + "' is also " + other.path()
                        + "; every output needs its own topic");
            } else if (inputs.contains(topic)) {
                if (byDefault) {
                    problem(settings.get(ConfigKeys.TOPICS_INPUT).origin().where(), "topics.input: '" + topic
                            + "' is the default " + key.path() + " topic; the watcher would read its own output");
                } else {
                    problem(s.origin().where(), key.path() + ": '" + topic + "' is also an input topic; the "
                            + "watcher would read its own output");
                }
            } else if (regex != null && regex.matcher(topic).matches()) {
                if (byDefault) {
                    problem(settings.get(ConfigKeys.TOPICS_INPUT_PATTERN).origin().where(), "topics.input_pattern: "
                            + "matches '" + topic + "', the default " + key.path() + " topic; the watcher would read "
                            + "its own output (narrow the pattern or set " + key.path() + ")");
                } else {
                    problem(s.origin().where(), key.path() + ": '" + topic + "' matches topics.input_pattern; "
                            + "the watcher would read its own output");
                }
            }
        }
    }

    private void problem(String where, String message) {
        settings.problem(where, message);
    }

    private static List<?> list(Setting s) {
        return (List<?>) s.value();
    }
}
