package dev.anneal.watcher.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.app.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/systemd}: {@code systemd-analyze verify} finds nothing to say about the unit (it
 * exits 0 even on unknown keys, so its output must be empty), {@code systemd-sysusers} applies the
 * user entry, and the restart policy follows the documented exit codes.
 */
class SystemdUnitTest {

    private static final Path UNIT = DeployFiles.deploy("systemd/watcher.service");

    @TempDir
    Path tmp;

    @Test
    void systemdAnalyzeVerifyHasNothingToSay() throws Exception {
        Path unit = tmp.resolve("watcher.service");
        String text = DeployFiles.read(UNIT);
        if (!Files.isExecutable(Path.of("/usr/bin/java"))) {
            // verify checks that ExecStart's binary exists; the unit names Debian's java.
            text = text.replace("/usr/bin/java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        }
        Files.writeString(unit, text);
        ExternalTool.Result r = ExternalTool.SYSTEMD_ANALYZE.run(tmp, "verify", unit.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.output()).as("systemd-analyze verify output").isBlank();
    }

    @Test
    void theSysusersEntryCreatesTheUserTheUnitRunsAs() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        ExternalTool.Result r = ExternalTool.SYSTEMD_SYSUSERS.run(tmp, "--dry-run", "--root=" + root,
                DeployFiles.deploy("systemd/watcher.sysusers").toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.output()).contains("Creating user 'watcher'");
        assertThat(values("User")).containsExactly("watcher");
        assertThat(values("Group")).containsExactly("watcher");
    }

    @Test
    void itRestartsOnFailuresARestartCanCureOnly() {
        assertThat(values("Restart")).containsExactly("on-failure");
        Set<Integer> prevented = new TreeSet<>();
        for (String v : values("RestartPreventExitStatus")) {
            for (String code : v.split("\\s+")) {
                prevented.add(Integer.parseInt(code));
            }
        }
        assertThat(prevented).containsExactlyInAnyOrder(ExitCodes.USAGE, ExitCodes.CONFIG);
        assertThat(prevented).doesNotContain(ExitCodes.UNAVAILABLE, ExitCodes.SOFTWARE, ExitCodes.IO_ERROR);
        assertThat(values("ExecReload")).containsExactly("/bin/kill -HUP $MAINPID");
    }

    @Test
    void itRunsTheDaemonWithItsStateDirectoryAndHardening() {
        assertThat(values("StateDirectory")).containsExactly("watcher");
        assertThat(values("WorkingDirectory")).containsExactly("/var/lib/watcher");
        assertThat(values("ExecStart")).singleElement().asString()
                .endsWith("-jar /opt/watcher/watcher.jar run --config /etc/watcher/watcher.yaml");
        assertThat(values("Environment")).contains("WATCHER_STREAMS_STATE_DIR=/var/lib/watcher/streams");
        for (String key : List.of("NoNewPrivileges", "ProtectHome", "PrivateTmp", "PrivateDevices", "RestrictSUIDSGID")) {
            assertThat(values(key)).as(key).containsExactly("yes");
        }
        assertThat(values("ProtectSystem")).containsExactly("strict");
        assertThat(values("CapabilityBoundingSet")).containsExactly("");
        assertThat(values("MemoryDenyWriteExecute")).as("the JIT needs writable, executable memory").isEmpty();
    }

    /** Every value of {@code key=} in the unit. */
    private static List<String> values(String key) {
        List<String> out = new ArrayList<>();
        for (String line : DeployFiles.read(UNIT).split("\n")) {
            if (line.startsWith(key + "=")) {
                out.add(line.substring(key.length() + 1).strip());
            }
        }
        return out;
    }
}
