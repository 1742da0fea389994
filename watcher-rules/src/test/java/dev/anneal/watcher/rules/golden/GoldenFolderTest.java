package dev.anneal.watcher.rules.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/** The harness itself: it compares the complete text, fails loudly, and updates only when told. */
class GoldenFolderTest {

    /** Reports each line of the file as a problem, prefixed with the source name. */
    private static final GoldenFolder.Loader LINES = (source, text) -> text.lines()
            .map(line -> source + ": " + line).toList();

    @TempDir
    Path dir;

    private void write(String name, String text) throws Exception {
        Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private String read(String name) throws Exception {
        return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
    }

    @Test
    void passesWhenTheWholeTextMatchesAndFailsOnAnyDifference() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("bad"));
        Files.writeString(folder.resolve("a.yaml"), "one\ntwo\n");
        Files.writeString(folder.resolve("a.error"), "bad/a.yaml: one\nbad/a.yaml: two\n");
        Files.writeString(folder.resolve("b.yaml"), "one\ntwo\n");
        Files.writeString(folder.resolve("b.error"), "bad/b.yaml: one\n");
        GoldenFolder golden = GoldenFolder.at(folder, LINES, false);

        assertThat(golden.names()).containsExactly("a", "b");
        golden.check("a");
        assertThatThrownBy(() -> golden.check("b")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("problems for bad/b.yaml");
        golden.checkComplete(2);
        assertThatThrownBy(() -> golden.checkComplete(3)).isInstanceOf(AssertionError.class);
    }

    @Test
    void aFileThatLoadsOrHasNoExpectedErrorFails() throws Exception {
        write("fine.yaml", "");
        write("new.yaml", "x\n");
        GoldenFolder golden = GoldenFolder.at(dir, LINES, false);

        assertThatThrownBy(() -> golden.check("fine")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("loaded without a problem");
        assertThatThrownBy(() -> golden.check("new")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("-Dgolden.update=true");
        write("orphan.error", "x\n");
        assertThatThrownBy(() -> golden.checkComplete(0)).isInstanceOf(AssertionError.class);
    }

    @Test
    void updateModeWritesTheErrorsButNeverAProposedOne() throws Exception {
        write("a.yaml", "one\n");
        write("a.error", "stale\n");
        write("b.yaml", "two\n");
        write("p.yaml", "three\n");
        write("p.error", "a clearer message\n");
        write("p.pending", "the current one is unclear\n");
        GoldenFolder golden = GoldenFolder.at(dir, LINES, true);

        golden.check("a");
        golden.check("b");
        assertThat(read("a.error")).isEqualTo(dir.getFileName() + "/a.yaml: one\n");
        assertThat(read("b.error")).isEqualTo(dir.getFileName() + "/b.yaml: two\n");
        assertThatThrownBy(() -> golden.check("p")).isInstanceOf(TestAbortedException.class);
        assertThat(read("p.error")).isEqualTo("a clearer message\n");
        GoldenFolder.at(dir, LINES, false).check("a");
    }

    @Test
    void aPendingCaseIsSkippedUntilTheLoaderSaysTheProposedMessage() throws Exception {
        write("p.yaml", "three\n");
        write("p.error", "a clearer message\n");
        write("p.pending", "the current one is unclear\n");
        GoldenFolder golden = GoldenFolder.at(dir, LINES, false);
        assertThatThrownBy(() -> golden.check("p")).isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("the current one is unclear");

        write("p.error", dir.getFileName() + "/p.yaml: three\n");
        assertThatThrownBy(() -> golden.check("p")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("delete p.pending");
    }
}
