package dev.anneal.watcher.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.watcher.app.cli.CliRunner.Result;
import dev.anneal.watcher.rules.load.BuiltinPacks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays every recorded townlet file in {@code <projectRoot>/testdata/townlet} (copied from shared/townlet/data), one file
 * per replay, with the default pack and with {@code townlet-watch} (and the two rehearsal
 * summaries with {@code promotion-evaluate}): nothing may crash, every record must be accounted
 * for, and each decision must be the one in {@link #EXPECTED}, justified there from rules.md.
 * A recorded file without an expectation fails the test, so new data cannot slip through.
 */
class TownletDataReplayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> DECISIONS = new TreeMap<>();

    /** pack + file -> "DECISION accepted/rejected". */
    private static final Map<String, String> EXPECTED = new TreeMap<>();

    private static void expect(String pack, String file, String decision, int accepted, int rejected) {
        EXPECTED.put(pack + " " + file, decision + " " + accepted + "/" + rejected);
    }

    static {
        // anneal-gates. The phase4 logs are healthy small-scale runs (kl <= 0.04, grad <= 2.4,
        // steady entropy, no anneal records, no configured scenario baselines): no gate applies.
        for (String f : List.of("artifacts/phase4/employment_punctuality/ppo_mixed.jsonl",
                "artifacts/phase4/queue_conflict/ppo_mixed.jsonl", "artifacts/phase4/rivalry_decay/ppo_mixed.jsonl")) {
            expect("anneal-gates", f, "PASS", 2, 0);
        }
        expect("anneal-gates", "artifacts/phase4/employment_punctuality_long/soak_watch.jsonl", "PASS", 12, 0);
        expect("anneal-gates", "artifacts/phase4/kitchen_breakfast_long/soak_watch.jsonl", "PASS", 12, 0);
        // The soak log lacks the social keys, which anneal-gates does not require.
        expect("anneal-gates", "artifacts/phase4/queue_conflict_soak/ppo_soak.jsonl", "PASS", 12, 0);
        expect("anneal-gates", "docs/samples/ppo_conflict_telemetry.jsonl", "PASS", 1, 0);
        expect("anneal-gates", "docs/samples/ppo_epoch_log.jsonl", "PASS", 1, 0);
        // G0 records have no kl_divergence, which the KL gates need: rejected, nothing evaluable -> HOLD.
        expect("anneal-gates", "docs/samples/ppo_log.jsonl", "HOLD", 0, 2);
        // One passing rehearsal (BC 1.0, flags false): not yet required_passes (2) -> PASS, not PROMOTE (R6).
        expect("anneal-gates", "artifacts/m5/acceptance/summary_idle_v1_rehearsal.json", "PASS", 3, 0);
        expect("anneal-gates", "artifacts/m5/acceptance/summary_idle_v1.json", "PASS", 1, 0);
        // World telemetry (K10) and a BC manifest are not telemetry the watcher evaluates: every
        // record rejected with its reason, nothing evaluable -> HOLD.
        expect("anneal-gates", "audit/baselines/worldstate_phase4/snapshots/telemetry_stream.jsonl", "HOLD", 0, 120);
        expect("anneal-gates", "data/bc_datasets/manifests/idle_v1.json", "HOLD", 0, 2);

        // townlet-watch with townlet's defaults (only anneal_bc_min 0.9 and anneal_loss_max 0.1 on):
        // data.md says the HEAD watcher accepts these logs without a breach.
        for (String f : List.of("artifacts/phase4/employment_punctuality/ppo_mixed.jsonl",
                "artifacts/phase4/queue_conflict/ppo_mixed.jsonl", "artifacts/phase4/rivalry_decay/ppo_mixed.jsonl")) {
            expect("townlet-watch", f, "PASS", 2, 0);
        }
        expect("townlet-watch", "artifacts/phase4/employment_punctuality_long/soak_watch.jsonl", "PASS", 12, 0);
        expect("townlet-watch", "artifacts/phase4/kitchen_breakfast_long/soak_watch.jsonl", "PASS", 12, 0);
        expect("townlet-watch", "docs/samples/ppo_conflict_telemetry.jsonl", "PASS", 1, 0);
        // data.md: the watcher rejects these (missing social keys; v1.0 and G0 lack v1.1 keys).
        expect("townlet-watch", "artifacts/phase4/queue_conflict_soak/ppo_soak.jsonl", "HOLD", 0, 12);
        expect("townlet-watch", "docs/samples/ppo_epoch_log.jsonl", "HOLD", 0, 1);
        expect("townlet-watch", "docs/samples/ppo_log.jsonl", "HOLD", 0, 2);
        // The rehearsal's PPO stage carries every key; BC 1.0 >= 0.9 and a null loss baseline: quiet.
        expect("townlet-watch", "artifacts/m5/acceptance/summary_idle_v1_rehearsal.json", "PASS", 3, 0);
        expect("townlet-watch", "artifacts/m5/acceptance/summary_idle_v1.json", "PASS", 1, 0);
        expect("townlet-watch", "audit/baselines/worldstate_phase4/snapshots/telemetry_stream.jsonl", "HOLD", 0, 120);
        expect("townlet-watch", "data/bc_datasets/manifests/idle_v1.json", "HOLD", 0, 2);

        // promotion-evaluate: data.md section C gives townlet's own results.
        expect("promotion-evaluate", "artifacts/m5/acceptance/summary_idle_v1_rehearsal.json", "HOLD", 3, 0);
        expect("promotion-evaluate", "artifacts/m5/acceptance/summary_idle_v1.json", "PROMOTE", 1, 0);
    }

    static Path dataDir() {
        return CliRunner.projectRoot().resolve("testdata/townlet");
    }

    static Stream<Arguments> replays() throws IOException {
        Path data = dataDir();
        List<String> files;
        try (Stream<Path> walk = Files.walk(data)) {
            files = walk.filter(Files::isRegularFile).map(p -> data.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        }
        List<Arguments> out = new ArrayList<>();
        for (String pack : List.of(BuiltinPacks.DEFAULT, "townlet-watch")) {
            for (String f : files) {
                out.add(Arguments.of(pack, f));
            }
        }
        for (String f : files) {
            if (f.startsWith("artifacts/m5/acceptance/summary_")) {
                out.add(Arguments.of("promotion-evaluate", f));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("replays")
    void replaysEveryRecordedFileWithTheJustifiedDecision(String pack, String file) throws Exception {
        Path path = dataDir().resolve(file);
        Result r = CliRunner.run("replay", "--rules", pack, "--json", path.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.err()).as(r.toString()).isEmpty();
        JsonNode summary = JSON.readTree(r.out());
        long read = summary.path("records").path("read").asLong();
        long accepted = summary.path("records").path("accepted").asLong();
        long rejected = summary.path("records").path("rejected").asLong();
        assertThat(read).isPositive().isEqualTo(accepted + rejected);
        assertThat(summary.path("rejected").size()).isEqualTo((int) rejected);
        assertThat(summary.path("rule_errors").size()).as("rule errors on %s", file).isZero();
        assertThat(summary.path("decision").asText() + " " + accepted + "/" + rejected)
                .as("%s with %s (add the file to EXPECTED with a justification)", file, pack)
                .isEqualTo(EXPECTED.get(pack + " " + file));

        String line = pack + "\t" + file + "\t" + summary.path("decision").asText()
                + "\tread=" + read + " accepted=" + accepted + " rejected=" + rejected;
        synchronized (DECISIONS) {
            DECISIONS.put(pack + "\t" + file, line);
        }
    }

    @AfterAll
    static void writeTable() throws IOException {
        if (DECISIONS.isEmpty()) {
            return;
        }
        Path out = Path.of("target", "townlet-decisions.tsv");
        Files.createDirectories(out.getParent());
        StringBuilder sb = new StringBuilder("pack\tfile\tdecision\trecords\n");
        DECISIONS.values().forEach(l -> sb.append(l).append('\n'));
        Files.writeString(out, sb.toString(), StandardCharsets.UTF_8);
    }
}
