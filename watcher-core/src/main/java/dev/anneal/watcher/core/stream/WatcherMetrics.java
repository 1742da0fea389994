package dev.anneal.watcher.core.stream;

import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.ErrorClass;
import dev.anneal.watcher.rules.model.Recommendation;
import dev.anneal.watcher.rules.model.RejectionCategory;
import dev.anneal.watcher.rules.model.AuditRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The daemon's meters, with their names and tags in one place. Names and tag keys are public API
 * (dashboards and alerts are built on them): they are written in their Prometheus form, which
 * Micrometer's Prometheus naming convention leaves as it is.
 *
 * <p>Every tag has a bounded set of values: rule ids come from the loaded rule set, states,
 * severities, actions and error classes are enums, and rejection reasons are reduced to a
 * {@link RejectionCategory}. Run ids are never tags.
 *
 * <p>Thread-safe (Micrometer meters are); one instance is shared by every stream task.
 */
public final class WatcherMetrics {

    /** Kafka records (messages) read from the input topics. */
    public static final String RECORDS_CONSUMED = "watcher_records_consumed_total";
    /** Telemetry records accepted for evaluation (a message holding a JSON array yields several). */
    public static final String RECORDS_ACCEPTED = "watcher_records_accepted_total";
    /** Rejected records (each one a dead letter), tagged {@value #TAG_REASON} = {@link RejectionCategory#id()}. */
    public static final String RECORDS_REJECTED = "watcher_records_rejected_total";
    /** Rule evaluations: for each accepted record, one per rule that selects the record's kind. */
    public static final String RULE_EVALUATIONS = "watcher_rule_evaluations_total";
    /** Rule evaluation errors (the rule is treated as not matching that record), tagged {@value #TAG_RULE}. */
    public static final String RULE_ERRORS = "watcher_rule_errors_total";
    /**
     * Alert transitions the engine produced, tagged {@value #TAG_RULE}, {@value #TAG_SEVERITY},
     * {@value #TAG_STATE} (pending, inactive, firing, resolved; only firing and resolved are published)
     * and {@value #TAG_SYNTHETIC}.
     * A firing alert published again with an operator's acknowledgement or silence counts as firing
     * once more.
     */
    public static final String ALERTS = "watcher_alerts_total";
    /** Recommendation changes published, tagged {@value #TAG_ACTION} and {@value #TAG_SYNTHETIC}. */
    public static final String RECOMMENDATIONS = "watcher_recommendations_total";
    /**
     * Seconds from an input record's Kafka timestamp to the moment an output it caused is
     * forwarded, tagged {@value #TAG_OUTPUT} ({@code alert}, {@code recommendation}) and
     * {@value #TAG_SYNTHETIC}; measured with the daemon's clock. Outputs of the absence punctuator
     * have no input record and are not measured.
     */
    public static final String EVENT_TO_OUTPUT = "watcher_event_to_output_seconds";
    /** Stored run states that could not be decoded and were started afresh (a bug or a format change). */
    public static final String STATE_ERRORS = "watcher_state_errors_total";
    /** Rule reloads, tagged {@value #TAG_RESULT}: {@code applied}, {@code unchanged} or {@code refused}. */
    public static final String RULE_RELOADS = "watcher_rule_reloads_total";
    /**
     * Every error the daemon counts, tagged {@value #TAG_ERROR_CLASS} = {@link ErrorClass#id()}: one
     * {@code bad_input} per rejected record (as in {@value #RECORDS_REJECTED}), one {@code bad_config}
     * per rule evaluation error (as in {@value #RULE_ERRORS}) and per reload refused because the rule
     * files did not load, one {@code fatal} per stored run state that could not be read (as in
     * {@value #STATE_ERRORS}) and per reload that failed on a bug. The meters it sums
     * keep their own series; this one answers "what kind of trouble, and how much" in one query.
     */
    public static final String ERRORS = "watcher_errors_total";
    /**
     * Always 1, tagged {@value #TAG_VERSION} (the watcher's) and {@value #TAG_JAVA} (the runtime's):
     * which build runs where, for dashboards and upgrade checks. A Prometheus info metric, so it is
     * registered with the Prometheus registry of {@code watcher run} and {@code watcher notify}
     * (Micrometer gauges may not end in {@code _info}), not here.
     */
    public static final String BUILD_INFO = "watcher_build_info";
    /**
     * Always 1, one series: the rule set in force, tagged {@value #TAG_DIGEST} (its digest, as in every
     * alert and recommendation) and {@value #TAG_PACKS} (its packs, comma-separated); read at each
     * scrape, so it changes when rules reload. An info metric like {@link #BUILD_INFO}.
     */
    public static final String RULE_SET_INFO = "watcher_rule_set_info";

