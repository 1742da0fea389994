package dev.anneal.watcher.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.load.BuiltinPacks;
import dev.anneal.watcher.rules.load.RuleSets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The run-store benchmark on small stores: its figures describe what happened, not just how fast. */
class RunStoreBenchmarkTest {

    @Test
    void theStoreIndexesEveryRunFiresTheActiveOnesAndEmptiesOnExpiry() throws Exception {
        RunStoreBenchmark bench = new RunStoreBenchmark(RuleSets.compile(List.of(BuiltinPacks.DEFAULT), Map.of()),
                line -> { });
        RunStoreBenchmark.Case c = bench.measure(300, 20, 5);
        assertThat(c.stored()).isEqualTo(300);
        assertThat(c.indexed()).as("every stored run is indexed by the start-up scan").isEqualTo(300);
        assertThat(c.withDeadline()).as("ended runs wait for their expiry, active ones for staleness")
                .isEqualTo(300);
        assertThat(c.staleAlerts()).as("only the active runs go stale").isEqualTo(20);

        RunStoreBenchmark.Expiry expiry = bench.expire(200);
        assertThat(expiry.entriesBefore()).isEqualTo(200);
        assertThat(expiry.bytesBefore()).isPositive();
        assertThat(expiry.entriesAfter()).isZero();
        assertThat(expiry.bytesAfter()).isZero();
        assertThat(expiry.tombstones()).isEqualTo(200);
        assertThat(expiry.indexedAfter()).isZero();
        assertThat(RunStoreBenchmark.toMarkdown(List.of(c), expiry)).contains("| 300 | 20 |",
                "200 changelog tombstones");
    }
}
