package dev.anneal.watcher.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.watcher.rules.EngineHarness;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.load.RuleFileLoader;
import dev.anneal.watcher.rules.load.RuleSetCompiler;
import dev.anneal.watcher.rules.model.FieldValues;
import dev.anneal.watcher.rules.model.RecordKind;
import dev.anneal.watcher.rules.model.SourcePosition;
import dev.anneal.watcher.rules.model.TelemetryRecord;
import dev.anneal.watcher.rules.model.Action;
import dev.anneal.watcher.rules.model.AlertState;
import dev.anneal.watcher.rules.model.Evidence;
import dev.anneal.watcher.rules.model.Recommendation;
import dev.anneal.watcher.rules.model.RunStatus;
import dev.anneal.watcher.rules.model.Ack;
import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.CommandOutcome;
import dev.anneal.watcher.rules.model.CommandType;
import dev.anneal.watcher.rules.model.OperatorCommand;
import dev.anneal.watcher.rules.model.Silence;
import dev.anneal.watcher.rules.model.SilenceMatcher;
import dev.anneal.watcher.rules.model.Severity;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The daemon keeps run state in a store between records; a restart resumes from the stored
 * bytes. Storing and reloading the state between every record must change nothing: the same
 * records give the same steps as an engine that never let go of its state.
 */
class RunStateCodecTest {

    private static RuleSet rules(Map<String, String> params) throws Exception {
        return RuleSetCompiler.compile(List.of(BuiltinPacks.load("anneal-gates"), BuiltinPacks.load("townlet-watch")),
                params);
    }

    private static List<TelemetryRecord> records(long seed, int n) {
        Random rnd = new Random(seed);
        List<TelemetryRecord> out = new ArrayList<>();
        long time = 0;
        for (int i = 0; i < n; i++) {
            time += 60_000L * (1 + rnd.nextInt(12));
            String run = "run-" + rnd.nextInt(3);
            Map<String, Object> f = new LinkedHashMap<>();
            boolean rehearsal = rnd.nextInt(10) == 0;
            if (rehearsal) {
                f.put("form", "simple");
                f.put("status_field", rnd.nextBoolean() ? "pass" : FieldValues.NULL);
                f.put("stages", List.of());
                f.put("bc_accuracy", 0.8 + rnd.nextDouble() * 0.2);
                f.put("bc_threshold", 0.8);
                f.put("bc_passed", true);
                f.put("candidate_ready_field", FieldValues.NULL);
                f.put("promotion_candidate_ready", false);
            } else {
                for (String k : List.of("epoch", "log_stream_offset", "shared_meal_events", "late_help_events",
                        "shift_takeover_events", "chat_success_events", "chat_failure_events", "chat_quality_mean",
                        "reward_advantage_corr")) {
                    f.put(k, 0.0);
                }
                f.put("loss_total", 1.0 + rnd.nextDouble());
                f.put("kl_divergence", rnd.nextDouble() * 0.08);
                f.put("grad_norm", rnd.nextDouble() * 3.5);
                f.put("batch_entropy_mean", 1.3 + rnd.nextDouble() * 0.3);
                f.put("data_mode", rnd.nextBoolean() ? "rollout" : "replay");
                f.put("queue_conflict_events", (double) rnd.nextInt(40));
                f.put("queue_conflict_intensity_sum", (double) rnd.nextInt(60));
                if (rnd.nextBoolean()) {
                    f.put("anneal_stage", "ppo");
                    f.put("anneal_loss_baseline", 1.2);
                    f.put("anneal_queue_baseline", 30.0);
                    f.put("anneal_intensity_baseline", 45.0);
                    f.put("anneal_bc_accuracy", 0.85 + rnd.nextDouble() * 0.15);
                    f.put("anneal_loss_flag", rnd.nextInt(4) == 0);
                    f.put("anneal_queue_flag", false);
                    f.put("anneal_intensity_flag", false);
                }
            }
            out.add(new TelemetryRecord(run, rehearsal ? RecordKind.REHEARSAL : RecordKind.PPO,
                    SourcePosition.line("t.jsonl", i + 1), time, true, false, f));
        }
        return out;
    }

