package dev.anneal.watcher.core.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.core.decode.DecodeResult;
import dev.anneal.watcher.core.decode.Ordinal;
import dev.anneal.watcher.core.decode.Rejection;
import dev.anneal.watcher.core.decode.TelemetryDecoder;
import dev.anneal.watcher.core.pipeline.EventTime;
import dev.anneal.watcher.core.pipeline.InMemoryRunStore;
import dev.anneal.watcher.core.pipeline.PipelineSink;
import dev.anneal.watcher.core.pipeline.RecordCheck;
import dev.anneal.watcher.core.pipeline.RecordPipeline;
import dev.anneal.watcher.core.pipeline.RunStore;
import dev.anneal.watcher.rules.engine.RuleSet;
import dev.anneal.watcher.rules.engine.RunStateCodec;
import dev.anneal.watcher.rules.engine.RunState;
import dev.anneal.watcher.rules.engine.Step;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The daemon's run store behind the pipeline: with any cache size it gives every run exactly what
 * replay's in-memory store gives it (records, wall-clock advances, a rules switch that settles a
 * retired alert; runs due at the same advance come in store order, which differs), and it
 * replaces a stored state it cannot read once, counting it.
 */
class KeyValueRunStoreTest {

    private static final RuleSet BEFORE = StreamHarness.annealGates();
    private static final RuleSet AFTER = StreamHarness.annealGates(Map.of("kl_gate", "0.02"));
    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000L;

    @TempDir
    Path stateDir;

    /** Every callback as text, per run: accepted records and each step in full (rejections under "-"). */
    private static final class Recorder implements PipelineSink {
        final Map<String, List<String>> byRun = new TreeMap<>();

        private void add(String runId, String line) {
            byRun.computeIfAbsent(runId, r -> new ArrayList<>()).add(line);
        }

        @Override
        public void rejected(Rejection rejection) {
            add("-", "rejected " + rejection);
        }

        @Override
        public void accepted(TelemetryRecord record) {
            add(record.runId(), "accepted " + record.position());
        }

        @Override
        public void step(String runId, Step step, Cause cause) {
            add(runId, cause + " " + step);
        }

        @Override
        public void expired(RunState last) {
            add(last.runId(), "expired");
        }
    }

    private KeyValueStore<String, byte[]> kafkaStore() {
        return StreamHarness.runStateStore(new MockProcessorContext<>(StreamsConfigs.defaults("mock:9092", stateDir)));
    }

    /** Three runs (a spike, a healthy one, one that falls silent), a clock, a reload that retires kl_gate. */
    private static Map<String, List<String>> drive(RunStore store) {
        Recorder sink = new Recorder();
        RecordPipeline pipeline = new RecordPipeline(BEFORE, store, EventTime.PER_RUN, sink);
        TelemetryDecoder decoder = new TelemetryDecoder();
        Ordinal ordinal = new Ordinal();
        String[][] records = {
                {"a", "0", Telemetry.healthy()}, {"b", "0", Telemetry.healthy()}, {"c", "1", Telemetry.healthy()},
                {"a", "2", Telemetry.spike()}, {"b", "3", Telemetry.healthy()}, {"a", "4", Telemetry.healthy()},
                {"b", "5", Telemetry.spike()}, {"b", "12", Telemetry.healthy()}, {"a", "13", Telemetry.spike()}};
        int line = 0;
        for (String[] r : records) {
            long at = T0 + Long.parseLong(r[1]) * MINUTE;
            String json = Telemetry.envelope(r[0], Instant.ofEpochMilli(at), r[2]);
            for (DecodeResult result : decoder.decodeMessage("t", ++line, json.getBytes(StandardCharsets.UTF_8), r[0],
                    ordinal)) {
                pipeline.accept(result, RecordCheck.NONE);
            }
            if (line == 6) {
                pipeline.advanceTo(at + 20 * MINUTE); // every run is silent by then; a and b resolve later
            }
        }
        RuleSetHolder holder = new RuleSetHolder(BEFORE);
        holder.swap(AFTER);
        pipeline.switchRules(AFTER, holder.current().retired()::get, T0 + 30 * MINUTE);
        pipeline.switchRules(AFTER, holder.current().retired()::get, T0 + 31 * MINUTE);
        pipeline.advanceTo(T0 + 60 * MINUTE);
        return sink.byRun;
    }

    @ParameterizedTest(name = "cache of {0}")
    @ValueSource(ints = {0, 1, RunStateCache.DEFAULT_CAPACITY})
    void theDaemonsStoreGivesWhatReplaysStoreGives(int cacheCapacity) {
        Map<String, List<String>> inMemory = drive(new InMemoryRunStore());
        assertThat(inMemory).as("the drive fires, resolves and settles").containsOnlyKeys("a", "b", "c");
        assertThat(inMemory.get("c")).anyMatch(l -> l.startsWith("CLOCK") && l.contains("stale_telemetry"));
        assertThat(inMemory.get("a")).anyMatch(l -> l.startsWith("RULES_SWITCH") && l.contains("kl_gate"));
        Map<String, List<String>> daemon = drive(new KeyValueRunStore(kafkaStore(), new RunStateCache(cacheCapacity),
                new WatcherMetrics()));
        assertThat(daemon).isEqualTo(inMemory);
    }

    @Test
    void anUnreadableStateIsReplacedOnceAndCounted() {
        KeyValueStore<String, byte[]> kafka = kafkaStore();
        kafka.put("run-x", "not a run state".getBytes(StandardCharsets.UTF_8));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        KeyValueRunStore store = new KeyValueRunStore(kafka, new RunStateCache(0), new WatcherMetrics(registry));
        RecordPipeline pipeline = new RecordPipeline(BEFORE, store, EventTime.PER_RUN, new Recorder());
        // The task's start scans the store once (the processor's first switch to the current rules).
        pipeline.switchRules(BEFORE, fingerprint -> null, T0);
        pipeline.advanceTo(T0);
        assertThat(registry.get(WatcherMetrics.STATE_ERRORS).counter().count()).isEqualTo(1);
        assertThat(new RunStateCodec(BEFORE).decode(kafka.get("run-x")).runId()).isEqualTo("run-x");
        pipeline.advanceTo(T0 + MINUTE);
        assertThat(store.load("run-x").recommendation()).as("a fresh state").isNull();
        assertThat(registry.get(WatcherMetrics.STATE_ERRORS).counter().count()).isEqualTo(1);
    }
}
