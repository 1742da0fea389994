package dev.anneal.watcher.core.stream;

import dev.anneal.watcher.core.decode.DecodeResult;
import dev.anneal.watcher.core.decode.Ordinal;
import dev.anneal.watcher.core.decode.TelemetryDecoder;
import dev.anneal.watcher.core.output.AlertJson;
import dev.anneal.watcher.core.output.RecommendationJson;
import dev.anneal.watcher.rules.engine.CompiledRule;
import dev.anneal.watcher.rules.engine.Engine;
import dev.anneal.watcher.rules.engine.RuleError;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.engine.RunState;
import dev.anneal.watcher.rules.engine.RunStateCodec;
import dev.anneal.watcher.rules.engine.Step;
import dev.anneal.watcher.rules.model.AlertEvent;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.ErrorClass;
import dev.anneal.watcher.rules.model.Recommendation;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.RejectReason;
import dev.anneal.watcher.rules.model.RejectionCategory;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The daemon's per-task processor: decode, validate, evaluate, publish (see {@link WatcherTopology}
 * for the whole flow and its contract). One instance per stream task, used by one thread, so it
 * owns a single-threaded {@link Engine}; everything a run needs across records lives in the
 * {@value WatcherTopology#STORE} store, so a task that moves to another instance or restarts after
 * a crash carries on from the changelog.
 *
 * <p>Decoded states are also kept in a {@link RunStateCache}, read through from the store. Every
 * change is still written to the store at once (write-through), so the changelog that commits with
 * each transaction always holds the states that the transaction's outputs came from. The cache is
 * emptied in {@link #init} and {@link #close} (Streams re-initialises a task after an aborted
 * transaction, with its store restored from the changelog) and when the rule set changes.
 *
 * <p>When the task switches rule sets (and when it takes up the current one after {@link #init}),
 * it settles every stored run under the new rules before anything else ({@link #settleRuns}): the
 * alerts of rules that a reload removed or changed are resolved rather than dropped.
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
    private final TelemetryDecoder decoder = new TelemetryDecoder();
    private final DeadLetters deadLetters;
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
    private KeyValueStore<String, byte[]> store;
    private long version;
    private Engine engine;
    private RunStateCodec codec;
    private int[] rulesPerKind;

    /**
     * @param cacheCapacity decoded run states kept per task ({@link RunStateCache}); 0 decodes the
     *                      stored state at every record
     */
    WatcherProcessor(RuleSetHolder rules, Clock clock, WatcherMetrics metrics, Duration absenceInterval,
            int cacheCapacity) {
        this.rules = rules;
        this.clock = clock;
        this.metrics = metrics;
        this.deadLetters = new DeadLetters(metrics);
        this.absenceInterval = absenceInterval;
        this.cache = new RunStateCache(cacheCapacity);
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
        this.store = context.getStateStore(WatcherTopology.STORE);
        // A re-initialised task (after an aborted transaction, or moved back here) has a store
        // restored from the changelog: nothing cached before may be trusted.
        cache.clear();
        // The rule set is taken up (and stored states settled under it) at the first record or
        // punctuation, where outputs can be forwarded; see refreshRules.
        version = 0;
        context.schedule(absenceInterval, PunctuationType.WALL_CLOCK_TIME, this::checkAbsence);
    }

    /**
     * Switches to a newly published rule set (or takes up the current one after {@link #init}),
     * then settles every stored run under it ({@link #settleRuns}); stored states are decoded with
     * its codec from now on. Called first by {@link #process} and the punctuation, so the settling
     * commits in the same transaction as the outputs that follow it.
     */
    private void refreshRules() {
        RuleSetHolder.Current current = rules.current();
        if (current.version() == version) {
            return;
        }
        RuleSet ruleSet = current.ruleSet();
        engine = new Engine(ruleSet);
        codec = new RunStateCodec(ruleSet);
        // Cached states are laid out for the old rule set; decoding the stored bytes with the new
        // codec keeps unchanged rules' state and resets changed ones, as without a cache.
        cache.clear();
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
        settleRuns(current);
    }

    /**
     * Brings every run of the task's store under the current rule set: closes the alerts of rules
     * it no longer has (a firing one gets its RESOLVED transition; see
     * {@link Engine#resolveRetired}), recomputes the recommendation under the new rules (published
     * only if it changed) and stores those runs re-encoded without the retired rules. Runs with
     * nothing to settle are not rewritten.
     *
     * <p>It runs at every switch, the first one after {@link #init} included: a task re-initialised
     * after an aborted transaction has its store restored from the changelog, states still laid out
     * for the old rules, and settles them again here from the holder's record of retired rules.
     * Once a transaction with the rewritten states commits, settling again finds nothing, so no
     * alert is resolved twice. Walks the store as {@link #checkAbsence} does (collect, then write
     * after the iterator is closed).
     */
    private void settleRuns(RuleSetHolder.Current current) {
        long now = clock.millis();
        List<KeyValue<RunState, Step>> settled = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> entry = it.next();
                RunState run = decode(entry.key, entry.value);
                if (run == null) {
                    // Counted once: replaced below by a fresh state, as checkAbsence does.
                    settled.add(KeyValue.pair(engine.newRun(entry.key), Step.EMPTY));
                    continue;
                }
                boolean retired = run.hasRetiredAlerts();
                Step step = engine.resolveRetired(run, current.retired()::get, now);
                if (retired || !step.isEmpty()) {
                    settled.add(KeyValue.pair(run, step));
                } else {
                    cache.putIfRoom(run);
                }
            }
        }
        for (KeyValue<RunState, Step> s : settled) {
            store.put(s.key.runId(), codec.encode(s.key));
            cache.putIfRoom(s.key);
            publish(s.key.runId(), s.value, now, false);
        }
    }

    // ---------------------------------------------------------------- consume

    @Override
    public void process(Record<byte[], byte[]> record) {
        metrics.consumed();
        refreshRules();
        RecordMetadata meta = context.recordMetadata().orElseThrow(
                () -> new IllegalStateException("a source record without topic, partition and offset"));
        String source = meta.topic() + "/" + meta.partition();
        // Positions are 1-based like file lines: offset 0 is line 1. The dead-letter headers carry the raw offset.
        long line = meta.offset() + 1;
        String key = runIdOf(record.key());
        // ------------------------------------------------------------ decode
        List<DecodeResult> results = record.value() == null ? List.of()
                : decoder.decodeMessage(source, line, record.value(), key != null ? key : meta.topic(), ordinal);
        if (results.isEmpty()) {
            // A tombstone or a blank message: nothing to evaluate, but nothing is dropped silently.
            deadLetter(record, meta, source + ":" + line, EMPTY_MESSAGE_REASON);
            return;
        }
        for (DecodeResult result : results) {
            if (result instanceof DecodeResult.Rejected r) {
                deadLetter(record, meta, r.position().toString(), r.rejection().cause());
                continue;
            }
            TelemetryRecord decoded = ((DecodeResult.Decoded) result).record();

            // -------------------------------------------------------- validate
            if (key != null && !key.equals(decoded.runId())) {
                deadLetter(record, meta, decoded.position().toString(), runIdMismatch(decoded.runId(), key));
                continue;
            }
            Optional<RejectReason> reason = engine.ruleSet().rejectReason(decoded);
            if (reason.isPresent()) {
                deadLetter(record, meta, decoded.position().toString(), reason.get());
                continue;
            }
            metrics.accepted();
            evaluate(withEventTime(decoded, record.timestamp()), record.timestamp());
        }
    }

    /** Reason of a dead letter whose envelope names a run other than the record key. */
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
    private static TelemetryRecord withEventTime(TelemetryRecord r, long kafkaTimestamp) {
        if (r.hasTimestamp()) {
            return r;
        }
        return new TelemetryRecord(r.runId(), r.kind(), r.position(), kafkaTimestamp, true, r.synthetic(), r.fields());
    }

    // ---------------------------------------------------------------- evaluate, alert state, decide

    private void evaluate(TelemetryRecord record, long inputTimestamp) {
        RunState run = load(record.runId());
        Step absence;
        Step step;
        try {
            // As replay does: the record's own event time first fires the run's absence rules that
            // fell due before it, then the record itself is evaluated.
            absence = engine.advanceTime(run, record.eventTime());
            step = engine.process(run, record);
            // Write-through: the store (and so the changelog of this transaction) always has it.
            store.put(run.runId(), codec.encode(run));
        } catch (RuntimeException e) {
            // The cached copy may be half-updated and no longer what the store holds.
            cache.remove(run.runId());
            throw e;
        }
        metrics.ruleEvaluations(rulesPerKind[record.kind().ordinal()]);
        publish(run.runId(), absence, inputTimestamp, true);
        publish(run.runId(), step, inputTimestamp, true);
    }

    /** The run's state: cached, else decoded from the store (and cached), else a fresh one. */
    private RunState load(String runId) {
        RunState run = cache.get(runId);
        if (run != null) {
            return run;
        }
        byte[] stored = store.get(runId);
        run = stored == null ? null : decode(runId, stored);
        if (run == null) {
            run = engine.newRun(runId);
        }
        cache.put(run);
        return run;
    }

    /**
     * The stored state of a run, or null (logged and counted) when it cannot be read. That means a
     * bug or an incompatible format change; the run starts afresh rather than stopping the task on
     * a record it could never get past.
     */
    private RunState decode(String runId, byte[] stored) {
        try {
            RunState run = codec.decode(stored);
            if (runId.equals(run.runId())) {
                return run;
            }
            ErrorLog.at(LOG, Level.ERROR, ErrorClass.FATAL).log(
                    "the state stored under run {} belongs to run {}; starting run {} afresh", runId, run.runId(), runId);
        } catch (IllegalArgumentException e) {
            ErrorLog.at(LOG, Level.ERROR, ErrorClass.FATAL).log(
                    "the stored state of run {} cannot be read ({}); starting it afresh", runId, e.getMessage());
        }
        metrics.stateError();
        return null;
    }

    /**
     * Wall-clock punctuation: advances every run of this task to the clock's time, firing absence
     * rules whose silence has lasted long enough. Cheap when the rule set has no absence rules;
     * otherwise it walks every run of the task's store, decoding those not cached, so its interval
     * bounds that cost.
     */
    private void checkAbsence(long streamsWallClock) {
        refreshRules();
        if (!engine.hasAbsenceRules()) {
            return;
        }
        long now = clock.millis();
        List<KeyValue<RunState, Step>> changed = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> entry = it.next();
                RunState run = cache.get(entry.key);
                if (run == null) {
                    run = decode(entry.key, entry.value);
                    if (run == null) {
                        // Replaced below, so an unreadable state is reported once, not at every punctuation.
                        changed.add(KeyValue.pair(engine.newRun(entry.key), Step.EMPTY));
                        continue;
                    }
                    cache.putIfRoom(run);
                }
                Step step = engine.advanceTime(run, now);
                if (!step.isEmpty()) {
                    changed.add(KeyValue.pair(run, step));
                }
            }
        }
        // Written after the iterator is closed: stores need not support writes during a scan.
        for (KeyValue<RunState, Step> c : changed) {
            store.put(c.key.runId(), codec.encode(c.key));
            if (c.value.isEmpty()) {
                cache.put(c.key); // the fresh state that replaced an unreadable one
            }
            publish(c.key.runId(), c.value, now, false);
        }
    }

    @Override
    public void close() {
        // A task closed dirty (an aborted transaction) has its store rolled back to the changelog.
        cache.clear();
    }

    // ---------------------------------------------------------------- publish

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
                    metrics.alertLatency(clock.millis() - timestamp);
                }
            }
        }
        for (Recommendation rec : step.recommendations()) {
            metrics.recommendation(rec);
            forward(quarantineRecommendations && rec.synthetic() ? WatcherTopology.SYNTHETIC_RECOMMENDATIONS_SINK
                    : WatcherTopology.RECOMMENDATIONS_SINK, key, RecommendationJson.toJson(rec), timestamp,
                    rec.synthetic());
            if (measure) {
                metrics.recommendationLatency(clock.millis() - timestamp);
            }
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

    /** Forwards the input record unchanged to the dead-letter topic, with the reason and origin as headers. */
    private void deadLetter(Record<byte[], byte[]> record, RecordMetadata meta, String position, RejectReason reason) {
        context.forward(deadLetters.letter(record, meta, position, reason), WatcherTopology.DLQ_SINK);
    }
}
