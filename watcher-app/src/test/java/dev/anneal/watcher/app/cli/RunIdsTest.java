package dev.anneal.watcher.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunIdsTest {

    @Test
    void fileNameWhenUnique() {
        assertThat(RunIds.defaults(List.of("data/a.jsonl", "other/b.jsonl", "-")))
                .containsExactly("a.jsonl", "b.jsonl", "stdin");
    }

    @Test
    void parentDirectoryPrefixedWhenFileNamesCollide() {
        assertThat(RunIds.defaults(List.of("p4/queue_conflict/ppo_mixed.jsonl", "p4/rivalry_decay/ppo_mixed.jsonl",
                "x/soak.jsonl"))).containsExactly("queue_conflict/ppo_mixed.jsonl", "rivalry_decay/ppo_mixed.jsonl",
                "soak.jsonl");
    }

    @Test
    void asManyParentsAsNeeded() {
        assertThat(RunIds.defaults(List.of("a/x/f.jsonl", "b/x/f.jsonl", "b/y/f.jsonl")))
                .containsExactly("a/x/f.jsonl", "b/x/f.jsonl", "y/f.jsonl");
    }

    @Test
    void theSameFileTwiceIsOneRun() {
        assertThat(RunIds.defaults(List.of("d/f.jsonl", "d/../d/f.jsonl"))).containsExactly("f.jsonl", "f.jsonl");
    }
}
