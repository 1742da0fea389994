package dev.anneal.watcher.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.watcher.core.notify.ReceiverSpec;
import dev.anneal.watcher.core.notify.SecretRef;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The notify.* keys from the file, the environment and flags (the bad files are in bad-config/). */
class NotifyConfigTest {

    private static final Path BASE = Path.of("/etc/watcher");

    private static WatcherConfig parse(String yaml, Map<String, String> env, Map<ConfigKey<?>, List<String>> flags)
            throws ConfigException {
        return ConfigLoader.parse("watcher.yaml", yaml, BASE, env, flags);
    }

    @Test
    void receiversFromTheFileWithSecretFilesRelativeToIt() throws Exception {
        WatcherConfig c = parse("""
                notify:
                  enabled: true
                  receivers:
                    - name: oncall
                      type: alertmanager
                      url: http://am:9093
                      bearer_token_file: secrets/am-token
                    - name: hook
                      type: webhook
                      url: https://hooks.example/w
                      headers: {X-Team: ml}
                      hmac_secret_env: HOOK_KEY
                  resend_interval: 30s
                  retry_attempts: 3
                """, Map.of(), Map.of());
        WatcherConfig.Notify n = c.notifier();
        assertThat(n.enabled()).isTrue();
        assertThat(n.receivers()).containsExactly(
                new ReceiverSpec("oncall", ReceiverSpec.Type.ALERTMANAGER, URI.create("http://am:9093"), Map.of(),
                        Optional.of(SecretRef.file("/etc/watcher/secrets/am-token")), Optional.empty()),
                new ReceiverSpec("hook", ReceiverSpec.Type.WEBHOOK, URI.create("https://hooks.example/w"),
                        Map.of("X-Team", "ml"), Optional.empty(), Optional.of(SecretRef.env("HOOK_KEY"))));
        assertThat(n.resendInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(n.resilience().maxAttempts()).isEqualTo(3);
        assertThat(n.settings("a", "r").groupId("hook")).isEqualTo("watcher-notify.hook");
    }

    @Test
    void theEnvironmentTakesAYamlListAndEachFlagOneReceiverReplacingTheFile() throws Exception {
        String file = "notify:\n  receivers: [{name: a, type: webhook, url: \"http://a/\"}]\n";
        WatcherConfig fromEnv = parse(file, Map.of("WATCHER_NOTIFY_RECEIVERS",
                "[{name: b, type: webhook, url: \"http://b/\"}, {name: c, type: alertmanager, url: \"http://c:9093\"}]",
                "WATCHER_NOTIFY_ENABLED", "true"), Map.of());
        assertThat(fromEnv.notifier().enabled()).isTrue();
        assertThat(fromEnv.notifier().receivers()).extracting(ReceiverSpec::name).containsExactly("b", "c");

        WatcherConfig fromFlags = parse(file, Map.of(), Map.of(ConfigKeys.NOTIFY_RECEIVERS, List.of(
                "{name: d, type: webhook, url: \"http://d/\", hmac_secret_file: key}",
                "{name: e, type: alertmanager, url: \"http://e:9093\"}")));
        assertThat(fromFlags.notifier().receivers()).extracting(ReceiverSpec::name).containsExactly("d", "e");
        // A relative secret file given by flag stays relative to the working directory.
        assertThat(fromFlags.notifier().receivers().get(0).hmacSecret()).contains(SecretRef.file("key"));
    }

    @Test
    void badReceiversFromTheEnvironmentAndFlagsNameTheirSource() {
        assertThatThrownBy(() -> parse("", Map.of("WATCHER_NOTIFY_RECEIVERS", "[{name: b, type: sms, url: \"http://b/\"}]"),
                Map.of())).isInstanceOf(ConfigException.class).extracting(e -> ((ConfigException) e).problems())
                .isEqualTo(List.of("environment variable WATCHER_NOTIFY_RECEIVERS: notify.receivers[0].type: expected "
                        + "alertmanager or webhook, got 'sms'"));
        assertThatThrownBy(() -> parse("", Map.of(), Map.of(ConfigKeys.NOTIFY_RECEIVERS, List.of("{name: x"))))
                .isInstanceOf(ConfigException.class).extracting(e -> ((ConfigException) e).problems().get(0))
                .asString().startsWith("option --notify-receiver: notify.receivers: expected YAML such as "
                        + "{name: oncall, type: alertmanager, url: http://127.0.0.1:9093}: ");
    }

    @Test
    void theDefaultsLeaveTheNotifierOff() {
        WatcherConfig.Notify n = ConfigLoader.defaults().notifier();
        assertThat(n).isEqualTo(WatcherConfig.Notify.disabled());
        assertThat(n.undeliverableTopic()).isEqualTo("anneal.alerts.undeliverable");
    }
}
