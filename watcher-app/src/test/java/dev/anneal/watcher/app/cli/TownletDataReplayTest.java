package dev.anneal.watcher.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * Replays every recorded townlet file in {@code <projectRoot>/../shared/townlet/data}, one file
 * per replay, with the default pack and with {@code townlet-watch}: nothing may crash and every
 * record must be accounted for. The decisions are printed and written to
 * {@code target/townlet-decisions.tsv} (pack, file, decision, per-run decisions, counts) as the
 * raw material for an expected-decision table.
 */
class TownletDataReplayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> DECISIONS = new TreeMap<>();

    static Path dataDir() {
        return CliRunner.projectRoot().resolve("../shared/townlet/data").normalize();
    }

    static Stream<Arguments> replays() throws IOException {
        Path data = dataDir();
        if (!Files.isDirectory(data)) {
            return Stream.of(Arguments.of(BuiltinPacks.DEFAULT, ""));
        }
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
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("replays")
    void replaysWithoutCrashingAndAccountsForEveryRecord(String pack, String file) throws Exception {
        assumeTrue(!file.isEmpty(), "no townlet data at " + dataDir());
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

        StringBuilder runs = new StringBuilder();
        for (JsonNode run : summary.path("runs")) {
            if (runs.length() > 0) {
                runs.append(' ');
            }
            runs.append(run.path("run_id").asText()).append('=').append(run.path("decision").asText());
        }
        String line = pack + "\t" + file + "\t" + summary.path("decision").asText() + "\t" + runs
                + "\tread=" + read + " accepted=" + accepted + " rejected=" + rejected
                + "\trule_errors=" + summary.path("rule_errors").size();
        System.out.println("townlet-decision\t" + line);
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
        StringBuilder sb = new StringBuilder("pack\tfile\tdecision\truns\trecords\trule_errors\n");
        DECISIONS.values().forEach(l -> sb.append(l).append('\n'));
        Files.writeString(out, sb.toString(), StandardCharsets.UTF_8);
    }
}
