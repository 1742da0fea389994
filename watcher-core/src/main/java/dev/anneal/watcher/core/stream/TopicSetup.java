package dev.anneal.watcher.core.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the daemon's topics that do not exist yet: the listed input topics (a pattern names no
 * topic to create), alerts, recommendations (with {@code cleanup.policy=compact}, so it always
 * holds each run's latest recommendation), the dead-letter topic, the operator commands topic
 * (with as many partitions as the first input topic: commands are co-partitioned with telemetry,
 * so a run's commands reach the task that holds the run) and the audit topic (append-only, kept
 * {@link #AUDIT_RETENTION}). Existing topics are left as they are; an existing recommendations
 * topic that is not compacted, and a commands topic whose partitions differ from the input's, are
 * reported, not changed. The state changelog topics are Kafka Streams' own business.
 */
public final class TopicSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    /** How long the audit topic keeps records: a year, the usual span of an incident review. */
    public static final Duration AUDIT_RETENTION = Duration.ofDays(365);

    /**
     * Partitions and replication of created topics.
     *
     * @param partitions        partitions of each created topic, or -1 for the broker default
     * @param replicationFactor replication of each created topic, or -1 for the broker default
     */
    public record Settings(int partitions, short replicationFactor) {
        public Settings {
            if (partitions == 0 || partitions < -1) {
                throw new IllegalArgumentException("partitions must be positive or -1 (broker default), was "
                        + partitions);
            }
            if (replicationFactor == 0 || replicationFactor < -1) {
                throw new IllegalArgumentException("replication factor must be positive or -1 (broker default), was "
                        + replicationFactor);
            }
        }

        /** The broker's defaults for both. */
        public static Settings brokerDefaults() {
            return new Settings(-1, (short) -1);
        }
    }

    /**
     * What {@link #createMissing} found and did.
     *
     * @param created  topics created, in order
     * @param existing topics that already existed
     * @param problems existing topics whose configuration defeats the daemon's guarantees (a
     *                 recommendations topic that is not compacted), each as a sentence
     */
    public record Outcome(List<String> created, List<String> existing, List<String> problems) {
        public Outcome {
            created = List.copyOf(created);
            existing = List.copyOf(existing);
            problems = List.copyOf(problems);
        }
    }

    private TopicSetup() {
    }

    /**
     * Creates the missing topics. Another daemon creating the same topic at the same time is not
     * an error.
     *
     * @throws ExecutionException   when the broker refuses a request (authorisation, bad settings)
     * @throws TimeoutException     when the broker does not answer within {@code timeout}
     * @throws InterruptedException when interrupted while waiting
     */
    public static Outcome createMissing(Admin admin, WatcherTopics topics, Settings settings, Duration timeout)
            throws ExecutionException, TimeoutException, InterruptedException {
        Map<String, Map<String, String>> wanted = new LinkedHashMap<>();
        for (String input : topics.inputTopics()) {
            wanted.put(input, Map.of());
        }
        wanted.put(topics.alerts(), Map.of());
        wanted.put(topics.recommendations(), Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_COMPACT));
        wanted.put(topics.dlq(), Map.of());
        if (topics.syntheticAlerts() != null) {
            wanted.put(topics.syntheticAlerts(), Map.of());
        }
        if (topics.syntheticRecommendations() != null) {
            wanted.put(topics.syntheticRecommendations(), Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_COMPACT));
        }
        wanted.put(topics.audit(), Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(AUDIT_RETENTION.toMillis())));
        wanted.put(topics.commands(), Map.of());

        Set<String> present = get(admin.listTopics().names(), timeout);
        List<String> created = new ArrayList<>();
        List<String> existing = new ArrayList<>();
        List<NewTopic> toCreate = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> topic : wanted.entrySet()) {
            String name = topic.getKey();
            if (present.contains(name)) {
                existing.add(name);
            } else if (name.equals(topics.commands())) {
                // Created after the inputs, once their partition count is known.
                continue;
            } else {
                toCreate.add(new NewTopic(name, optional(settings.partitions()), optionalShort(settings.replicationFactor()))
                        .configs(topic.getValue()));
            }
        }
        create(admin, toCreate, created, existing, timeout);
        List<String> problems = new ArrayList<>();
        OptionalInt inputPartitions = partitionsOf(admin, topics.inputTopics().isEmpty() ? null
                : topics.inputTopics().get(0), timeout);
        if (!present.contains(topics.commands())) {
            Optional<Integer> partitions = inputPartitions.isPresent() ? Optional.of(inputPartitions.getAsInt())
                    : optional(settings.partitions());
            create(admin, List.of(new NewTopic(topics.commands(), partitions, optionalShort(settings.replicationFactor()))),
                    created, existing, timeout);
        } else {
            OptionalInt commandPartitions = partitionsOf(admin, topics.commands(), timeout);
            if (inputPartitions.isPresent() && commandPartitions.isPresent()
                    && inputPartitions.getAsInt() != commandPartitions.getAsInt()) {
                String problem = "topic " + topics.commands() + " has " + commandPartitions.getAsInt()
                        + " partitions and " + topics.inputTopics().get(0) + " " + inputPartitions.getAsInt()
                        + "; they must be equal, or a run's commands reach a task that does not hold the run";
                problems.add(problem);
                LOG.warn(problem);
            }
        }
        if (existing.contains(topics.recommendations())) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topics.recommendations());
            Config config = get(admin.describeConfigs(List.of(resource)).values().get(resource), timeout);
            ConfigEntry policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
            if (policy == null || policy.value() == null || !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                String problem = "topic " + topics.recommendations() + " has cleanup.policy="
                        + (policy == null ? "(unknown)" : policy.value()) + "; it should be compact so that it keeps"
                        + " each run's latest recommendation";
                problems.add(problem);
                LOG.warn(problem);
            }
        }
        return new Outcome(created, existing, problems);
    }

    private static void create(Admin admin, List<NewTopic> toCreate, List<String> created, List<String> existing,
            Duration timeout) throws ExecutionException, TimeoutException, InterruptedException {
        if (toCreate.isEmpty()) {
            return;
        }
        Map<String, KafkaFuture<Void>> results = admin.createTopics(toCreate).values();
        for (NewTopic topic : toCreate) {
            try {
                get(results.get(topic.name()), timeout);
                created.add(topic.name());
                LOG.info("created topic {} ({})", topic.name(), topic.configs() == null || topic.configs().isEmpty()
                        ? "defaults" : topic.configs());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                existing.add(topic.name());
            }
        }
    }

    /** A topic's partition count, or empty for no topic (a pattern input) or one that does not exist. */
    private static OptionalInt partitionsOf(Admin admin, String topic, Duration timeout)
            throws ExecutionException, TimeoutException, InterruptedException {
        if (topic == null) {
            return OptionalInt.empty();
        }
        try {
            TopicDescription d = get(admin.describeTopics(List.of(topic)).topicNameValues().get(topic), timeout);
            return OptionalInt.of(d.partitions().size());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return OptionalInt.empty();
            }
            throw e;
        }
    }

    private static <T> T get(KafkaFuture<T> future, Duration timeout)
            throws ExecutionException, TimeoutException, InterruptedException {
        return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Optional<Integer> optional(int value) {
        return value < 0 ? Optional.empty() : Optional.of(value);
    }

    private static Optional<Short> optionalShort(short value) {
        return value < 0 ? Optional.empty() : Optional.of(value);
    }
}
