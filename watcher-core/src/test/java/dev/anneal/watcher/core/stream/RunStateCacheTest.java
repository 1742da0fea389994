package dev.anneal.watcher.core.stream;

import static dev.anneal.watcher.core.stream.Telemetry.annealStage;
import static dev.anneal.watcher.core.stream.Telemetry.healthy;
import static dev.anneal.watcher.core.stream.Telemetry.spike;
import static dev.anneal.watcher.core.stream.WatcherTopologyTest.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.watcher.rules.engine.Engine;
import dev.anneal.watcher.rules.engine.RetiredRules;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.engine.RunState;
import dev.anneal.watcher.rules.engine.RunStateCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor's cache of decoded run states never serves a state the store no longer backs:
 * not after a rule reload (states are laid out for the rule set that decoded them) and not after
 * the task is re-initialised (Streams restores the store from the changelog after an aborted
 * transaction and initialises the same processor again).
 */
class RunStateCacheTest {

    private static final RuleSet RULES = StreamHarness.annealGates();

    @TempDir
    Path stateDir;

    @Test
    void afterAReloadAChangedRuleStartsFreshInsteadOfContinuingItsCachedState() {
        // Only kl_gate changes (threshold 0.05 -> 0.02), so only its state is dropped by the reload.
        RuleSet after = StreamHarness.annealGates(Map.of("kl_gate", "0.02"));
        RuleSetHolder holder = new RuleSetHolder(RULES);
        try (StreamHarness h = new StreamHarness(stateDir, holder, new WatcherMetrics(),
                new StreamHarness.MutableClock(StreamHarness.START))) {
            h.send("run-a", spike());
            assertThat(h.alerts.readValuesToList()).extracting(v -> field(v, "rule") + " " + field(v, "state"))
                    .containsExactlyInAnyOrder("kl_grad_rollback firing", "kl_gate firing", "grad_gate firing");
            h.recommendations.readRecordsToList();

            assertThat(holder.swap(after)).isTrue();
            h.send("run-a", healthy());

            // The reload resolves kl_gate's old alert when the task switches (before the record);
            // a stale cached state would resolve it a second time, from the record.
            List<String> resolved = h.alerts.readValuesToList();
            assertThat(resolved).extracting(v -> field(v, "rule") + " " + field(v, "state"))
                    .containsExactly("kl_gate resolved", "kl_grad_rollback resolved", "grad_gate resolved");
            assertThat(resolved.get(0)).contains(RetiredRules.RESOLVED_BY);
            assertThat(resolved).allSatisfy(v -> assertThat(field(v, "rule_set")).isEqualTo(after.digest()));
            RunState stored = new RunStateCodec(after).decode(h.store().get("run-a"));
            assertThat(stored.latched()).as("the latch survives the reload").hasToString("ROLLBACK");
        }
    }

    @Test
    void aReinitialisedTaskReadsTheRestoredStoreNotTheCache() {
        MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>(
                StreamsConfigs.defaults("mock:9092", stateDir));
        KeyValueStore<String, byte[]> store = StreamHarness.runStateStore(context);
        WatcherProcessor processor = new WatcherProcessor(new RuleSetHolder(RULES),
                new StreamHarness.MutableClock(StreamHarness.START), new WatcherMetrics(),
                WatcherTopology.DEFAULT_ABSENCE_INTERVAL, RunStateCache.DEFAULT_CAPACITY, RunPolicy.DEFAULTS,
                WatcherTopics.DEFAULT_COMMANDS);
        processor.init(context);

        // The first breaching anneal stage leaves loss_drift_rollback pending (it needs two in a row).
        byte[] stage = annealStage(0.2, 0.03).getBytes(StandardCharsets.UTF_8);
        context.setRecordMetadata(WatcherTopics.DEFAULT_INPUT, 0, 0);
        processor.process(record("run-a", stage));
        List<String> first = forwardedValues(context);
        assertThat(first).noneMatch(v -> v.contains("\"state\":\"firing\""));
        assertThat(store.get("run-a")).isNotNull();

        // The transaction aborts: Streams closes the task dirty, restores the store from the
        // changelog (where this record's state never committed) and initialises it again.
        processor.close();
        store.delete("run-a");
        processor.init(context);
        context.resetForwards();

        // The record is processed again and must give what it gave the first time. A cached
        // state would count it twice: loss_drift_rollback would fire and the run roll back.
        processor.process(record("run-a", stage));
        assertThat(forwardedValues(context)).isEqualTo(first);
        processor.close();
    }

