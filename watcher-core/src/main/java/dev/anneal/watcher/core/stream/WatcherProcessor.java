package dev.anneal.watcher.core.stream;

import dev.anneal.watcher.core.decode.DecodeResult;
import dev.anneal.watcher.core.decode.Ordinal;
import dev.anneal.watcher.core.decode.Rejection;
import dev.anneal.watcher.core.decode.TelemetryDecoder;
import dev.anneal.watcher.core.output.AlertJson;
import dev.anneal.watcher.core.output.AuditJson;
import dev.anneal.watcher.core.output.CommandFormatException;
import dev.anneal.watcher.core.output.CommandJson;
import dev.anneal.watcher.core.output.RecommendationJson;
import dev.anneal.watcher.core.pipeline.EventTime;
import dev.anneal.watcher.core.pipeline.PipelineSink;
import dev.anneal.watcher.core.pipeline.RecordCheck;
import dev.anneal.watcher.core.pipeline.RecordPipeline;
import dev.anneal.watcher.rules.engine.CompiledRule;
import dev.anneal.watcher.rules.engine.RuleError;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.engine.RunState;
import dev.anneal.watcher.rules.engine.Step;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.ErrorClass;
import dev.anneal.watcher.rules.model.OperatorCommand;
import dev.anneal.watcher.rules.model.Recommendation;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.RejectReason;
import dev.anneal.watcher.rules.model.RejectionCategory;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The daemon's adapter of the {@link RecordPipeline} (whose class comment describes the stages),
 * one per stream task, used by one thread: a Kafka record is decoded by the
 * {@link TelemetryDecoder} and fed to the pipeline, which keeps runs in the task's
 * {@value WatcherTopology#STORE} store ({@link KeyValueRunStore}) and advances a run on its own
 * records' event time ({@link EventTime#PER_RUN}); what it routes is forwarded to the alerts,
 * recommendations, quarantine and dead-letter sinks of {@link WatcherTopology}, with headers, and
 * counted in {@link WatcherMetrics}.
 *
 * <p>More goes through the pipeline: a record of the commands topic is an operator command
 * ({@link RecordPipeline#command}; a malformed one, or one keyed by another run, is a dead letter
 * of category {@code bad_command}), whose audit record goes to the audit sink; a wall-clock
 * punctuation advances the task's runs ({@link RecordPipeline#advanceTo}), so absence rules fire
 * while a run is silent, idle runs end and ended runs expire (their recommendation tombstoned when
 * {@link RunPolicy#deleteRecommendations}); and when
 * the task switches rule sets (and when it takes up the current one after {@link #init}), it
 * settles every stored run under the new rules before anything else
 * ({@link RecordPipeline#switchRules}): the alerts of rules that a reload removed or changed are
 * resolved rather than dropped, in the same transaction as the outputs that follow.
 */
final class WatcherProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(WatcherProcessor.class);

    /** Reason of a dead letter whose value is null, empty or blank. */
    static final String EMPTY_MESSAGE = "empty message: no telemetry to decode";
    /** {@link #EMPTY_MESSAGE} with its category. */
    static final RejectReason EMPTY_MESSAGE_REASON = new RejectReason(RejectionCategory.EMPTY, EMPTY_MESSAGE);
    private static final byte[] SYNTHETIC_TRUE = "true".getBytes(StandardCharsets.UTF_8);

    private final RuleSetHolder rules;
    private final Clock clock;
    private final WatcherMetrics metrics;
    private final Duration absenceInterval;
    private final RunStateCache cache;
    private final DeadLetters deadLetters;
    private final RunPolicy runPolicy;
    private final String commandsTopic;
    private final TelemetryDecoder decoder = new TelemetryDecoder();
    /**
     * Required by the decoder; its values are never used as event time here, because records
     * without an envelope {@code ts} take their Kafka timestamp instead.
     */
    private final Ordinal ordinal = new Ordinal();
    /** Rules whose evaluation errors were already logged by this task (later ones are only counted). */
    private final Set<String> loggedRuleErrors = new HashSet<>();

    private boolean quarantineAlerts;
    private boolean quarantineRecommendations;

    private ProcessorContext<byte[], byte[]> context;
    private KeyValueRunStore store;
    private RecordPipeline pipeline;
    private long version;
    private int[] rulesPerKind;
    /** The input record being processed and where it came from (dead letters copy it); null in a punctuation. */
    private Record<byte[], byte[]> input;
    private RecordMetadata inputMeta;
    /** The timestamp of what is forwarded now: the input record's, or the clock's in a punctuation or a rules switch. */
    private long outputTimestamp;

    /**
     * @param cacheCapacity decoded run states kept per task ({@link RunStateCache}); 0 decodes the
     *                      stored state at every record
     * @param runPolicy     when idle runs end and ended runs expire
     * @param commandsTopic the topic whose records are operator commands
     */
    WatcherProcessor(RuleSetHolder rules, Clock clock, WatcherMetrics metrics, Duration absenceInterval,
            int cacheCapacity, RunPolicy runPolicy, String commandsTopic) {
        this.runPolicy = runPolicy;
        this.commandsTopic = commandsTopic;
        this.rules = rules;
        this.clock = clock;
        this.metrics = metrics;
        this.absenceInterval = absenceInterval;
        this.cache = new RunStateCache(cacheCapacity);
        this.deadLetters = new DeadLetters(metrics);
    }

    /** Routes synthetic alerts and/or recommendations to the quarantine sinks (set before {@code init}). */
    WatcherProcessor quarantine(boolean alerts, boolean recommendations) {
        this.quarantineAlerts = alerts;
        this.quarantineRecommendations = recommendations;
        return this;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        // A re-initialised task (after an aborted transaction, or moved back here) has a store
        // restored from the changelog: nothing cached before may be trusted.
        if (store != null) {
            store.release();
        }
        store = new KeyValueRunStore(context.getStateStore(WatcherTopology.STORE), cache, metrics);
        this.pipeline = new RecordPipeline(rules.ruleSet(), store,
                new KeyValueSilenceStore(context.getStateStore(WatcherTopology.SILENCES_STORE), metrics),
                EventTime.PER_RUN, runPolicy.lifecycle(), new Outputs());
        // The rule set is taken up (and stored states settled under it) at the first record or
        // punctuation, where outputs can be forwarded; see refreshRules.
        version = 0;
        context.schedule(absenceInterval, PunctuationType.WALL_CLOCK_TIME, this::checkAbsence);
    }

    /**
     * Switches to a newly published rule set (or takes up the current one after {@link #init}) and
     * settles every stored run under it; stored states are decoded for it from now on. Called
     * first by {@link #process} and the punctuation, so the settling commits in the same
     * transaction as the outputs that follow it.
     */
    private void refreshRules() {
        RuleSetHolder.Current current = rules.current();
        if (current.version() == version) {
            return;
        }
        RuleSet ruleSet = current.ruleSet();
        rulesPerKind = new int[RecordKind.values().length];
        for (CompiledRule rule : ruleSet.rules()) {
            for (RecordKind kind : rule.kinds()) {
                rulesPerKind[kind.ordinal()]++;
            }
        }
        if (version != 0) {
            LOG.info("task {} now evaluates rule set {} (version {})", context.taskId(), ruleSet.digest(),
                    current.version());
        }
        version = current.version();
        input = null;
        outputTimestamp = clock.millis();
        pipeline.switchRules(ruleSet, current.retired()::get, outputTimestamp);
    }

    // ---------------------------------------------------------------- consume, decode

    @Override
    public void process(Record<byte[], byte[]> record) {
        refreshRules();
        RecordMetadata meta = context.recordMetadata().orElseThrow(
                () -> new IllegalStateException("a source record without topic, partition and offset"));
        boolean isCommand = meta.topic().equals(commandsTopic);
        if (!isCommand) {
            metrics.consumed();
        }
        input = record;
        inputMeta = meta;
        outputTimestamp = record.timestamp();
        String source = meta.topic() + "/" + meta.partition();
        // Positions are 1-based like file lines: offset 0 is line 1. The dead-letter headers carry the raw offset.
        long line = meta.offset() + 1;
        String key = runIdOf(record.key());
        if (isCommand) {
            command(source + ":" + line, key, record);
            return;
        }
        List<DecodeResult> results = record.value() == null ? List.of()
                : decoder.decodeMessage(source, line, record.value(), key != null ? key : meta.topic(), ordinal);
        if (results.isEmpty()) {
            // A tombstone or a blank message: nothing to evaluate, but nothing is dropped silently.
            deadLetter(source + ":" + line, EMPTY_MESSAGE_REASON);
            return;
        }
        RecordCheck keyCheck = key == null ? RecordCheck.NONE : decoded -> key.equals(decoded.runId())
                ? Optional.empty()
                : Optional.of(runIdMismatch(decoded.runId(), key));
        for (DecodeResult result : results) {
            pipeline.accept(withEventTime(result, record.timestamp()), keyCheck);
        }
    }

    /**
     * An operator command, applied at its record's timestamp; a malformed one, or one keyed by
     * another run, is a dead letter.
     */
    private void command(String position, String key, Record<byte[], byte[]> record) {
        OperatorCommand command;
        try {
            if (record.value() == null || record.value().length == 0) {
                throw new CommandFormatException("empty message: no command");
            }
            command = CommandJson.parse(new String(record.value(), StandardCharsets.UTF_8));
        } catch (CommandFormatException e) {
            deadLetter(position, badCommand(e.getMessage()));
            return;
        }
        if (!command.runId().equals(key)) {
            deadLetter(position, badCommand("command " + command.commandId() + " for run \"" + command.runId()
                    + "\" is keyed \"" + key + "\"; key a command by its run_id (\"*\" for every run)"));
            return;
        }
        pipeline.command(command, record.timestamp());
    }

    /** Why a message of the commands topic is rejected. */
    static RejectReason badCommand(String why) {
        return new RejectReason(RejectionCategory.BAD_COMMAND, "bad command: " + why);
    }

    /** Why a record whose envelope names another run than its key is rejected. */
    static RejectReason runIdMismatch(String runId, String key) {
        return new RejectReason(RejectionCategory.RUN_ID_MISMATCH, "envelope run_id \"" + runId
                + "\" differs from the record key \"" + key + "\"; key records by their run id");
    }

    /** The record key as a run id, or null when the record has none (a null, empty or blank key). */
    private static String runIdOf(byte[] key) {
        if (key == null) {
            return null;
        }
        String text = new String(key, StandardCharsets.UTF_8);
        return text.isBlank() ? null : text;
    }

    /**
     * Records without an envelope {@code ts} take the Kafka record timestamp as event time, so that
     * absence rules measure real silence; replay uses the record's ordinal instead, which only
     * orders records. Rule windows and {@code for} counts of the built-in packs count records,
     * so both give the same decisions.
     */
    private static DecodeResult withEventTime(DecodeResult result, long kafkaTimestamp) {
        if (!(result instanceof DecodeResult.Decoded d) || d.record().hasTimestamp()) {
            return result;
        }
        TelemetryRecord r = d.record();
        return new DecodeResult.Decoded(
                new TelemetryRecord(r.runId(), r.kind(), r.position(), kafkaTimestamp, true, r.synthetic(), r.fields()));
    }

    /**
     * Wall-clock punctuation: advances every run of this task to the clock's time, firing absence
     * rules whose silence has lasted long enough, ending silences and idle runs, expiring ended
     * runs. It costs the runs whose deadline is due (the store's {@code RunIndex}), not a walk.
     */
    private void checkAbsence(long streamsWallClock) {
        refreshRules();
        input = null;
        outputTimestamp = clock.millis();
        pipeline.advanceTo(outputTimestamp);
    }

    @Override
    public void close() {
        // A task closed dirty (an aborted transaction) has its store rolled back to the changelog.
        cache.clear();
        if (store != null) {
            store.release();
        }
    }

    // ---------------------------------------------------------------- route

    /** The route stage of the daemon: topics, headers and metrics. */
    private final class Outputs implements PipelineSink {

        @Override
        public void rejected(Rejection rejection) {
            deadLetter(rejection.position().toString(), rejection.cause());
        }

        @Override
        public void accepted(TelemetryRecord record) {
            metrics.accepted();
            metrics.ruleEvaluations(rulesPerKind[record.kind().ordinal()]);
        }

        @Override
        public void step(String runId, Step step, Cause cause) {
            // Latency is measured from the input record; a clock advance or a rules switch has none.
            publish(runId, step, outputTimestamp, cause == Cause.RECORD || cause == Cause.EVENT_TIME);
        }

        @Override
        public void expired(RunState last) {
            if (runPolicy.deleteRecommendations()) {
                boolean synthetic = last.synthetic();
                RecordHeaders headers = new RecordHeaders();
                if (synthetic) {
                    headers.add(WatcherTopics.HEADER_SYNTHETIC, SYNTHETIC_TRUE);
                }
                // A tombstone: compaction removes the run's recommendation from the topic.
                context.forward(new Record<>(last.runId().getBytes(StandardCharsets.UTF_8), (byte[]) null,
                        outputTimestamp, headers), quarantineRecommendations && synthetic
                        ? WatcherTopology.SYNTHETIC_RECOMMENDATIONS_SINK : WatcherTopology.RECOMMENDATIONS_SINK);
            }
        }
    }

    private void publish(String runId, Step step, long timestamp, boolean measure) {
        if (step.isEmpty()) {
            return;
        }
        byte[] key = runId.getBytes(StandardCharsets.UTF_8);
        for (AlertEvent alert : step.alerts()) {
            metrics.alert(alert);
            if (alert.state() == AlertState.FIRING || alert.state() == AlertState.RESOLVED) {
                forward(quarantineAlerts && alert.synthetic() ? WatcherTopology.SYNTHETIC_ALERTS_SINK
                        : WatcherTopology.ALERTS_SINK, key, AlertJson.toJson(alert), timestamp, alert.synthetic());
                if (measure) {
                    metrics.alertLatency(clock.millis() - timestamp, alert.synthetic());
                }
            }
        }
        for (Recommendation rec : step.recommendations()) {
            metrics.recommendation(rec);
            forward(quarantineRecommendations && rec.synthetic() ? WatcherTopology.SYNTHETIC_RECOMMENDATIONS_SINK
                    : WatcherTopology.RECOMMENDATIONS_SINK, key, RecommendationJson.toJson(rec), timestamp,
                    rec.synthetic());
            if (measure) {
                metrics.recommendationLatency(clock.millis() - timestamp, rec.synthetic());
            }
        }
        for (AuditRecord audit : step.audit()) {
            metrics.command(audit);
            forward(WatcherTopology.AUDIT_SINK, key, AuditJson.toJson(audit), timestamp, audit.command().synthetic());
        }
        for (RuleError e : step.errors()) {
            metrics.ruleError(e.rule());
            if (loggedRuleErrors.add(e.rule())) {
                ErrorLog.at(LOG, Level.WARN, ErrorClass.BAD_CONFIG).log(
                        "rule {} failed on {} of run {}: {} (further errors of this rule are only counted in {})",
                        e.rule(), e.position(), runId, e.message(), WatcherMetrics.RULE_ERRORS);
            }
        }
    }

    private void forward(String sink, byte[] key, String json, long timestamp, boolean synthetic) {
        RecordHeaders headers = new RecordHeaders();
        if (synthetic) {
            headers.add(WatcherTopics.HEADER_SYNTHETIC, SYNTHETIC_TRUE);
        }
        context.forward(new Record<>(key, json.getBytes(StandardCharsets.UTF_8), timestamp, headers), sink);
    }

    /**
     * Forwards the input record unchanged to the dead-letter topic, with the reason and origin as
     * headers ({@link DeadLetters}): the one place this task rejects.
     */
    private void deadLetter(String position, RejectReason reason) {
        context.forward(deadLetters.letter(input, inputMeta, position, reason), WatcherTopology.DLQ_SINK);
    }
}
