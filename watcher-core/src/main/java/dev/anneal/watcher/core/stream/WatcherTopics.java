package dev.anneal.watcher.core.stream;

import dev.anneal.watcher.rules.model.ErrorClass;
import dev.anneal.watcher.rules.model.RejectionCategory;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Kafka topics the daemon reads and writes. Topic names and the dead-letter headers are public
 * API: they are defined here and nowhere else, and are never renamed casually.
 *
 * <p>Input is either a list of topics or a pattern (exactly one of them), plus {@link #commands()},
 * the operator commands ({@code CommandJson}, keyed by run id, or {@code *} on every partition for
 * a silence of every run), which must have as many partitions as the telemetry topics so that a
 * run's records and its commands meet in one stream task. Outputs:
 * <ul>
 *   <li>{@link #alerts()}: alert transitions (firing / resolved), keyed by run id, each value the
 *       JSON object {@code replay --alerts} writes as one line;</li>
 *   <li>{@link #recommendations()}: a run's recommendation whenever it changes, keyed by run id,
 *       with its evidence; meant to be a compacted topic, so it always holds each run's latest
 *       recommendation;</li>
 *   <li>{@link #dlq()}: every rejected input record, key and value bytes unchanged, with the
 *       {@code watcher.*} headers below saying why and where it came from;</li>
 *   <li>{@link #audit()}: the append-only audit trail of operator commands, one record per
 *       command ({@code AuditJson}), keyed by run id ({@code *} for a command of every run);</li>
 *   <li>{@link #syntheticAlerts()} and {@link #syntheticRecommendations()}, when set: the
 *       quarantine topics where alerts and recommendations derived from synthetic records (QA's
 *       drills, {@code watcher inject}) go instead of the real ones, so a drill never pages the
 *       real rotation. Unset, synthetic outputs go to the real topics, marked
 *       {@code "synthetic": true} and with the {@link #HEADER_SYNTHETIC} header.</li>
 * </ul>
 *
 * @param inputTopics     the input topics, or empty when {@code inputPattern} is used
 * @param inputPattern    a pattern of input topic names, or null when {@code inputTopics} is used
 * @param alerts          the alerts topic
 * @param recommendations the recommendations topic (compacted)
 * @param dlq             the dead-letter topic
 * @param syntheticAlerts          the quarantine topic for synthetic alerts, or null for none
 * @param syntheticRecommendations the quarantine topic for synthetic recommendations, or null for none
 * @param commands        the operator commands topic (an input)
 * @param audit           the audit topic (append-only)
 */
public record WatcherTopics(List<String> inputTopics, Pattern inputPattern, String alerts, String recommendations,
        String dlq, String syntheticAlerts, String syntheticRecommendations, String commands, String audit) {

    /** The default input topic. */
    public static final String DEFAULT_INPUT = "anneal.telemetry";
    /** The default alerts topic. */
    public static final String DEFAULT_ALERTS = "anneal.alerts";
    /** The default recommendations topic (compacted). */
    public static final String DEFAULT_RECOMMENDATIONS = "anneal.recommendations";
    /** The default dead-letter topic. */
    public static final String DEFAULT_DLQ = "anneal.telemetry.dlq";
    /** The default operator commands topic (co-partitioned with the telemetry topic). */
    public static final String DEFAULT_COMMANDS = "anneal.commands";
    /** The default audit topic (append-only). */
    public static final String DEFAULT_AUDIT = "anneal.audit";

    /** Dead-letter header: the rejection reason, the same text replay reports. */
    public static final String HEADER_REASON = "watcher.reason";
    /** Dead-letter header: the reason's bounded category ({@link RejectionCategory#id()}), for routing and metrics. */
    public static final String HEADER_REASON_CATEGORY = "watcher.reason.category";
    /**
     * Dead-letter header: the {@link ErrorClass#id()} of the rejection, the same value exit codes, the
     * {@value WatcherMetrics#ERRORS} metric and the {@value ErrorLog#FIELD} log field use; every dead
     * letter is {@code bad_input}.
     */
    public static final String HEADER_ERROR_CLASS = "watcher.error.class";
    /** Dead-letter header: the topic the record was read from. */
    public static final String HEADER_SOURCE_TOPIC = "watcher.source.topic";
    /** Dead-letter header: the partition it was read from, as decimal text. */
    public static final String HEADER_SOURCE_PARTITION = "watcher.source.partition";
    /** Dead-letter header: its offset, as decimal text. */
    public static final String HEADER_SOURCE_OFFSET = "watcher.source.offset";
    /**
     * Dead-letter header: the rejected record's position as it appears in alerts,
     * {@code topic/partition:offset+1}, with {@code [i]} appended for one element of a JSON array
     * (a message can yield several dead letters, one per rejected element).
     */
    public static final String HEADER_POSITION = "watcher.position";
    /**
     * Header {@code watcher inject} puts on every record it injects and the daemon puts on every
     * alert and recommendation derived from a synthetic record: value {@code true}. The envelope's
     * {@code "synthetic": true} is what the engine reads; the header lets consumers and routers
     * tell a drill without parsing the value (dead letters keep the input's headers, so it too).
     */
    public static final String HEADER_SYNTHETIC = "watcher.synthetic";

    private static final int MAX_NAME_LENGTH = 249;
    private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]+");

    /**
     * Checks the names: exactly one input form, legal Kafka topic names, outputs distinct from each
     * other and not read back as input (a pattern matching an output topic would feed the
     * daemon's own alerts back into it).
     *
     * @throws IllegalArgumentException naming the first problem
     */
    public WatcherTopics {
        Objects.requireNonNull(inputTopics, "inputTopics");
        inputTopics = List.copyOf(inputTopics);
        if (inputTopics.isEmpty() == (inputPattern == null)) {
            throw new IllegalArgumentException("give either input topics or an input pattern, not "
                    + (inputPattern == null ? "neither" : "both"));
        }
        List<String> problems = new ArrayList<>();
        for (String topic : inputTopics) {
            checkName("input topic", topic, problems);
        }
        checkName("alerts topic", alerts, problems);
        checkName("recommendations topic", recommendations, problems);
        checkName("dead-letter topic", dlq, problems);
        checkName("commands topic", commands, problems);
        checkName("audit topic", audit, problems);
        if (syntheticAlerts != null) {
            checkName("synthetic alerts topic", syntheticAlerts, problems);
        }
        if (syntheticRecommendations != null) {
            checkName("synthetic recommendations topic", syntheticRecommendations, problems);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.get(0));
        }
        Set<String> inputs = new LinkedHashSet<>(inputTopics);
        if (inputs.size() != inputTopics.size()) {
            throw new IllegalArgumentException("input topics " + inputTopics + " list a topic twice");
        }
        List<String> outputs = new ArrayList<>(List.of(alerts, recommendations, dlq));
        if (syntheticAlerts != null) {
            outputs.add(syntheticAlerts);
        }
        if (syntheticRecommendations != null) {
            outputs.add(syntheticRecommendations);
        }
        if (new LinkedHashSet<>(outputs).size() != outputs.size()) {
            throw new IllegalArgumentException("the alerts, recommendations"
                    + (outputs.size() == 3 ? " and dead-letter" : ", dead-letter and quarantine")
                    + " topics must differ, were " + String.join(", ", outputs));
        }
        if (outputs.contains(audit) || outputs.contains(commands) || audit.equals(commands)) {
            throw new IllegalArgumentException("the commands topic " + commands + " and the audit topic " + audit
                    + " must differ from each other and from the alerts, recommendations, dead-letter and quarantine"
                    + " topics");
        }
        outputs.add(audit);
        for (String out : outputs) {
            if (inputs.contains(out)) {
                throw new IllegalArgumentException("topic " + out + " is both an input and an output");
            }
            if (inputPattern != null && inputPattern.matcher(out).matches()) {
                throw new IllegalArgumentException("input pattern " + inputPattern.pattern()
                        + " matches the output topic " + out + "; the daemon would read its own output");
            }
        }
        if (inputs.contains(commands) || (inputPattern != null && inputPattern.matcher(commands).matches())) {
            throw new IllegalArgumentException("the commands topic " + commands + " is also a telemetry input; "
                    + "commands are read from it separately");
        }
    }

    /** Topics with the default commands and audit topics. */
    public WatcherTopics(List<String> inputTopics, Pattern inputPattern, String alerts, String recommendations,
            String dlq, String syntheticAlerts, String syntheticRecommendations) {
        this(inputTopics, inputPattern, alerts, recommendations, dlq, syntheticAlerts, syntheticRecommendations,
                DEFAULT_COMMANDS, DEFAULT_AUDIT);
    }

    /** Topics without quarantine: synthetic outputs go to the real topics, marked. */
    public WatcherTopics(List<String> inputTopics, Pattern inputPattern, String alerts, String recommendations,
            String dlq) {
        this(inputTopics, inputPattern, alerts, recommendations, dlq, null, null);
    }

    /** The defaults: input {@value #DEFAULT_INPUT}, outputs {@value #DEFAULT_ALERTS}, etc. */
    public static WatcherTopics defaults() {
        return new WatcherTopics(List.of(DEFAULT_INPUT), null, DEFAULT_ALERTS, DEFAULT_RECOMMENDATIONS, DEFAULT_DLQ);
    }

    /** These topics reading {@code topics} instead. */
    public WatcherTopics withInputTopics(List<String> topics) {
        return new WatcherTopics(topics, null, alerts, recommendations, dlq, syntheticAlerts,
                syntheticRecommendations, commands, audit);
    }

    /** These topics reading every topic whose whole name matches {@code pattern} instead. */
    public WatcherTopics withInputPattern(Pattern pattern) {
        return new WatcherTopics(List.of(), Objects.requireNonNull(pattern, "pattern"), alerts, recommendations, dlq,
                syntheticAlerts, syntheticRecommendations, commands, audit);
    }

    /** These topics with other output names. */
    public WatcherTopics withOutputs(String alertsTopic, String recommendationsTopic, String dlqTopic) {
        return new WatcherTopics(inputTopics, inputPattern, alertsTopic, recommendationsTopic, dlqTopic,
                syntheticAlerts, syntheticRecommendations, commands, audit);
    }

    /**
     * These topics with synthetic alerts and recommendations quarantined in the given topics
     * (either may be null: that output is not quarantined).
     */
    public WatcherTopics withQuarantine(String syntheticAlertsTopic, String syntheticRecommendationsTopic) {
        return new WatcherTopics(inputTopics, inputPattern, alerts, recommendations, dlq, syntheticAlertsTopic,
                syntheticRecommendationsTopic, commands, audit);
    }

    /** These topics with other operator commands and audit topics. */
    public WatcherTopics withOperatorTopics(String commandsTopic, String auditTopic) {
        return new WatcherTopics(inputTopics, inputPattern, alerts, recommendations, dlq, syntheticAlerts,
                syntheticRecommendations, commandsTopic, auditTopic);
    }

    /** Where a synthetic alert goes: the quarantine topic when set, else the alerts topic. */
    public String alertsFor(boolean synthetic) {
        return synthetic && syntheticAlerts != null ? syntheticAlerts : alerts;
    }

    /** Where a synthetic recommendation goes: the quarantine topic when set, else the recommendations topic. */
    public String recommendationsFor(boolean synthetic) {
        return synthetic && syntheticRecommendations != null ? syntheticRecommendations : recommendations;
    }

    /** The input pattern, when the input is a pattern. */
    public Optional<Pattern> pattern() {
        return Optional.ofNullable(inputPattern);
    }

    private static void checkName(String what, String name, List<String> problems) {
        if (name == null || name.isEmpty()) {
            problems.add(what + " must not be empty");
        } else if (name.equals(".") || name.equals("..")) {
            problems.add(what + " cannot be '" + name + "'");
        } else if (name.length() > MAX_NAME_LENGTH) {
            problems.add(what + " " + name.substring(0, 40) + "... is longer than " + MAX_NAME_LENGTH + " characters");
        } else if (!LEGAL_NAME.matcher(name).matches()) {
            problems.add(what + " '" + name + "' may only contain ASCII letters, digits, '.', '_' and '-'");
        }
    }

    @Override
    public String toString() {
        String in = inputPattern != null ? "pattern " + inputPattern.pattern() : String.join(",", inputTopics);
        return "WatcherTopics[in=" + in + ", alerts=" + alerts + ", recommendations=" + recommendations
                + ", dlq=" + dlq + ", commands=" + commands + ", audit=" + audit
                + (syntheticAlerts != null ? ", syntheticAlerts=" + syntheticAlerts : "")
                + (syntheticRecommendations != null ? ", syntheticRecommendations=" + syntheticRecommendations : "")
                + "]";
    }
}