    @Test
    void aFullCacheServesNoStateOfTheOldRulesAfterAReload() {
        // The settling at a reload re-caches the runs it decodes only where there is room, so a
        // full cache (one run here) would keep run-a's old state if the switch did not clear it.
        RuleSetHolder holder = new RuleSetHolder(RULES);
        MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>(
                StreamsConfigs.defaults("mock:9092", stateDir));
        KeyValueStore<String, byte[]> store = StreamHarness.runStateStore(context);
        WatcherProcessor processor = new WatcherProcessor(holder, new StreamHarness.MutableClock(StreamHarness.START),
                new WatcherMetrics(), WatcherTopology.DEFAULT_ABSENCE_INTERVAL, 1, RunPolicy.DEFAULTS,
                WatcherTopics.DEFAULT_COMMANDS);
        processor.init(context);
        context.setRecordMetadata(WatcherTopics.DEFAULT_INPUT, 0, 0);
        processor.process(record("run-a", spike().getBytes(StandardCharsets.UTF_8)));
        context.resetForwards();

        holder.swap(StreamHarness.annealGates(Map.of("kl_gate", "0.02")));
        context.setRecordMetadata(WatcherTopics.DEFAULT_INPUT, 0, 1);
        processor.process(record("run-a", healthy().getBytes(StandardCharsets.UTF_8)));

        // kl_gate's old alert is resolved once, by the reload; a stale cached state would resolve it again.
        assertThat(forwardedValues(context)).filteredOn(v -> v.contains("\"rule\":\"kl_gate\"")).hasSize(1)
                .allSatisfy(v -> assertThat(v).contains(RetiredRules.RESOLVED_BY));
        processor.close();
    }

    @Test
    void theCacheKeepsTheMostRecentlyUsedRuns() {
        RunStateCache cache = new RunStateCache(2);
        RunState a = run("a");
        RunState b = run("b");
        RunState c = run("c");
        cache.put(a);
        cache.put(b);
        assertThat(cache.get("a")).isSameAs(a); // a is now more recent than b
        cache.put(c);
        assertThat(cache.get("b")).as("the least recently used run is dropped").isNull();
        assertThat(cache.get("a")).isSameAs(a);
        assertThat(cache.get("c")).isSameAs(c);
        assertThat(cache.size()).isEqualTo(2);

        cache.putIfRoom(b);
        assertThat(cache.get("b")).as("a scan does not evict").isNull();
        cache.remove("a");
        cache.putIfRoom(b);
        assertThat(cache.get("b")).isSameAs(b);
        cache.clear();
        assertThat(cache.size()).isZero();
    }

    @Test
    void aZeroCapacityCacheHoldsNothingAndANegativeOneIsRefused() {
        RunStateCache off = new RunStateCache(0);
        off.put(run("a"));
        off.putIfRoom(run("b"));
        assertThat(off.size()).isZero();
        assertThatThrownBy(() -> new RunStateCache(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the run state cache capacity must be >= 0, was -1");
    }

    private static RunState run(String id) {
        return new Engine(RULES).newRun(id);
    }

    private static Record<byte[], byte[]> record(String key, byte[] value) {
        return new Record<>(key.getBytes(StandardCharsets.UTF_8), value,
                Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    }

    private static List<String> forwardedValues(MockProcessorContext<byte[], byte[]> context) {
        return context.forwarded().stream()
                .map(f -> f.childName().orElse("?") + " " + new String(f.record().value(), StandardCharsets.UTF_8))
                .toList();
    }
}