    /**
     * The Kafka Streams client's state, one series per state tagged {@value #TAG_STATE} (the
     * {@code KafkaStreams.State} name: {@code CREATED}, {@code REBALANCING}, {@code RUNNING},
     * {@code PENDING_SHUTDOWN}, ...): 1 for the current state, 0 for the others ({@link StreamsProgress}).
     */
    public static final String STREAMS_STATE = "watcher_streams_state";
    /** Rebalances this instance went through: each time Kafka Streams entered {@code REBALANCING}. */
    public static final String REBALANCES = "watcher_rebalances_total";
    /**
     * Changelog records still to restore before the tasks being restored can process (0 when
     * nothing is restoring): how far a moved or restarted instance is from ready.
     */
    public static final String RESTORE_REMAINING = "watcher_restore_remaining_records";
    /** Changelog records restored into local state stores. */
    public static final String RESTORED_RECORDS = "watcher_restored_records_total";
    /** How long each store partition's restoration took, from its start to its end (a timer: count, sum, max). */
    public static final String RESTORE_DURATION = "watcher_restore_seconds";

    /**
     * Gauge: the runs the daemon's stores hold, by current recommendation ({@value #TAG_ACTION}:
     * PROMOTE ... ROLLBACK, or {@code NONE} before a run's first recommendation), {@value #TAG_STATUS}
     * ({@code active}, {@code ended}: ended runs are kept until they expire) and {@value #TAG_SYNTHETIC}
     * (whether the run's latest record was a QA drill's). Summed over the stream tasks of this instance.
     */
    public static final String RUNS = "watcher_runs";
    /** Gauge: runs held by a FREEZE/ROLLBACK latch until an operator clears it, tagged {@value #TAG_ACTION} and {@value #TAG_SYNTHETIC}. */
    public static final String RUNS_LATCHED = "watcher_runs_latched";
    /**
     * Gauge: firing alerts in the runs the stores hold, tagged {@value #TAG_RULE}, {@value #TAG_SEVERITY}
     * and {@value #TAG_SYNTHETIC} (silenced and acknowledged ones included).
     */
    public static final String ALERTS_FIRING = "watcher_alerts_firing";
    /** Operator commands handled, tagged {@value #TAG_TYPE} (clear, ack, ...) and {@value #TAG_OUTCOME} (applied, refused, duplicate). */
    public static final String COMMANDS = "watcher_commands_total";

    public static final String TAG_REASON = "reason";
    public static final String TAG_RULE = "rule";
    public static final String TAG_SEVERITY = "severity";
    public static final String TAG_STATE = "state";
    public static final String TAG_ACTION = "action";
    public static final String TAG_OUTPUT = "output";
    public static final String TAG_RESULT = "result";
    public static final String TAG_ERROR_CLASS = "error_class";
    /** {@code true} for outputs derived from synthetic records (drills), else {@code false}. */
    public static final String TAG_SYNTHETIC = "synthetic";
    public static final String TAG_VERSION = "version";
    public static final String TAG_JAVA = "java";
    public static final String TAG_DIGEST = "digest";
    public static final String TAG_PACKS = "packs";
    public static final String TAG_STATUS = "status";
    public static final String TAG_TYPE = "type";
    public static final String TAG_OUTCOME = "outcome";

    /** {@value #TAG_OUTPUT} value of alert outputs. */
    public static final String OUTPUT_ALERT = "alert";
    /** {@value #TAG_OUTPUT} value of recommendation outputs. */
    public static final String OUTPUT_RECOMMENDATION = "recommendation";

    private final MeterRegistry registry;
    private final Counter consumed;
    private final Counter accepted;
    private final Counter evaluations;
    private final Counter stateErrors;
    private final Timer alertLatency;
    private final Timer recommendationLatency;
    /** The gauges' values by name and tags, shared by every stream task (each adds and removes its runs). */
    private final Map<Meter.Id, AtomicLong> gauges = new ConcurrentHashMap<>();

