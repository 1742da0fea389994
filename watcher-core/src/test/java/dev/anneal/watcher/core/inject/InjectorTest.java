package dev.anneal.watcher.core.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pacing (as fast as possible, a fixed rate, the recording's spacing times X) with an injected
 * clock and sleeper, event-time stamping, recordings and the generator's determinism.
 */
class InjectorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");

    @TempDir
    Path dir;

    /** A clock the fake sleeper moves. */
    private Instant now = T0;
    private final List<Long> sleeps = new ArrayList<>();
    private final Injector injector = new Injector(new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }, millis -> {
        sleeps.add(millis);
        now = now.plusMillis(millis);
    });

    private record Sent(String key, JsonNode value, long ts) {
    }

    private final List<Sent> sent = new ArrayList<>();

    private void sink(String key, byte[] value, long ts) throws Exception {
        sent.add(new Sent(key, JSON.readTree(new String(value, StandardCharsets.UTF_8)), ts));
    }

    @Test
    void asFastAsPossibleNeverSleepsAndStampsTheClock() throws Exception {
        Injector.Result r = injector.inject(three(), new Pacing.AsFastAsPossible(), this::sink);
        assertThat(sleeps).isEmpty();
        assertThat(r).isEqualTo(new Injector.Result(3, 0, T0.toEpochMilli(), T0.toEpochMilli()));
        assertThat(sent).extracting(s -> s.value().get("ts").asText()).containsOnly("2026-11-28T12:00:00Z");
        assertThat(sent).allSatisfy(s -> {
            assertThat(s.key()).isEqualTo("qa");
            assertThat(s.value().get("synthetic").asBoolean()).isTrue();
            assertThat(s.value().get("run_id").asText()).isEqualTo("qa");
        });
    }

    @Test
    void aFixedRateSleepsBetweenRecordsAndTimeFollowsTheClock() throws Exception {
        injector.inject(three(), Pacing.parseRate("4/s"), this::sink);
        assertThat(sleeps).containsExactly(250L, 250L);
        assertThat(sent).extracting(Sent::ts).containsExactly(T0.toEpochMilli(), T0.toEpochMilli() + 250,
                T0.toEpochMilli() + 500);
        assertThat(Pacing.parseRate("30/m")).isEqualTo(new Pacing.Rate(0.5));
        assertThat(Pacing.parseRate("2")).isEqualTo(new Pacing.Rate(2));
        assertThatThrownBy(() -> Pacing.parseRate("fast")).hasMessage(
                "--rate 'fast' is not a rate; write records per second as 10/s (or per minute as 30/m)");
        assertThatThrownBy(() -> Pacing.parseRate("0/s")).hasMessage("--rate '0/s' must be positive");
    }

    @Test
    void speedReplaysTheRecordingsOwnSpacingScaled() throws Exception {
        Path file = dir.resolve("rec.jsonl");
        Files.writeString(file, """
                {"run_id": "orig", "ts": "2025-10-15T00:00:00Z", "data": {"loss_total": 1.0}}
                {"run_id": "orig", "ts": "2025-10-15T00:01:00Z", "data": {"loss_total": 1.1}}
                {"run_id": "orig", "kind": "ppo", "ts": "2025-10-15T00:01:30Z", "data": {"loss_total": 1.2}}
                """);
        List<SyntheticMessage> rec = Recording.read(file, "qa");
        assertThat(rec).extracting(SyntheticMessage::offsetMillis).containsExactly(0L, 60_000L, 90_000L);
        injector.inject(rec, new Pacing.Speed(10), this::sink);
        assertThat(sleeps).containsExactly(6_000L, 3_000L);
        assertThat(sent).extracting(s -> s.value().get("run_id").asText()).containsOnly("qa");
        assertThat(sent.get(2).value().get("kind").asText()).isEqualTo("ppo");
        assertThat(sent.get(2).value().get("data").toString()).isEqualTo("{\"loss_total\":1.2}");
    }

    @Test
    void speedNeedsTimestampsAndRecordingsMustBeJson() throws Exception {
        Path bare = dir.resolve("bare.jsonl");
        Files.writeString(bare, "{\"loss_total\": 1.0}\n{\"loss_total\": 1.1}\n");
        List<SyntheticMessage> rec = Recording.read(bare, "qa");
        assertThat(rec).extracting(m -> m.data().toString()).containsExactly("{\"loss_total\":1.0}",
                "{\"loss_total\":1.1}");
        assertThatThrownBy(() -> injector.inject(rec, new Pacing.Speed(1), this::sink)).hasMessage(
                "--speed needs timestamps on every record (envelope ts); this one has none, use --rate instead");
        Path broken = dir.resolve("broken.jsonl");
        Files.writeString(broken, "{\"a\": 1}\n{\"a\": \n");
        assertThatThrownBy(() -> Recording.read(broken, "qa")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(broken + ":").hasMessageContaining("inject reads NDJSON lines or JSON documents");
    }

    @Test
    void recordedTownletFilesReadAsPayloads() throws Exception {
        Path summary = Path.of("../testdata/townlet/artifacts/m5/acceptance/summary_idle_v1_rehearsal.json");
        List<SyntheticMessage> one = Recording.read(summary, "qa");
        assertThat(one).hasSize(1);
        assertThat(one.get(0).data().get("status").asText()).isEqualTo("PASS");
        Path ppo = Path.of("../testdata/townlet/artifacts/phase4/queue_conflict/ppo_mixed.jsonl");
        assertThat(Recording.read(ppo, "qa")).hasSizeGreaterThan(1)
                .allSatisfy(m -> assertThat(m.data().has("loss_total")).isTrue());
    }

    @Test
    void backdatedMessagesAreStampedInThePast() throws Exception {
        injector.inject(List.of(three().get(0).backdated(660_000)), new Pacing.AsFastAsPossible(), this::sink);
        assertThat(sent.get(0).ts()).isEqualTo(T0.toEpochMilli() - 660_000);
        assertThat(sent.get(0).value().get("ts").asText()).isEqualTo("2026-11-28T11:49:00Z");
    }

    @Test
    void scenariosAreDeterministicAndSeedDependent() {
        for (Scenario s : Scenario.values()) {
            assertThat(new ScenarioGenerator(7).generate(s, "qa", 12))
                    .as(s.id()).isEqualTo(new ScenarioGenerator(7).generate(s, "qa", 12));
        }
        assertThat(new ScenarioGenerator(7).generate(Scenario.HEALTHY, "qa", 12))
                .isNotEqualTo(new ScenarioGenerator(8).generate(Scenario.HEALTHY, "qa", 12));
        assertThat(new ScenarioGenerator().generate(Scenario.HEALTHY, "qa", 20)).hasSize(22);
        assertThatThrownBy(() -> new ScenarioGenerator().generate(Scenario.HEALTHY, "qa", 3))
                .hasMessage("--count must be between 8 and 100000 PPO records, was 3");
        assertThat(Scenario.byId("Loss-Drift")).contains(Scenario.LOSS_DRIFT);
        assertThat(Scenario.LOSS_DRIFT.outcome()).isEqualTo("ROLLBACK (loss_drift_rollback)");
        assertThat(Scenario.MALFORMED.outcome()).isEqualTo("PASS, 6 dead letters");
    }

    private static List<SyntheticMessage> three() {
        return new ScenarioGenerator().generate(Scenario.HEALTHY, "qa", 8).subList(0, 3);
    }

}
