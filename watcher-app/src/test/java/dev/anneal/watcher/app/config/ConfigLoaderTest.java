package dev.anneal.watcher.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.watcher.app.config.ValueType.HostPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The loader beyond the golden bad files: defaults, every key, and precedence file < env < flag. */
class ConfigLoaderTest {

    private static final Path BASE = Path.of("/etc/watcher");

    private static WatcherConfig parse(String yaml, Map<String, String> env, Map<ConfigKey<?>, List<String>> flags)
            throws ConfigException {
        return ConfigLoader.parse("watcher.yaml", yaml, BASE, env, flags);
    }

    private static List<String> problems(String yaml, Map<String, String> env,
            Map<ConfigKey<?>, List<String>> flags) {
        try {
            parse(yaml, env, flags);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("loaded without a problem");
    }

    @Test
    void noFileMeansEveryDefault() {
        WatcherConfig c = ConfigLoader.defaults();
        assertThat(c.embeddedMode()).isTrue();
        assertThat(c.kafka().bootstrapServers()).isEmpty();
        assertThat(c.kafka().properties()).isEmpty();
        assertThat(c.kafka().startupTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.embedded().port()).isEqualTo(9092);
        assertThat(c.embedded().dataDir()).isEqualTo(Path.of("data/kafka"));
        assertThat(c.topics().input()).containsExactly("anneal.telemetry");
        assertThat(c.topics().inputPattern()).isEmpty();
        assertThat(c.topics().alerts()).isEqualTo("anneal.alerts");
        assertThat(c.topics().recommendations()).isEqualTo("anneal.recommendations");
        assertThat(c.topics().dlq()).isEqualTo("anneal.telemetry.dlq");
        assertThat(c.streams().processingGuarantee()).isEqualTo(ProcessingGuarantee.EXACTLY_ONCE_V2);
        assertThat(c.streams().applicationId()).isEqualTo("watcher");
        assertThat(c.rules().packs()).containsExactly("anneal-gates");
        assertThat(c.rules().reload()).isTrue();
        assertThat(c.http().address()).isEqualTo(new HostPort("127.0.0.1", 9400));
        assertThat(c.log().format()).isEqualTo(LogFormat.TEXT);
        assertThat(c.topics().commands()).isEqualTo("anneal.commands");
        assertThat(c.topics().audit()).isEqualTo("anneal.audit");
        assertThat(c.runs()).isEqualTo(new WatcherConfig.Runs(Duration.ofHours(6), Duration.ofDays(7), false));
    }

    @Test
    void theRunLifecycleKeysTakeZeroAndDurations() throws Exception {
        WatcherConfig c = parse("""
                topics:
                  commands: ops.commands
                  audit: ops.audit
                runs:
                  end_after_idle: 0
                  retain_ended: 1d12h
                  delete_recommendations: true
                """, Map.of(), Map.of());
        assertThat(c.topics().commands()).isEqualTo("ops.commands");
        assertThat(c.topics().audit()).isEqualTo("ops.audit");
        assertThat(c.runs()).isEqualTo(new WatcherConfig.Runs(Duration.ZERO, Duration.ofHours(36), true));
        assertThat(c.runs().policy().lifecycle().endAfterIdleMillis()).isZero();
        assertThat(c.runs().policy().deleteRecommendations()).isTrue();
        assertThat(parse("", Map.of("WATCHER_RUNS_END_AFTER_IDLE", "30m"), Map.of()).runs().endAfterIdle())
                .isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void anEmptyFileAndEmptySectionsAreTheDefaults() throws Exception {
        assertThat(parse("", Map.of(), Map.of())).isEqualTo(ConfigLoader.defaults());
        assertThat(parse("# nothing yet\nkafka:\nhttp:\n", Map.of(), Map.of())).isEqualTo(ConfigLoader.defaults());
    }

    @Test
    void drillsAreQuarantinedByDefaultAndNoneTurnsQuarantineOff() throws Exception {
        WatcherConfig.Topics d = ConfigLoader.defaults().topics();
        assertThat(d.syntheticAlerts()).contains("anneal.alerts.synthetic");
        assertThat(d.syntheticRecommendations()).contains("anneal.recommendations.synthetic");
        WatcherConfig.Topics off = parse("topics:\n  synthetic_alerts: none\n  synthetic_recommendations: none\n",
                Map.of(), Map.of()).topics();
        assertThat(off.syntheticAlerts()).isEmpty();
        assertThat(off.syntheticRecommendations()).isEmpty();
        assertThat(parse("topics:\n  synthetic_alerts: drills.alerts\n", Map.of(), Map.of()).topics()
                .syntheticAlerts()).contains("drills.alerts");
    }

    @Test
    void readsEveryKeyAndResolvesFilePathsAgainstTheFilesDirectory() throws Exception {
        String yaml = """
                kafka:
                  bootstrap_servers: broker-1:9093,broker-2:9093
                  properties:
                    security.protocol: SASL_SSL
                    sasl.mechanism: SCRAM-SHA-512
                    linger.ms: 5
                  startup_timeout: 1m30s
                embedded:
                  port: 0
                  data_dir: state/kafka
                topics:
                  input_pattern: 'runs\\..*'
                  alerts: out.alerts
                  recommendations: out.recommendations
                  dlq: out.dlq
                  partitions: 12
                  replication_factor: 3
                streams:
                  application_id: watcher-prod
                  state_dir: /var/lib/watcher/streams
                  processing_guarantee: at_least_once
                  commit_interval_ms: 1000
                  absence_check_interval: 500ms
                  run_state_cache: 2500
                rules:
                  packs: [anneal-gates, rules/site.yaml, /opt/rules/extra.yaml]
                  params: {kl_max: 0.2, loss_max: none}
                  reload: false
                http:
                  address: 0.0.0.0:9500
                log:
                  format: json
                """;
        WatcherConfig c = parse(yaml, Map.of(), Map.of());
        assertThat(c.embeddedMode()).isFalse();
        assertThat(c.kafka().bootstrapServers()).contains("broker-1:9093,broker-2:9093");
        assertThat(c.kafka().properties()).containsExactly(Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "SCRAM-SHA-512"), Map.entry("linger.ms", "5"));
        assertThat(c.kafka().startupTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.embedded()).isEqualTo(new WatcherConfig.Embedded(0, BASE.resolve("state/kafka")));
        assertThat(c.topics()).isEqualTo(new WatcherConfig.Topics(List.of(), Optional.of("runs\\..*"), "out.alerts",
                "out.recommendations", "out.dlq", 12, 3, Optional.of(ConfigKeys.DEFAULT_SYNTHETIC_ALERTS),
                Optional.of(ConfigKeys.DEFAULT_SYNTHETIC_RECOMMENDATIONS)));
        assertThat(c.streams()).isEqualTo(new WatcherConfig.Streams("watcher-prod", Path.of("/var/lib/watcher/streams"),
                ProcessingGuarantee.AT_LEAST_ONCE, 1000, Duration.ofMillis(500), 2500));
        assertThat(c.rules().packs()).containsExactly("anneal-gates", "/etc/watcher/rules/site.yaml",
                "/opt/rules/extra.yaml");
        assertThat(c.rules().params()).containsExactly(Map.entry("kl_max", "0.2"), Map.entry("loss_max", "none"));
        assertThat(c.rules().reload()).isFalse();
        assertThat(c.http().address()).isEqualTo(new HostPort("0.0.0.0", 9500));
        assertThat(c.log().format()).isEqualTo(LogFormat.JSON);
    }

    @Test
    void environmentOverridesTheFileAndFlagsOverrideTheEnvironment() throws Exception {
        String yaml = """
                kafka:
                  bootstrap_servers: file:9092
                  properties:
                    security.protocol: SASL_SSL
                    sasl.mechanism: PLAIN
                embedded:
                  port: 9001
                rules:
                  packs: [townlet-watch]
                  params: {a: 1, b: 2}
                http:
                  address: 127.0.0.1:9401
                """;
        Map<String, String> env = Map.of(
                "WATCHER_KAFKA_BOOTSTRAP_SERVERS", "env:9092",
                "WATCHER_KAFKA_PROPERTIES", "sasl.mechanism=SCRAM-SHA-256\nssl.enabled.protocols=TLSv1.2,TLSv1.3",
                "WATCHER_EMBEDDED_PORT", "9002",
                "WATCHER_RULES_PACKS", "anneal-gates, townlet-health",
                "WATCHER_RULES_PARAMS", "b=20,c=30",
                "WATCHER_JAVA_OPTS", "-Xmx1g");
        Map<ConfigKey<?>, List<String>> flags = new LinkedHashMap<>();
        flags.put(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, List.of("flag:9092"));
        flags.put(ConfigKeys.RULES_PARAMS, List.of("c=300"));
        flags.put(ConfigKeys.HTTP_ADDRESS, List.of("127.0.0.1:9402"));

        WatcherConfig c = parse(yaml, env, flags);
        assertThat(c.kafka().bootstrapServers()).contains("flag:9092");
        assertThat(c.kafka().properties()).containsExactly(Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "SCRAM-SHA-256"), Map.entry("ssl.enabled.protocols", "TLSv1.2,TLSv1.3"));
        assertThat(c.embedded().port()).isEqualTo(9002);
        assertThat(c.rules().packs()).as("a list is replaced, not merged").containsExactly("anneal-gates",
                "townlet-health");
        assertThat(c.rules().params()).as("a map is merged entry by entry").containsExactly(Map.entry("a", "1"),
                Map.entry("b", "20"), Map.entry("c", "300"));
        assertThat(c.http().address().port()).isEqualTo(9402);
    }