    /** Meters registered in {@code registry}. */
    public WatcherMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.consumed = Counter.builder(RECORDS_CONSUMED)
                .description("Kafka records read from the input topics").register(registry);
        this.accepted = Counter.builder(RECORDS_ACCEPTED)
                .description("telemetry records accepted for evaluation").register(registry);
        this.evaluations = Counter.builder(RULE_EVALUATIONS)
                .description("rules evaluated: one per accepted record and rule selecting its kind").register(registry);
        this.stateErrors = Counter.builder(STATE_ERRORS)
                .description("stored run states that could not be decoded and were started afresh").register(registry);
        this.alertLatency = latency(registry, OUTPUT_ALERT, false);
        this.recommendationLatency = latency(registry, OUTPUT_RECOMMENDATION, false);
    }

    /** Meters in a private in-memory registry: for tests and for running without metrics export. */
    public WatcherMetrics() {
        this(new SimpleMeterRegistry());
    }

    /**
     * The latency timer of one output; the synthetic ones are registered on first use, so a daemon
     * that never saw a drill shows no empty drill series.
     */
    private static Timer latency(MeterRegistry registry, String output, boolean synthetic) {
        return Timer.builder(EVENT_TO_OUTPUT)
                .description("time from an input record's timestamp to the output it caused")
                .tag(TAG_OUTPUT, output)
                .tag(TAG_SYNTHETIC, Boolean.toString(synthetic))
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
    }

    /** The registry the meters live in. */
    public MeterRegistry registry() {
        return registry;
    }

    /** A rule reload published a new rule set (call after {@link RuleSetHolder#swap} returned true). */
    public void reloadApplied() {
        reload("applied");
    }

    /** A reload found the same rule set (a SIGHUP without edits; {@link RuleSetHolder#swap} returned false). */
    public void reloadUnchanged() {
        reload("unchanged");
    }

    /** A reload was refused because the new rule files did not load; the old rules keep running. */
    public void reloadRefused() {
        reloadRefused(ErrorClass.BAD_CONFIG);
    }

    /**
     * A reload was refused for a failure of {@code errorClass}: {@link ErrorClass#BAD_CONFIG} when
     * the rule files did not load, {@link ErrorClass#FATAL} when loading them failed on a bug.
     */
    public void reloadRefused(ErrorClass errorClass) {
        reload("refused");
        error(errorClass);
    }

    private void reload(String result) {
        Counter.builder(RULE_RELOADS).description("rule reloads by result: applied, unchanged, refused")
                .tag(TAG_RESULT, result).register(registry).increment();
    }

    void consumed() {
        consumed.increment();
    }

    void accepted() {
        accepted.increment();
    }

    void rejected(RejectionCategory category) {
        Counter.builder(RECORDS_REJECTED).description("rejected records (each one a dead letter) by reason category")
                .tag(TAG_REASON, category.id()).register(registry).increment();
        error(category.errorClass());
    }

    void ruleEvaluations(int count) {
        if (count > 0) {
            evaluations.increment(count);
        }
    }

    void ruleError(String rule) {
        Counter.builder(RULE_ERRORS).description("rule evaluation errors by rule (the rule is treated as not matching)")
                .tag(TAG_RULE, rule).register(registry).increment();
        error(ErrorClass.BAD_CONFIG);
    }

    void alert(AlertEvent alert) {
        Counter.builder(ALERTS)
                .description("alert transitions the engine produced, by rule, severity, state and synthetic")
                .tag(TAG_RULE, alert.rule())
                .tag(TAG_SEVERITY, alert.severity().id())
                .tag(TAG_STATE, alert.state().id())
                .tag(TAG_SYNTHETIC, Boolean.toString(alert.synthetic()))
                .register(registry).increment();
    }

    void recommendation(Recommendation recommendation) {
        Counter.builder(RECOMMENDATIONS).description("recommendation changes published, by action and synthetic")
                .tag(TAG_ACTION, recommendation.action().name())
                .tag(TAG_SYNTHETIC, Boolean.toString(recommendation.synthetic()))
                .register(registry).increment();
    }

    void command(AuditRecord audit) {
        Counter.builder(COMMANDS).description("operator commands handled")
                .tag(TAG_TYPE, audit.command().type().id()).tag(TAG_OUTCOME, audit.outcome().id())
                .register(registry).increment();
    }

    /**
     * Adds {@code delta} to the gauge {@code name} with {@code tags} (tag key, value, ...),
     * registering it at its first use. Stream tasks call it as their stores change.
     */
    void gauge(String name, long delta, String... tags) {
        Tags t = Tags.of(tags);
        Meter.Id id = new Meter.Id(name, t, null, null, Meter.Type.GAUGE);
        gauges.computeIfAbsent(id, key -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(name, value, AtomicLong::get).tags(t).description(GAUGE_HELP.get(name))
                    .strongReference(true).register(registry);
            return value;
        }).addAndGet(delta);
    }

    private static final Map<String, String> GAUGE_HELP = Map.of(
            RUNS, "runs held in the run-state stores, by current recommendation, status and synthetic mark",
            RUNS_LATCHED, "runs held by a FREEZE or ROLLBACK latch until an operator clears it",
            ALERTS_FIRING, "firing alerts of the runs held, by rule and severity (silenced and acknowledged included)");

    void stateError() {
        stateErrors.increment();
        error(ErrorClass.FATAL);
    }

    private void error(ErrorClass errorClass) {
        Counter.builder(ERRORS).description("every error the daemon counts, by error class")
                .tag(TAG_ERROR_CLASS, errorClass.id()).register(registry).increment();
    }

    /** Records the latency of one alert output; negative spans (clock skew) count as zero. */
    void alertLatency(long millis, boolean synthetic) {
        (synthetic ? latency(registry, OUTPUT_ALERT, true) : alertLatency)
                .record(Duration.ofMillis(Math.max(0, millis)));
    }

    /** Records the latency of one recommendation output; negative spans count as zero. */
    void recommendationLatency(long millis, boolean synthetic) {
        (synthetic ? latency(registry, OUTPUT_RECOMMENDATION, true) : recommendationLatency)
                .record(Duration.ofMillis(Math.max(0, millis)));
    }
}
