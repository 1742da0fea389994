package dev.anneal.watcher.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code watcher bench} on a tiny stream, run standalone: structure only, never speed. */
class BenchCommandTest {

    @TempDir
    Path dir;

    @Test
    void generatesTheStreamsAndPrintsTheMarkdownReport() {
        Path file = dir.resolve("ppo.jsonl");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));

        int code = cl.execute("--records", "600", "--runs", "6", "--passes", "1", "--warmup", "100",
                "--file", file.toString());

        assertThat(code).as(err.toString()).isEqualTo(ExitCodes.OK);
        assertThat(file).exists();
        assertThat(dir.resolve("ppo-600-60.jsonl")).as("the 10x-runs memory stream").exists();
        assertThat(out.toString()).contains("Command: `java",
                "watcher.jar bench --records 600 --runs 6 --passes 1 --warmup 100", "Stream: generated",
                "| Measurement |", "Target: replay >= 60 %", "#### Memory", "| 6 runs: used |", "| 60 runs: used |",
                "#### Machine", "available processors");
        assertThat(err.toString()).contains("generating", "pass 1/1");
    }

    @Test
    void reusesAnExistingFileAndCanSkipMemory() throws Exception {
        Path file = dir.resolve("existing.jsonl");
        new dev.anneal.watcher.core.generate.PpoStreamGenerator(300, 3).writeTo(file);
        long size = Files.size(file);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));

        int code = cl.execute("--passes", "1", "--warmup", "0", "--no-memory", "--file", file.toString());

        assertThat(code).as(err.toString()).isEqualTo(ExitCodes.OK);
        assertThat(Files.size(file)).isEqualTo(size);
        assertThat(err.toString()).contains("using existing");
        assertThat(out.toString()).contains("300 records").doesNotContain("#### Memory", "Stream: generated");
    }

    @Test
    void rejectsMoreRunsThanRecords() {
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(new StringWriter()));
        assertThat(cl.execute("--records", "5", "--runs", "6", "--file", dir.resolve("x.jsonl").toString()))
                .isNotEqualTo(ExitCodes.OK);
        assertThat(dir.resolve("x.jsonl")).doesNotExist();
    }
}
