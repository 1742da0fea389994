package dev.anneal.watcher.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.app.cli.Cli;
import dev.anneal.watcher.app.cli.ExitCodes;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code watcher config check} and {@code watcher config keys}, and the example file in {@code deploy/}. */
class ConfigCommandTest {

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.execute(new ByteArrayInputStream(new byte[0]), new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve(".mvn"))) {
            dir = dir.getParent();
        }
        return dir;
    }

    @Test
    void checkAcceptsAValidFileAndSummarisesIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("watcher.yaml");
        Files.writeString(file, """
                kafka:
                  bootstrap_servers: broker-1:9093
                  properties: {security.protocol: SASL_SSL}
                topics:
                  input_pattern: 'runs\\..*'
                rules:
                  packs: [anneal-gates, townlet-watch]
                """);
        Result r = run("config", "check", file.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.OK);
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).startsWith(file + ": ok\n")
                .contains("  kafka:  brokers broker-1:9093\n")
                .contains("  input:  topics matching runs\\..*\n")
                .contains("  rules:  anneal-gates, townlet-watch (");
    }

    @Test
    void checkReportsEveryProblemAndExits78() {
        Path bad = BadConfigFilesTestPaths.file("many-problems.yaml");
        Result r = run("config", "check", bad.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith(bad + ":4: unknown key 'kafka.startup_timout'")
                .endsWith("watcher: invalid configuration (7 problems)\n");
    }

    @Test
    void checkCompilesTheRulePacksTheFileNames(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("broken.yaml"), "pack: broken\nrules:\n  - id: x\n    condition: loss_total >\n");
        Path file = dir.resolve("watcher.yaml");
        Files.writeString(file, "rules:\n  packs: [broken.yaml]\n");
        Result r = run("config", "check", file.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.err()).startsWith(dir.resolve("broken.yaml") + ":").contains("watcher: invalid rules (");
    }

    @Test
    void checkRefusesContradictoryHttpSecurityAndSummarisesIt(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "http:\n  tls.keystore: http.p12\n  auth.protect_metrics: true\n");
        Result r = run("config", "check", bad.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.err()).isEqualTo(bad + ": http.tls.keystore needs its password: set "
                + "http.tls.keystore_password_env (a variable) or http.tls.keystore_password_file (a file)\n"
                + bad + ": http.auth.protect_metrics: true needs a token: set http.auth.token_env or "
                + "http.auth.token_file\nwatcher: invalid configuration (2 problems)\n");

        Path good = dir.resolve("good.yaml");
        Files.writeString(good, "http:\n  tls.keystore: http.p12\n  tls.keystore_password_env: KS_PW\n"
                + "  auth.token_file: token\n");
        Result ok = run("config", "check", good.toString());
        assertThat(ok.code()).as(ok.toString()).isEqualTo(ExitCodes.OK);
        assertThat(ok.out()).contains("  http:   127.0.0.1:9400, TLS (keystore " + dir.resolve("http.p12")
                + "), API token from file:" + dir.resolve("token") + "\n");
        assertThat(run("config", "check", ConfigCommandTest.projectRoot().resolve("deploy/watcher.yaml").toString())
                .out()).contains("  http:   127.0.0.1:9400, plain HTTP (no TLS), no API token\n");
    }

    @Test
    void checkOfAMissingFileExits78() {
        Result r = run("config", "check", "no/such/watcher.yaml");
        assertThat(r.code()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.err()).isEqualTo("no/such/watcher.yaml: no such file\nwatcher: invalid configuration (1 problem)\n");
    }

    @Test
    void theExampleInDeployIsValidAndShowsEveryKey() throws Exception {
        Path example = projectRoot().resolve("deploy/watcher.yaml");
        Result r = run("config", "check", example.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.OK);
        String text = Files.readString(example);
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            assertThat(text).as("deploy/watcher.yaml mentions " + key.path()).contains(key.section() + ":")
                    .containsPattern("(?m)^  #? ?" + key.name() + ":");
        }
        // Apart from paths (relative to the file), the example's values are the defaults.
        WatcherConfig c = ConfigLoader.load(example, Map.of(), Map.of());
        WatcherConfig d = ConfigLoader.defaults();
        assertThat(c.kafka()).isEqualTo(d.kafka());
        assertThat(c.topics()).isEqualTo(d.topics());
        assertThat(c.rules()).isEqualTo(d.rules());
        assertThat(c.http()).isEqualTo(d.http());
        assertThat(c.log()).isEqualTo(d.log());
        assertThat(c.notifier()).isEqualTo(d.notifier());
        assertThat(c.runs()).isEqualTo(d.runs());
        assertThat(c.embedded().port()).isEqualTo(d.embedded().port());
        assertThat(c.streams().absenceCheckInterval()).isEqualTo(d.streams().absenceCheckInterval());
        assertThat(c.streams().runStateCache()).isEqualTo(d.streams().runStateCache());
        assertThat(c.streams().commitIntervalMs()).isEqualTo(d.streams().commitIntervalMs());
        assertThat(c.streams().processingGuarantee()).isEqualTo(d.streams().processingGuarantee());
        assertThat(c.streams().applicationId()).isEqualTo(d.streams().applicationId());
    }

    @Test
    void keysListsEveryKeyWithItsVariableAndFlag() {
        Result r = run("config", "keys");
        assertThat(r.code()).isEqualTo(ExitCodes.OK);
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            assertThat(r.out()).contains("  " + key.name() + "  (default " + key.defaultText() + "; " + key.envVar()
                    + "; " + key.flag());
        }
    }

    @Test
    void runHelpShowsAFlagForEveryKey() {
        Result r = run("run", "--help");
        assertThat(r.code()).isEqualTo(ExitCodes.OK);
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            assertThat(r.out()).contains(key.flag() + "=" + key.paramLabel()).contains(key.envVar());
        }
        assertThat(r.out()).contains("${env:NAME}").contains("69").contains("--config=FILE");
    }

    /** Paths of the golden bad files. */
    static final class BadConfigFilesTestPaths {
        static Path file(String name) {
            return BadConfigFilesTest.FOLDER.file(name);
        }
    }
}
