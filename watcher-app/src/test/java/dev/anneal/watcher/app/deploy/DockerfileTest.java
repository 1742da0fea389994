package dev.anneal.watcher.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.app.config.ConfigLoader;
import dev.anneal.watcher.app.config.WatcherConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/Dockerfile} without a Docker engine (none is available where the tests run): it
 * is read into its instructions and held to what the image promises. {@link ImageRuntimeIT} runs
 * what the image would run.
 */
class DockerfileTest {

    private final Dockerfile dockerfile = Dockerfile.read();

    @Test
    void everyBaseImageIsLocalOrAnEarlierStage() {
        String jdk = dockerfile.argDefault("JDK_IMAGE").orElseThrow();
        String base = dockerfile.argDefault("BASE_IMAGE").orElseThrow();
        // Built by deploy/image/build-base.sh from Debian packages: no registry host in the name.
        assertThat(List.of(jdk, base)).allSatisfy(image -> assertThat(image).doesNotContain("/").contains(":"));
        String script = DeployFiles.read(DeployFiles.deploy("image/build-base.sh"));
        assertThat(script).contains("build " + jdk.split(":")[0] + " ", "build " + base.split(":")[0] + " ",
                "suite=${1:-" + jdk.split(":")[1] + "}");
        assertThat(dockerfile.in(1, "FROM")).singleElement()
                .satisfies(f -> assertThat(f.args()).isEqualTo("${JDK_IMAGE} AS build"));
        assertThat(dockerfile.in(2, "FROM")).singleElement()
                .satisfies(f -> assertThat(f.args()).isEqualTo("${JDK_IMAGE} AS jre"));
        assertThat(dockerfile.inImage("FROM").args()).isEqualTo("${BASE_IMAGE}");
        for (Dockerfile.Instruction copy : dockerfile.in(dockerfile.finalStage(), "COPY")) {
            if (copy.args().startsWith("--from=")) {
                assertThat(dockerfile.stageNames()).containsValue(copy.args().split("\\s+")[0].substring(7));
            }
        }
    }

    @Test
    void theImageRunsAsANonRootUserItCreates() {
        long uid = dockerfile.runtimeUid();
        assertThat(uid).isGreaterThanOrEqualTo(1000);
        assertThat(dockerfile.inImage("USER").args()).matches("\\d+:\\d+");
        assertThat(dockerfile.in(dockerfile.finalStage(), "RUN")).anySatisfy(run -> assertThat(run.args())
                .contains("useradd --uid " + uid).contains("chown watcher:watcher /var/lib/watcher"));
        assertThat(dockerfile.inImage("VOLUME").execForm()).containsExactly("/var/lib/watcher");
        assertThat(dockerfile.inImage("WORKDIR").args()).isEqualTo("/var/lib/watcher");
    }

    @Test
    void itExposesTheHttpPortAndChecksHealthzOnIt() {
        assertThat(dockerfile.inImage("EXPOSE").args()).isEqualTo("9400");
        String healthcheck = dockerfile.inImage("HEALTHCHECK").args();
        assertThat(healthcheck).contains("--interval=", "--timeout=", "--start-period=", "--retries=");
        List<String> command = healthCheckCommand(dockerfile);
        assertThat(String.join(" ", command)).contains("127.0.0.1/9400", "GET /healthz", "' 200 '");
    }

    @Test
    void itsEntrypointRunsTheJarOnTheJlinkedRuntimeWithTheImageConfiguration() {
        assertThat(dockerfile.inImage("ENTRYPOINT").execForm())
                .containsExactly("/opt/jre/bin/java", "-jar", "/opt/watcher/watcher.jar");
        assertThat(dockerfile.inImage("CMD").execForm()).containsExactly("run", "--config", "/etc/watcher/watcher.yaml");
        assertThat(dockerfile.in(dockerfile.finalStage(), "COPY")).extracting(Dockerfile.Instruction::args)
                .contains("--from=jre /opt/jre /opt/jre",
                        "--from=build /src/watcher-app/target/watcher.jar /opt/watcher/watcher.jar",
                        "deploy/image/watcher.yaml /etc/watcher/watcher.yaml");
        assertThat(dockerfile.env("JAVA_TOOL_OPTIONS")).hasValueSatisfying(
                v -> assertThat(v).contains("-XX:MaxRAMPercentage=", "-XX:+ExitOnOutOfMemoryError"));
        assertThat(dockerfile.argDefault("JAVA_MODULES")).hasValueSatisfying(
                v -> assertThat(v.split(",")).contains("java.base", "jdk.httpserver", "jdk.management"));
    }

    @Test
    void everyFileItCopiesFromTheContextExists() {
        Path root = DeployFiles.projectRoot();
        for (Dockerfile.Instruction copy : dockerfile.instructions()) {
            if (copy.keyword().equals("COPY") && !copy.args().startsWith("--from=")) {
                String source = copy.args().split("\\s+")[0];
                assertThat(root.resolve(source)).as(copy.toString()).exists();
            }
        }
        assertThat(DeployFiles.deploy("Dockerfile.dockerignore")).content().contains("**/target");
    }

    @Test
    void theImageConfigurationLoadsAndServesOnTheExposedPortWithStateInTheVolume() throws Exception {
        Path file = DeployFiles.deploy("image/watcher.yaml");
        WatcherConfig config = ConfigLoader.parse(file.toString(), Files.readString(file), Path.of("/etc/watcher"),
                Map.of(), Map.of());
        assertThat(config.http().address().host()).isEqualTo("0.0.0.0");
        assertThat(config.http().address().port()).isEqualTo(9400);
        assertThat(config.streams().stateDir()).startsWithRaw(Path.of("/var/lib/watcher"));
        assertThat(config.embedded().dataDir()).startsWithRaw(Path.of("/var/lib/watcher"));
    }

    /** The HEALTHCHECK's command: the JSON array after {@code CMD}. */
    static List<String> healthCheckCommand(Dockerfile dockerfile) {
        String args = dockerfile.inImage("HEALTHCHECK").args();
        int cmd = args.indexOf("CMD ");
        return new Dockerfile.Instruction("CMD", args.substring(cmd + 4).strip(), dockerfile.finalStage()).execForm();
    }
}