    @Test
    void storingStateBetweenEveryRecordChangesNothing() throws Exception {
        RuleSet rs = rules(Map.of("kl_threshold", "0.05", "loss_baseline", "1.3"));
        RunStateCodec codec = new RunStateCodec(rs);
        for (long seed = 1; seed <= 5; seed++) {
            EngineHarness kept = EngineHarness.of(rs);
            Engine stored = new Engine(rs);
            Map<String, byte[]> store = new LinkedHashMap<>();
            List<String> a = new ArrayList<>();
            List<String> b = new ArrayList<>();
            long now = 0;
            for (TelemetryRecord r : records(seed, 400)) {
                now = r.eventTime();
                a.add(events(List.of(kept.advanceTime(now))));
                a.add(kept.process(r).toString());
                List<Step> clock = new ArrayList<>();
                for (String runId : store.keySet()) {
                    RunState s = codec.decode(store.get(runId));
                    clock.add(stored.advanceTime(s, now));
                    store.put(runId, codec.encode(s));
                }
                b.add(events(clock));
                RunState s = store.containsKey(r.runId()) ? codec.decode(store.get(r.runId())) : stored.newRun(r.runId());
                b.add(stored.process(s, r).toString());
                store.put(r.runId(), codec.encode(s));
            }
            assertThat(b).as("seed %d", seed).isEqualTo(a);
        }
    }

    /** The events of one clock advance, in a run-independent order (runs fire independently). */
    private static String events(List<Step> steps) {
        List<String> out = new ArrayList<>();
        for (Step st : steps) {
            st.alerts().forEach(x -> out.add(x.toString()));
            st.recommendations().forEach(x -> out.add(x.toString()));
            st.errors().forEach(x -> out.add(x.toString()));
        }
        out.sort(null);
        return String.join("\n", out);
    }

    @Test
    void aChangedRuleStartsFreshWhileTheLatchSurvives() throws Exception {
        RuleSet before = rules(Map.of());
        Engine engine = new Engine(before);
        RunState run = engine.newRun("r");
        Map<String, Object> spike = new LinkedHashMap<>();
        for (String k : List.of("epoch", "log_stream_offset", "shared_meal_events", "late_help_events",
                "shift_takeover_events", "chat_success_events", "chat_failure_events", "chat_quality_mean",
                "reward_advantage_corr", "queue_conflict_events", "queue_conflict_intensity_sum")) {
            spike.put(k, 0.0);
        }
        spike.put("loss_total", 1.0);
        spike.put("kl_divergence", 0.07);
        spike.put("grad_norm", 2.6);
        spike.put("batch_entropy_mean", 1.3);
        spike.put("data_mode", "replay");
        engine.process(run, new TelemetryRecord("r", RecordKind.PPO, SourcePosition.line("t", 1), 0, false, false,
                spike));
        assertThat(run.recommendation().action().name()).isEqualTo("ROLLBACK");
        byte[] bytes = new RunStateCodec(before).encode(run);

        RuleSet after = rules(Map.of("kl_rollback", "0.2"));
        RunState restored = new RunStateCodec(after).decode(bytes);
        int changed = after.rules().stream().filter(r -> r.id().equals("kl_grad_rollback")).findFirst().orElseThrow()
                .index();
        int unchanged = after.rules().stream().filter(r -> r.id().equals("kl_gate")).findFirst().orElseThrow().index();
        assertThat(restored.rule(changed).state().name()).isEqualTo("INACTIVE");
        assertThat(restored.rule(unchanged).state().name()).isEqualTo("FIRING");
        assertThat(restored.latched().name()).isEqualTo("ROLLBACK");
        assertThat(restored.recommendation()).isEqualTo(run.recommendation());
    }

