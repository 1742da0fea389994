package dev.anneal.watcher.core.stream;

import dev.anneal.watcher.rules.engine.CompiledRule;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.engine.RuleState;
import dev.anneal.watcher.rules.engine.RunState;
import dev.anneal.watcher.rules.engine.RunStateCodec;
import dev.anneal.watcher.rules.engine.TaskSilences;
import dev.anneal.watcher.rules.model.Ack;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.Evidence;
import dev.anneal.watcher.rules.model.Recommendation;
import dev.anneal.watcher.rules.model.RunStatus;
import dev.anneal.watcher.rules.model.Severity;
import dev.anneal.watcher.rules.model.Silence;
import dev.anneal.watcher.rules.model.SourcePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-only views of the run states this daemon instance holds, for {@code /api/runs} and
 * {@code /api/runs/{id}}. It reads the {@value WatcherTopology#STORE} store through interactive
 * queries, so it sees the runs of the partitions assigned to this instance only; with several
 * instances a run lives on exactly one of them.
 *
 * <p>States are decoded with the current rule set, as the processor will decode them at the run's
 * next record: after a reload, a changed rule's alert is no longer active here either. An expired
 * run is deleted from the store, so it is not listed; an ended one is, until it expires.
 *
 * <p>A store handle goes stale when partitions move; create a {@code RunQueries} per request
 * (it is cheap) with {@link #localStore(KafkaStreams)}, which throws
 * {@link org.apache.kafka.streams.errors.InvalidStateStoreException} while the store is not
 * queryable (starting, rebalancing): answer "try again" then.
 */
public final class RunQueries {

    private static final Logger LOG = LoggerFactory.getLogger(RunQueries.class);

    /**
     * One run in the list.
     *
     * @param runId        the run
     * @param action       its current recommendation's action, or null before its first recommendation
     * @param latched      whether that action is held by a FREEZE/ROLLBACK latch
     * @param reasons      the recommendation's reasons
     * @param activeAlerts how many of its alerts are pending or firing
     * @param changedAt    the record where the recommendation last changed, or null
     * @param status       active, or ended (and kept until it expires)
     * @param records      its accepted records
     * @param lastRecordAt event time of its latest timestamped record (epoch ms), or null
     * @param synthetic    whether its recommendation came from a synthetic record (a drill)
     */
    public record RunOverview(String runId, Action action, boolean latched, List<String> reasons, int activeAlerts,
            SourcePosition changedAt, RunStatus status, long records, Long lastRecordAt, boolean synthetic) {
        public RunOverview {
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(status, "status");
            reasons = List.copyOf(reasons);
        }
    }

    /**
     * One pending or firing alert of a run, as the rule's state holds it now.
     *
     * @param rule       rule id
     * @param alertId    the alert's deterministic id (as published on the alerts topic)
     * @param state      {@code PENDING} or {@code FIRING}
     * @param severity   the rule's severity
     * @param action     the action the rule recommends while firing
     * @param value      the latest observed value (null when the rule defines none)
     * @param threshold  the latest threshold (null when the rule defines none)
     * @param startedAt  the record where the alert started
     * @param lastSource the latest record that confirmed it (null when unknown)
     * @param reasons    the rule's reason texts for the latest confirmation
     * @param acked      the operator's acknowledgement, or null
     * @param silenced   the silence covering it now, or null
     */
    public record ActiveAlert(String rule, String alertId, AlertState state, Severity severity, Action action,
            Double value, Double threshold, SourcePosition startedAt, SourcePosition lastSource,
            List<String> reasons, Ack acked, Silence silenced) {

        /** An alert no operator touched. */
        public ActiveAlert(String rule, String alertId, AlertState state, Severity severity, Action action,
                Double value, Double threshold, SourcePosition startedAt, SourcePosition lastSource,
                List<String> reasons) {
            this(rule, alertId, state, severity, action, value, threshold, startedAt, lastSource, reasons, null, null);
        }

        public ActiveAlert {
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(alertId, "alertId");
            Objects.requireNonNull(state, "state");
            if (state != AlertState.PENDING && state != AlertState.FIRING) {
                throw new IllegalArgumentException("an active alert is pending or firing, not " + state);
            }
            reasons = List.copyOf(reasons);
        }
    }

    /**
     * Everything the daemon holds about one run.
     *
     * @param runId          the run
     * @param recommendation its current recommendation (empty before its first one)
     * @param latched        the FREEZE/ROLLBACK latch, or null
     * @param activeAlerts   pending and firing alerts, in rule order
     * @param evidence       the evidence behind the current recommendation (firing and latched alerts)
     * @param ruleSet        digest of the rule set the view was decoded with
     * @param status         active, or ended
     * @param endedAt        when it ended (epoch ms), or null
     * @param endReason      why it ended, or null
     * @param records        its accepted records
     * @param lastRecordAt   event time of its latest timestamped record (epoch ms), or null
     * @param silences       the silences in force for it: its own, then those of every run
     * @param audit          its latest audit records, oldest first
     */
    public record RunDetail(String runId, Optional<Recommendation> recommendation, Action latched,
            List<ActiveAlert> activeAlerts, List<Evidence> evidence, String ruleSet, RunStatus status, Long endedAt,
            String endReason, long records, Long lastRecordAt, List<Silence> silences, List<AuditRecord> audit) {
        public RunDetail {
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(recommendation, "recommendation");
            Objects.requireNonNull(status, "status");
            activeAlerts = List.copyOf(activeAlerts);
            evidence = List.copyOf(evidence);
            silences = List.copyOf(silences);
            audit = List.copyOf(audit);
        }
    }

    private final ReadOnlyKeyValueStore<String, byte[]> store;
    private final ReadOnlyKeyValueStore<String, byte[]> silenceStore;
    private final RuleSet ruleSet;
    private final RunStateCodec codec;

    /**
     * Views without the silences of every run.
     *
     * @param store the run-state store ({@link #localStore(KafkaStreams)}, or a test driver's store)
     * @param rules the rule set the daemon evaluates
     */
    public RunQueries(ReadOnlyKeyValueStore<String, byte[]> store, RuleSetHolder rules) {
        this(store, null, rules);
    }

    /**
     * @param store        the run-state store ({@link #localStore(KafkaStreams)}, or a test driver's store)
     * @param silenceStore the silences store ({@link #localSilences(KafkaStreams)}), or null
     * @param rules        the rule set the daemon evaluates
     */
    public RunQueries(ReadOnlyKeyValueStore<String, byte[]> store, ReadOnlyKeyValueStore<String, byte[]> silenceStore,
            RuleSetHolder rules) {
        this.store = Objects.requireNonNull(store, "store");
        this.silenceStore = silenceStore;
        this.ruleSet = rules.ruleSet();
        this.codec = new RunStateCodec(ruleSet);
    }

    /**
     * This instance's view of the silences store (the silences of every run, per task).
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while it is not queryable
     */
    public static ReadOnlyKeyValueStore<String, byte[]> localSilences(KafkaStreams streams) {
        return streams.store(StoreQueryParameters.fromNameAndType(WatcherTopology.SILENCES_STORE,
                QueryableStoreTypes.keyValueStore()));
    }

    /**
     * This instance's view of the run-state store.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while it is not queryable
     */
    public static ReadOnlyKeyValueStore<String, byte[]> localStore(KafkaStreams streams) {
        return streams.store(StoreQueryParameters.fromNameAndType(WatcherTopology.STORE,
                QueryableStoreTypes.keyValueStore()));
    }

    /** Every run this instance holds, ordered by run id. */
    public List<RunOverview> runs() {
        List<RunOverview> out = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> entry = it.next();
                decode(entry.key, entry.value).ifPresent(run -> out.add(overview(run)));
            }
        }
        out.sort((a, b) -> a.runId().compareTo(b.runId()));
        return out;
    }

    /** One run, or empty when this instance holds no such run. */
    public Optional<RunDetail> run(String runId) {
        byte[] stored = store.get(runId);
        if (stored == null) {
            return Optional.empty();
        }
        return decode(runId, stored).map(this::detail);
    }

    private Optional<RunState> decode(String runId, byte[] stored) {
        try {
            return Optional.of(codec.decode(stored));
        } catch (IllegalArgumentException e) {
            LOG.warn("the stored state of run {} cannot be read and is left out: {}", runId, e.getMessage());
            return Optional.empty();
        }
    }

    private RunOverview overview(RunState run) {
        int active = 0;
        for (CompiledRule rule : ruleSet.rules()) {
            if (isActive(run.rule(rule.index()))) {
                active++;
            }
        }
        Recommendation rec = run.recommendation();
        return new RunOverview(run.runId(), rec == null ? null : rec.action(), rec != null && rec.latched(),
                rec == null ? List.of() : rec.reasons(), active, rec == null ? null : rec.source(), run.status(),
                run.records(), run.lastRecordAt().isPresent() ? run.lastRecordAt().getAsLong() : null,
                rec != null && rec.synthetic());
    }

    private RunDetail detail(RunState run) {
        List<Silence> silences = new ArrayList<>(run.silences());
        silences.addAll(taskSilences());
        List<ActiveAlert> alerts = new ArrayList<>();
        for (CompiledRule rule : ruleSet.rules()) {
            RuleState st = run.rule(rule.index());
            if (isActive(st)) {
                Map<String, String> labels = rule.alertLabels(run.runId());
                Silence covering = silences.stream()
                        .filter(x -> x.matcher().matches(rule.id(), labels)).findFirst().orElse(null);
                alerts.add(new ActiveAlert(rule.id(), st.alertId(), st.state(), rule.severity(), rule.action(),
                        st.lastValue(), st.lastThreshold(), st.startedAt(), st.lastSource(), st.reasons(), st.ack(),
                        covering));
            }
        }
        Recommendation rec = run.recommendation();
        return new RunDetail(run.runId(), Optional.ofNullable(rec), run.latched(), alerts,
                rec == null ? List.of() : rec.evidence(), ruleSet.digest(), run.status(),
                run.endedAt().isPresent() ? run.endedAt().getAsLong() : null, run.endReason(), run.records(),
                run.lastRecordAt().isPresent() ? run.lastRecordAt().getAsLong() : null, silences, run.audit());
    }

    /** The silences of every run this instance's tasks hold, without duplicates (each task has a copy). */
    private List<Silence> taskSilences() {
        List<Silence> out = new ArrayList<>();
        if (silenceStore == null) {
            return out;
        }
        try (KeyValueIterator<String, byte[]> it = silenceStore.all()) {
            while (it.hasNext()) {
                try {
                    for (Silence s : TaskSilences.decode(it.next().value).all()) {
                        if (out.stream().noneMatch(k -> k.id().equals(s.id()))) {
                            out.add(s);
                        }
                    }
                } catch (IllegalArgumentException e) {
                    LOG.warn("the stored silences of every run cannot be read and are left out: {}", e.getMessage());
                }
            }
        }
        return out;
    }

    private static boolean isActive(RuleState st) {
        return st.state() == AlertState.PENDING || st.state() == AlertState.FIRING;
    }
}