    @Test
    void anEmptyBootstrapVariableSwitchesAFileBackToEmbeddedMode() throws Exception {
        WatcherConfig c = parse("kafka: {bootstrap_servers: 'broker:9092'}", Map.of("WATCHER_KAFKA_BOOTSTRAP_SERVERS",
                ""), Map.of());
        assertThat(c.embeddedMode()).isTrue();
    }

    @Test
    void pathsFromTheEnvironmentAndFlagsStayRelativeToTheWorkingDirectory() throws Exception {
        Map<ConfigKey<?>, List<String>> flags = Map.of(ConfigKeys.EMBEDDED_DATA_DIR, List.of("here/kafka"),
                ConfigKeys.RULES_PACKS, List.of("my-rules.yaml"));
        WatcherConfig c = parse("", Map.of("WATCHER_STREAMS_STATE_DIR", "there/streams"), flags);
        assertThat(c.embedded().dataDir()).isEqualTo(Path.of("here/kafka"));
        assertThat(c.streams().stateDir()).isEqualTo(Path.of("there/streams"));
        assertThat(c.rules().packs()).containsExactly("my-rules.yaml");
    }

    @Test
    void badEnvironmentValuesAndFlagsNameTheVariableOrTheFlag() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("WATCHER_KAFKA_STARTUP_TIMEOUT", "5x");
        env.put("WATCHER_KAFKA_BOOTSTRAP", "broker:9092");
        env.put("WATCHER_RULES_PARAMS", "kl_max");
        Map<ConfigKey<?>, List<String>> flags = Map.of(ConfigKeys.EMBEDDED_PORT, List.of("http"),
                ConfigKeys.LOG_FORMAT, List.of("JSON"));
        assertThat(problems("", env, flags)).containsExactly(
                "environment variable WATCHER_KAFKA_BOOTSTRAP: not a watcher setting (did you mean "
                        + "'WATCHER_KAFKA_BOOTSTRAP_SERVERS'?); the kafka variables are WATCHER_KAFKA_BOOTSTRAP_SERVERS, "
                        + "WATCHER_KAFKA_PROPERTIES, WATCHER_KAFKA_STARTUP_TIMEOUT",
                "environment variable WATCHER_KAFKA_STARTUP_TIMEOUT: kafka.startup_timeout: expected a duration such "
                        + "as 500ms, 30s, 2m or 1h30m, got '5x'",
                "environment variable WATCHER_RULES_PARAMS: rules.params: expected NAME=VALUE, got 'kl_max'",
                "option --embedded-port: embedded.port: expected an integer from 0 to 65535, got 'http'",
                "option --log-format: log.format: expected text or json, got 'JSON'");
    }

    @Test
    void aFlagClashWithTheFileIsReportedAtTheFlag() {
        Map<ConfigKey<?>, List<String>> flags = Map.of(ConfigKeys.TOPICS_INPUT, List.of("anneal.telemetry"));
        assertThat(problems("topics: {input_pattern: 'x.*'}", Map.of(), flags)).containsExactly(
                "watcher.yaml:1: topics.input_pattern: set either topics.input or topics.input_pattern, not both "
                        + "(topics.input is set by option --input-topic)");
    }

    @Test
    void aMissingFileIsAProblemNotACrash(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> ConfigLoader.load(missing, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(missing + ": no such file");
    }

    @Test
    void loadsAFileFromDisk(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("watcher.yaml");
        Files.writeString(file, "embedded:\n  data_dir: kafka-data\nrules:\n  packs: [mine.yaml]\n");
        WatcherConfig c = ConfigLoader.load(file, Map.of(), Map.of());
        assertThat(c.embedded().dataDir()).isEqualTo(dir.toAbsolutePath().resolve("kafka-data"));
        assertThat(c.rules().packs()).containsExactly(dir.toAbsolutePath().resolve("mine.yaml").toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a=1                              | a=1",
        "a=1,b=2                          | a=1;b=2",
        "a=1\\nb=2                        | a=1;b=2",
        "ssl.enabled.protocols=TLSv1.2,TLSv1.3,b=2 | ssl.enabled.protocols=TLSv1.2,TLSv1.3;b=2",
        "' a = 1 , '                      | a = 1"})
    void splitsMapEntriesOnCommasAndNewlines(String text, String expected) {
        assertThat(String.join(";", ConfigOverrides.splitEntries(text.replace("\\n", "\n"))))
                .isEqualTo(expected);
    }

    @Test
    void readsTheHttpTlsAndAuthKeysAsDottedNames() throws Exception {
        WatcherConfig c = parse("""
                http:
                  address: 0.0.0.0:9400
                  tls.keystore: tls/http.p12
                  tls.keystore_password_file: /run/secrets/ks
                  auth.token_env: WATCHER_API_TOKEN
                  auth.protect_metrics: true
                """, Map.of(), Map.of());
        assertThat(c.http().tls()).isEqualTo(new WatcherConfig.Http.Tls(Optional.of(BASE.resolve("tls/http.p12")),
                Optional.empty(), Optional.of(Path.of("/run/secrets/ks"))));
        assertThat(c.http().auth()).isEqualTo(new WatcherConfig.Http.Auth(Optional.of("WATCHER_API_TOKEN"),
                Optional.empty(), true));
        assertThat(ConfigLoader.defaults().http()).isEqualTo(new WatcherConfig.Http(new HostPort("127.0.0.1", 9400)));

        WatcherConfig fromEnv = parse("", Map.of("WATCHER_HTTP_TLS_KEYSTORE", "http.p12",
                "WATCHER_HTTP_TLS_KEYSTORE_PASSWORD_ENV", "KS_PASSWORD", "WATCHER_HTTP_AUTH_TOKEN_FILE", "token"),
                Map.of(ConfigKeys.HTTP_AUTH_PROTECT_METRICS, List.of("true")));
        assertThat(fromEnv.http().tls()).isEqualTo(new WatcherConfig.Http.Tls(Optional.of(Path.of("http.p12")),
                Optional.of("KS_PASSWORD"), Optional.empty()));
        assertThat(fromEnv.http().auth()).isEqualTo(new WatcherConfig.Http.Auth(Optional.empty(),
                Optional.of(Path.of("token")), true));
        assertThat(ConfigKeys.HTTP_TLS_KEYSTORE_PASSWORD_ENV.envVar()).isEqualTo("WATCHER_HTTP_TLS_KEYSTORE_PASSWORD_ENV");
        assertThat(ConfigKeys.HTTP_TLS_KEYSTORE.paramLabel()).isEqualTo("FILE");
    }

    @Test
    void aSecretWrittenWhereAVariableNameBelongsIsRefused() {
        assertThat(problems("", Map.of("WATCHER_HTTP_AUTH_TOKEN_ENV", "hunter2!"), Map.of())).containsExactly(
                "environment variable WATCHER_HTTP_AUTH_TOKEN_ENV: http.auth.token_env: expected the name of an "
                        + "environment variable (letters, digits and '_', such as WATCHER_API_TOKEN), got 'hunter2!'; "
                        + "name the variable that holds the secret, never the secret itself");
    }

    @Test
    void everyKeyHasItsOwnVariableFlagAndDocumentation() {
        Set<String> vars = new HashSet<>();
        Set<String> flags = new HashSet<>();
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            assertThat(vars.add(key.envVar())).as("unique variable " + key.envVar()).isTrue();
            assertThat(flags.add(key.flag())).as("unique flag " + key.flag()).isTrue();
            assertThat(key.flag()).startsWith("--");
            assertThat(key.doc()).as(key.path()).endsWith(".");
            assertThat(ConfigKeys.byPath(key.path())).isSameAs(key);
        }
        assertThat(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS.envVar()).isEqualTo("WATCHER_KAFKA_BOOTSTRAP_SERVERS");
    }
}
