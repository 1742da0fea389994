package dev.anneal.watcher.app.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.rules.load.RuleSets;
import dev.anneal.watcher.core.stream.RuleSetHolder;
import dev.anneal.watcher.core.stream.WatcherMetrics;
import dev.anneal.watcher.testkit.Await;
import dev.anneal.watcher.testkit.ManualScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reload outcomes and file watching, without Kafka. */
class RulesReloaderTest {

    static final String PACK = """
            pack: unit
            rules:
              - id: loss_high
                select: {kinds: [ppo]}
                condition: loss_total > %s
                action: HOLD
            """;

    @TempDir
    Path dir;

    private double count(WatcherMetrics metrics, String result) {
        var c = metrics.registry().find(WatcherMetrics.RULE_RELOADS).tag(WatcherMetrics.TAG_RESULT, result).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void appliedUnchangedAndRefused() throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, PACK.formatted("1"));
        List<String> packs = List.of("anneal-gates", file.toString());
        RuleSetHolder holder = new RuleSetHolder(RuleSets.compile(packs, Map.of()));
        WatcherMetrics metrics = new WatcherMetrics();
        try (RulesReloader reloader = new RulesReloader(packs, Map.of(), holder, metrics)) {
            assertThat(reloader.files()).containsExactly(file.toAbsolutePath());
            assertThat(reloader.reload("test")).isEqualTo(RulesReloader.Outcome.UNCHANGED);

            Files.writeString(file, PACK.formatted("2"));
            assertThat(reloader.reload("test")).isEqualTo(RulesReloader.Outcome.APPLIED);
            assertThat(holder.version()).isEqualTo(2);

            Files.writeString(file, PACK.formatted("2 +"));
            String running = holder.ruleSet().digest();
            assertThat(reloader.reload("test")).isEqualTo(RulesReloader.Outcome.REFUSED);
            assertThat(holder.ruleSet().digest()).isEqualTo(running);

            Files.delete(file);
            assertThat(reloader.reload("test")).isEqualTo(RulesReloader.Outcome.REFUSED);
        }
        assertThat(count(metrics, "unchanged")).isEqualTo(1);
        assertThat(count(metrics, "applied")).isEqualTo(1);
        assertThat(count(metrics, "refused")).isEqualTo(2);
    }

    @Test
    void aFileReplacedByRenameIsReloadedOnceAndAnUnrelatedFileIsIgnored() throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, PACK.formatted("1"));
        List<String> packs = List.of(file.toString());
        RuleSetHolder holder = new RuleSetHolder(RuleSets.compile(packs, Map.of()));
        WatcherMetrics metrics = new WatcherMetrics();
        ManualScheduler quietPeriods = new ManualScheduler();
        try (RulesReloader reloader = new RulesReloader(packs, Map.of(), holder, metrics, quietPeriods)) {
            reloader.start();
            Files.writeString(dir.resolve("notes.txt"), "unrelated");
            // The watcher saw the write (it scheduled a check); the check runs after the quiet period.
            Await.until("the write in the watched directory is seen", () -> quietPeriods.pending() > 0);
            quietPeriods.advance(RulesReloader.DEBOUNCE);
            assertThat(metrics.registry().find(WatcherMetrics.RULE_RELOADS).counters()).isEmpty();

            // What editors and ConfigMap updates do: write elsewhere, rename over the file.
            Path tmp = dir.resolve(".rules.yaml.tmp");
            Files.writeString(tmp, PACK.formatted("3"));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Await.until("the rename is reloaded", () -> {
                quietPeriods.advance(RulesReloader.DEBOUNCE);
                return holder.version() == 2;
            });
            // The events of the rename that came after the reload have had their check too.
            quietPeriods.advance(RulesReloader.DEBOUNCE);
            assertThat(count(metrics, "applied")).isEqualTo(1);
            assertThat(count(metrics, "unchanged") + count(metrics, "refused")).isZero();
        }
        assertThat(quietPeriods.isShutdown()).as("closing the reloader stops its checks").isTrue();
    }
}