    @Test
    void garbageIsRefusedWithAReason() throws Exception {
        RunStateCodec codec = new RunStateCodec(rules(Map.of()));
        assertThatThrownBy(() -> codec.decode("{]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a watcher run state");
        assertThatThrownBy(() -> codec.decode("{\"version\": 99, \"runId\": \"r\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("run state version 99 is not 1");
        assertThatThrownBy(() -> codec.decode(new byte[] {BinaryRunStateFormat.MAGIC, 9}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("run state version 9 is not 3 or 2");
    }

    @Test
    void aTruncatedOrExtendedBinaryStateIsRefused() throws Exception {
        RuleSet rs = rules(Map.of());
        RunStateCodec codec = new RunStateCodec(rs);
        byte[] bytes = codec.encode(randomState(rs, new Random(3), "r"));
        for (int cut : new int[] {1, 2, 3, bytes.length / 2, bytes.length - 1}) {
            assertThatThrownBy(() -> codec.decode(Arrays.copyOf(bytes, cut))).as("cut at %d", cut)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> codec.decode(Arrays.copyOf(bytes, bytes.length + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trailing bytes");
    }

    /**
     * Random states (seeded): every persisted field, nulls, NaN and infinities, negative times,
     * non-ASCII text, repeated strings, latches and evidence. Decoding gives back every field.
     */
    @Test
    void randomStatesSurviveTheBinaryRoundTrip() throws Exception {
        RuleSet rs = rules(Map.of());
        RunStateCodec codec = new RunStateCodec(rs);
        for (long seed = 1; seed <= 200; seed++) {
            RunState run = randomState(rs, new Random(seed), "run-" + seed + "-\u00e9\u4e2d");
            byte[] bytes = codec.encode(run);
            assertThat(bytes[0]).isEqualTo(BinaryRunStateFormat.MAGIC);
            RunState back = codec.decode(bytes);
            assertThat(describe(rs, back)).as("seed %d", seed).isEqualTo(describe(rs, run));
            assertThat(codec.encode(back)).as("seed %d re-encoded", seed).isEqualTo(bytes);
        }
    }

    /** More distinct strings than the writer's back-reference table holds, each repeated. */
    @Test
    void aStateWithManyDistinctStringsSurvivesTheRoundTrip() throws Exception {
        RuleSet rs = rules(Map.of());
        RunStateCodec codec = new RunStateCodec(rs);
        RunState run = randomState(rs, new Random(5), "r");
        int n = 0;
        for (CompiledRule rule : rs.rules()) {
            List<String> reasons = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                reasons.add("reason " + (n++ % 150) + " \u00e9");
            }
            reasons.add("reason 3 \u00e9");
            run.rules[rule.index()].reasons = List.copyOf(reasons);
        }
        assertThat(n).isGreaterThan(150);
        RunState back = codec.decode(codec.encode(run));
        assertThat(describe(rs, back)).isEqualTo(describe(rs, run));
    }

    /**
     * States that the watcher wrote as JSON (format version 1) before the binary form existed: the
     * fixture was written by that version's codec from {@code records(1, 400)} every 100 records.
     * Each still decodes to exactly the state an engine that kept it in memory has.
     *
     * <p>Only the {@code fp} values of three rules were edited afterwards: that version computed
     * the fingerprints of rules selecting several kinds from a set whose order changed from JVM to
     * JVM ({@code SelectorSpecTest}), and they are set to the now stable ones.
     */
    @Test
    void statesStoredAsJsonByEarlierVersionsStillDecode() throws Exception {
        RuleSet rs = rules(Map.of("kl_threshold", "0.05", "loss_baseline", "1.3"));
        RunStateCodec codec = new RunStateCodec(rs);
        Map<String, byte[]> fixture = fixture("/run-state/legacy-json-v1.tsv", codec,
                text -> text.getBytes(StandardCharsets.UTF_8));
        assertThat(fixture.values()).allSatisfy(json -> assertThat(json[0]).isEqualTo((byte) '{'));
        assertThat(compareWithFixture(rs, codec, fixture, fromJson -> { })).isEqualTo(12);
        assertThat(fixture.values()).as("the fixture covers firing alerts, latches and windows")
                .anyMatch(b -> new String(b, StandardCharsets.UTF_8).contains("\"state\":\"FIRING\""))
                .anyMatch(b -> new String(b, StandardCharsets.UTF_8).contains("\"latched\":\"ROLLBACK\""))
                .anyMatch(b -> new String(b, StandardCharsets.UTF_8).contains("\"state\":\"PENDING\""));
    }

    /**
     * States written by version 2 of the binary format (before runs had a life and operators a
     * trail) still decode, with the same alerts, windows, latches and recommendations, as
     * active runs with no silences, acknowledgements or audit. {@code run-state/binary-v2.tsv}
     * was written by that version from the same records as the JSON fixture above (at every
     * hundredth record, each run's state, in hex).
     */
    @Test
    void statesStoredInBinaryVersion2StillDecode() throws Exception {
        RuleSet rs = rules(Map.of("kl_threshold", "0.05", "loss_baseline", "1.3"));
        RunStateCodec codec = new RunStateCodec(rs);
        Map<String, byte[]> fixture = fixture("/run-state/binary-v2.tsv", codec, HexFormat.of()::parseHex);
        assertThat(fixture.values()).allSatisfy(bytes -> assertThat(bytes[1]).as("format version")
                .isEqualTo((byte) 2));
        assertThat(compareWithFixture(rs, codec, fixture, fromV2 -> {
            assertThat(fromV2.status()).isEqualTo(RunStatus.ACTIVE);
            assertThat(fromV2.silences()).isEmpty();
            assertThat(fromV2.audit()).isEmpty();
        })).isEqualTo(12);
        assertThat(fixture.values()).as("the fixture covers firing alerts and latches")
                .anyMatch(b -> codec.decode(b).latched() != null)
                .anyMatch(b -> codec.decode(b).rules[0].state() == AlertState.FIRING);
    }

    /** A fixture of stored states, one {@code RECORD<TAB>STATE} per line, keyed {@code "RECORD RUN"}. */
    private static Map<String, byte[]> fixture(String resource, RunStateCodec codec, Function<String, byte[]> bytes)
            throws Exception {
        Map<String, byte[]> fixture = new LinkedHashMap<>();
        try (InputStream in = RunStateCodecTest.class.getResourceAsStream(resource)) {
            assertThat(in).as("fixture").isNotNull();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String[] parts = line.split("\t", 2);
                byte[] state = bytes.apply(parts[1]);
                fixture.put(parts[0] + " " + codec.decode(state).runId(), state);
            }
        }
        assertThat(fixture).hasSize(12);
        return fixture;
    }

    /**
     * Feeds {@code records(1, 400)} to an engine that keeps its runs in memory and, at every
     * hundredth record, compares each run with its stored copy in {@code fixture} (and hands the
     * decoded copy to {@code check}); returns how many were compared.
     */
    private static int compareWithFixture(RuleSet rs, RunStateCodec codec, Map<String, byte[]> fixture,
            Consumer<RunState> check) {
        EngineHarness engine = EngineHarness.of(rs);
        int i = 0;
        int compared = 0;
        for (TelemetryRecord r : records(1, 400)) {
            engine.advanceTime(r.eventTime());
            engine.process(r);
            if (++i % 100 == 0) {
                for (RunState kept : engine.runs().values()) {
                    byte[] stored = fixture.get(i + " " + kept.runId());
                    assertThat(stored).as("fixture entry %d %s", i, kept.runId()).isNotNull();
                    RunState decoded = codec.decode(stored);
                    assertThat(describe(rs, decoded)).as("record %d, %s", i, kept.runId())
                            .isEqualTo(describe(rs, kept));
                    check.accept(decoded);
                    compared++;
                }
            }
        }
        return compared;
    }

    @Test
    void aChangedRuleStartsFreshFromABinaryStateWhileOthersKeepTheirs() throws Exception {
        RuleSet before = rules(Map.of());
        RunState run = randomState(before, new Random(11), "r");
        for (CompiledRule rule : before.rules()) {
            run.rules[rule.index()].state = AlertState.FIRING; // no rule is fresh, so every one is written
        }
        RuleSet after = rules(Map.of("kl_rollback", "0.2"));
        RunState restored = new RunStateCodec(after).decode(new RunStateCodec(before).encode(run));
        for (CompiledRule rule : after.rules()) {
            String expected = rule.id().equals("kl_grad_rollback") ? "INACTIVE" : "FIRING";
            assertThat(restored.rule(rule.index()).state().name()).as(rule.id()).isEqualTo(expected);
        }
        assertThat(restored.latched()).isEqualTo(run.latched());
        assertThat(restored.recommendation()).isEqualTo(run.recommendation());
    }

    // ---------------------------------------------------------------- random states

    private static final String[] TEXTS = {"a", "kl_divergence 0.07 > 0.05", "caf\u00e9 \u2615", "", "x\ty"};

    private static RunState randomState(RuleSet rs, Random rnd, String runId) {
        RunState run = new RunState(runId, rs);
        for (CompiledRule rule : rs.rules()) {
            RuleState st = run.rules[rule.index()];
            if (rnd.nextInt(4) == 0) {
                continue; // fresh
            }
            st.state = AlertState.values()[rnd.nextInt(AlertState.values().length)];
            st.alertId = rnd.nextBoolean() ? null : "alert-" + rnd.nextInt(5);
            st.startedAt = rnd.nextBoolean() ? null : position(rnd);
            st.lastSource = rnd.nextBoolean() ? null : position(rnd);
            st.matchCount = rnd.nextInt(7) - 1;
            st.pendingSince = rnd.nextLong();
            st.lastTrueTime = rnd.nextInt(3) == 0 ? -rnd.nextInt(1000) : rnd.nextLong();
            st.falseCount = rnd.nextInt(100);
            st.lastValue = rnd.nextBoolean() ? null : number(rnd);
            st.lastThreshold = rnd.nextBoolean() ? null : number(rnd);
            st.reasons = texts(rnd);
            st.seen = rnd.nextBoolean();
            st.lastSeen = rnd.nextLong();
            st.seenSynthetic = rnd.nextBoolean();
            long time = rnd.nextInt(2) == 0 ? -5_000 : 1_760_000_000_000L;
            for (WindowBuffer w : st.windows) {
                int n = rnd.nextInt(6);
                for (int i = 0; i < n; i++) {
                    time += rnd.nextInt(3) * 1_000L;
                    w.add(time, number(rnd));
                }
            }
        }
        for (int p = 0; p < run.promotionStreak.length; p++) {
            run.promotionStreak[p] = rnd.nextInt(10);
            run.promotionReasons[p] = texts(rnd);
        }
        List<Evidence> evidence = new ArrayList<>();
        for (int i = rnd.nextInt(3); i > 0; i--) {
            evidence.add(new Evidence("rule-" + rnd.nextInt(3), "alert-" + rnd.nextInt(5),
                    Action.values()[2 + rnd.nextInt(3)], Severity.values()[rnd.nextInt(3)],
                    rnd.nextBoolean() ? null : number(rnd), rnd.nextBoolean() ? null : number(rnd), position(rnd),
                    position(rnd), texts(rnd)));
        }
        if (!evidence.isEmpty() && rnd.nextBoolean()) {
            run.latched = rnd.nextBoolean() ? Action.FREEZE : Action.ROLLBACK;
            run.latchedEvidence = List.copyOf(evidence);
        }
        if (rnd.nextInt(5) > 0) {
            Action action = evidence.isEmpty() ? (rnd.nextBoolean() ? Action.PASS : Action.PROMOTE)
                    : Action.values()[2 + rnd.nextInt(3)];
            run.last = new Recommendation(runId, action, texts(rnd), action.isAlertAction() ? evidence : List.of(),
                    action.latches() && rnd.nextBoolean(), position(rnd), rnd.nextLong(), rnd.nextBoolean(),
                    rs.digest());
            run.lastKey = rnd.nextBoolean() ? null : action + "|" + rnd.nextInt(9);
        }
        randomLife(run, rs, rnd);
        return run;
    }

    /** A random life and operator trail: status, end, records, acks, silences, command ids, audit. */
    private static void randomLife(RunState run, RuleSet rs, Random rnd) {
        if (rnd.nextBoolean()) {
            run.status = RunStatus.ENDED;
            run.endedAt = rnd.nextLong();
            run.endReason = RunLifecycle.ENDED + TEXTS[rnd.nextInt(TEXTS.length)];
        }
        run.timed = rnd.nextBoolean();
        run.lastRecordAt = run.timed ? rnd.nextLong() : 0;
        run.records = rnd.nextInt(3) == 0 ? 0 : Math.abs(rnd.nextLong() >> 2);
        run.lastSynthetic = rnd.nextBoolean();
        for (CompiledRule rule : rs.rules()) {
            RuleState st = run.rules[rule.index()];
            if (st.state == AlertState.FIRING && rnd.nextBoolean()) {
                st.ack = new Ack("c-" + rnd.nextInt(9), "alice", TEXTS[rnd.nextInt(TEXTS.length)], rnd.nextLong());
            }
        }
        for (int i = rnd.nextInt(3); i > 0; i--) {
            run.silences.add(new Silence("s-" + i, new SilenceMatcher(rnd.nextBoolean() ? null : "kl_high",
                    rnd.nextBoolean() ? Map.of() : Map.of("pack", "anneal-gates", "x", TEXTS[rnd.nextInt(TEXTS.length)])),
                    rnd.nextLong(), "bob", TEXTS[rnd.nextInt(TEXTS.length)]));
        }
        for (int i = rnd.nextInt(300); i > 0; i--) {
            run.rememberCommand("cmd-" + rnd.nextInt(1000));
        }
        for (int i = rnd.nextInt(25); i > 0; i--) {
            CommandType type = CommandType.values()[rnd.nextInt(CommandType.values().length)];
            OperatorCommand c = new OperatorCommand("cmd-" + i, type, run.runId, "carol", "because " + i,
                    rnd.nextLong() >> 4, type == CommandType.ACK ? "kl_high" : null,
                    type == CommandType.SILENCE ? new SilenceMatcher(null, Map.of("severity", "critical")) : null,
                    type == CommandType.SILENCE ? 60_000L * (1 + rnd.nextInt(100)) : 0,
                    type == CommandType.UNSILENCE ? "s-1" : null, rnd.nextBoolean());
            run.keepAudit(new AuditRecord(c, CommandOutcome.values()[rnd.nextInt(3)], TEXTS[rnd.nextInt(TEXTS.length)],
                    rnd.nextLong(), rnd.nextInt(1000), rs.digest()));
        }
    }

    private static SourcePosition position(Random rnd) {
        return new SourcePosition(rnd.nextBoolean() ? "bench.input/" + rnd.nextInt(4) : "t.jsonl",
                1 + (rnd.nextBoolean() ? rnd.nextInt(100) : Math.abs(rnd.nextLong() >> 1)), rnd.nextInt(4) - 1);
    }

    private static double number(Random rnd) {
        return switch (rnd.nextInt(8)) {
            case 0 -> Double.NaN;
            case 1 -> Double.NEGATIVE_INFINITY;
            case 2 -> -0.0;
            case 3 -> rnd.nextInt(50);
            default -> rnd.nextGaussian() * 1e3;
        };
    }

    private static List<String> texts(Random rnd) {
        List<String> out = new ArrayList<>();
        for (int i = rnd.nextInt(3); i > 0; i--) {
            out.add(TEXTS[rnd.nextInt(TEXTS.length)]);
        }
        return out;
    }

    /** Every persisted field of a state, as text (doubles by their exact bits). */
    private static String describe(RuleSet rs, RunState run) {
        StringBuilder sb = new StringBuilder(run.runId).append('\n');
        for (CompiledRule rule : rs.rules()) {
            RuleState st = run.rules[rule.index()];
            sb.append(rule.id()).append(' ').append(st.fingerprint).append(' ').append(st.state).append(' ')
                    .append(st.alertId).append(' ').append(st.startedAt).append(' ').append(st.lastSource)
                    .append(' ').append(st.matchCount).append(' ').append(st.pendingSince).append(' ')
                    .append(st.lastTrueTime).append(' ').append(st.falseCount).append(' ').append(bits(st.lastValue))
                    .append(' ').append(bits(st.lastThreshold)).append(' ').append(st.reasons).append(' ')
                    .append(st.seen).append(' ').append(st.lastSeen).append(' ').append(st.seenSynthetic);
            for (WindowBuffer w : st.windows) {
                sb.append(" w").append(Arrays.toString(w.times()));
                for (double v : w.values()) {
                    sb.append(' ').append(Long.toHexString(Double.doubleToRawLongBits(v)));
                }
            }
            sb.append('\n');
        }
        sb.append(Arrays.toString(run.promotionStreak)).append(Arrays.toString(run.promotionReasons)).append('\n');
        sb.append(run.latched).append(' ').append(run.latchedEvidence).append('\n');
        sb.append(run.last).append(' ').append(run.lastKey).append('\n');
        sb.append(run.status).append(' ').append(run.endedAt).append(' ').append(run.endReason).append(' ')
                .append(run.timed).append(' ').append(run.lastRecordAt).append(' ').append(run.records).append(' ')
                .append(run.lastSynthetic).append('\n');
        for (CompiledRule rule : rs.rules()) {
            sb.append(run.rules[rule.index()].ack).append(' ');
        }
        sb.append('\n').append(run.silences).append('\n').append(run.commandIds).append('\n').append(run.audit);
        return sb.toString();
    }

    private static String bits(Double d) {
        return d == null ? "null" : Long.toHexString(Double.doubleToRawLongBits(d));
    }
}
