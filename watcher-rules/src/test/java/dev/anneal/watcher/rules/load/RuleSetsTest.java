package dev.anneal.watcher.rules.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.watcher.rules.engine.CompiledPack;
import dev.anneal.watcher.rules.engine.RuleSet;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --rules} and {@code --param} values to a rule set, every problem at once. */
class RuleSetsTest {

    @TempDir
    Path dir;

    @Test
    void noRulesMeansTheDefaultPack() throws Exception {
        RuleSet rules = RuleSets.compile(List.of(), Map.of());
        assertThat(rules.packs()).extracting(CompiledPack::name).containsExactly(BuiltinPacks.DEFAULT);
    }

    @Test
    void readsBuiltInPacksAndFilesWithParameters() throws Exception {
        Path file = dir.resolve("mine.yaml");
        Files.writeString(file, """
                pack: mine
                parameters: {limit: {default: 1}}
                rules:
                  - id: over
                    select: {kinds: [ppo]}
                    condition: loss_total > params.limit
                    action: HOLD
                """);
        RuleSet rules = RuleSets.compile(List.of("townlet-watch", file.toString()), Map.of("limit", "2"));
        assertThat(rules.packs()).extracting(CompiledPack::name).containsExactly("townlet-watch", "mine");
        assertThat(rules.params()).containsEntry("limit", 2.0);
    }

    @Test
    void reportsEveryUnreadablePackAtOnce() throws Exception {
        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, new byte[] {'p', 'a', 'c', 'k', ':', ' ', (byte) 0xe9, '\n'});
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "pack: bad\n");
        assertThatThrownBy(() -> RuleSets.compile(List.of("no-such-pack", latin1.toString(), bad.toString()),
                Map.of()))
                .isInstanceOfSatisfying(RuleLoadException.class, e -> assertThat(e.problems()).containsExactly(
                        "--rules no-such-pack: not a built-in pack (anneal-gates, townlet-watch, townlet-health, "
                                + "promotion-evaluate) and no such file",
                        latin1 + ":1: not UTF-8 text; save the file as UTF-8",
                        bad + ":1: missing key 'rules': a pack needs a list of rules"));
    }

    @Test
    void anIoFailureSaysWhatKindItWas() {
        assertThat(IoMessages.describe(new NoSuchFileException("x.yaml"))).isEqualTo("x.yaml: no such file or directory");
        assertThat(IoMessages.describe(new AccessDeniedException("x.yaml"))).isEqualTo("x.yaml: permission denied");
        assertThat(IoMessages.describe(new java.io.IOException("disk on fire"))).isEqualTo("disk on fire");
        assertThat(IoMessages.describe(new java.io.IOException())).isEqualTo("IOException");
    }
}
