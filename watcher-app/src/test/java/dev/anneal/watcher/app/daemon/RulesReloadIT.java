package dev.anneal.watcher.app.daemon;

import static dev.anneal.watcher.app.daemon.ItSupport.field;
import static dev.anneal.watcher.app.daemon.ItSupport.ppo;
import static dev.anneal.watcher.testkit.TopicReader.value;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.anneal.watcher.app.daemon.ItSupport.CapturedLogs;
import dev.anneal.watcher.app.daemon.ItSupport.Names;
import dev.anneal.watcher.core.stream.WatcherMetrics;
import dev.anneal.watcher.testkit.Await;
import dev.anneal.watcher.testkit.KafkaBroker;
import dev.anneal.watcher.testkit.KafkaTopics;
import dev.anneal.watcher.testkit.TopicReader;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules reload without a restart: a good new rule file changes behaviour at the next record while
 * unchanged rules keep their state; a broken file is refused with every problem logged, and the
 * rules that were running keep running; SIGHUP reloads too; removing a rule resolves its firing alert.
 */
class RulesReloadIT {

    /** loss_streak needs two breaching records in a row (state that must survive the reload). */
    private static final String PACK = """
            pack: it-reload
            rules:
              - id: loss_streak
                description: loss_total above 2 for two records in a row
                select: {kinds: [ppo]}
                condition: loss_total > 2
                for: 2
                value: loss_total
                threshold: 2
                severity: warning
                action: HOLD
              - id: kl_high
                description: kl_divergence above its limit
                select: {kinds: [ppo]}
                condition: kl_divergence > %s
                value: kl_divergence
                threshold: %s
                severity: critical
                action: FREEZE
            """;

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.create();

    @TempDir
    Path dir;

    @Test
    void aGoodFileAppliesAtTheNextRecordKeepingStateAndABrokenOneIsRefused() throws Exception {
        Names names = Names.fresh("reload");
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, PACK.formatted("0.05", "0.05"));
        WatcherApp app = ItSupport.startRunning(ItSupport.config(KAFKA, dir.resolve("streams"), names,
                List.of(rules.toString()), true));
        String bootstrap = KAFKA.bootstrapServers();
        try (CapturedLogs logs = new CapturedLogs();
             TopicReader alerts = new TopicReader(bootstrap, names.alerts());
             TopicReader recommendations = new TopicReader(bootstrap, names.recommendations())) {
            String v1 = app.rules().ruleSet().digest();

            // loss_streak goes pending (not published); kl 0.03 is fine under the 0.05 limit.
            KafkaTopics.send(bootstrap, names.input(), "run-r", ppo(3, 0.03, 1.0));
            assertThat(recommendations.await(1)).extracting(r -> field(value(r), "action")).containsExactly("PASS");

            // A good edit: only kl_high changes (limit 0.02).
            Files.writeString(rules, PACK.formatted("0.02", "0.02"));
            Await.until("the new rules are running", () -> app.rules().version() == 2);
            String v2 = app.rules().ruleSet().digest();
            assertThat(v2).isNotEqualTo(v1);
            assertThat(logs.messages("dev.anneal.watcher.app.daemon.RulesReloader")).anySatisfy(m -> assertThat(m)
                    .startsWith("rules reloaded (file change: " + rules.toAbsolutePath() + "): rule set " + v2
                            + " (was " + v1 + ")"));

            // The second breaching record fires loss_streak: its pending state survived the reload.
            // kl 0.03 now breaches the new limit.
            KafkaTopics.send(bootstrap, names.input(), "run-r", ppo(3, 0.03, 1.0));
            List<String> fired = alerts.await(2).stream().map(TopicReader::value).toList();
            assertThat(fired).extracting(v -> field(v, "rule") + " " + field(v, "state") + " " + field(v, "threshold"))
                    .containsExactlyInAnyOrder("loss_streak firing 2.0", "kl_high firing 0.02");
            assertThat(fired).allSatisfy(v -> assertThat(field(v, "rule_set")).isEqualTo(v2));
            assertThat(recommendations.await(2)).extracting(r -> field(value(r), "action"))
                    .containsExactly("PASS", "FREEZE");

            // A broken edit is refused; every problem is logged; v2 keeps running.
            Files.writeString(rules, PACK.formatted("0.01", "0.01").replace("severity: critical", "severity: urgent")
                    .replace("for: 2", "for: 2x"));
            Await.until("the broken file is refused", () -> reloads(app, "refused") >= 1);
            assertThat(app.rules().version()).isEqualTo(2);
            assertThat(app.rules().ruleSet().digest()).isEqualTo(v2);
            var refusal = logs.events().stream().filter(e -> e.getLevel() == Level.ERROR
                    && e.getLoggerName().endsWith("RulesReloader")).findFirst().orElseThrow();
            assertThat(refusal.getFormattedMessage())
                    .startsWith("rules reload (file change: " + rules.toAbsolutePath() + ") refused, 2 problems; the "
                            + "running rule set " + v2 + " stays:")
                    .contains("\n  " + rules + ":7: rule loss_streak.for: expected a record count")
                    .contains("\n  " + rules + ":18: rule kl_high.severity: 'urgent' is not one of");

            // The running (v2) rules keep evaluating: both alerts resolve under them.
            KafkaTopics.send(bootstrap, names.input(), "run-r", ppo(1, 0.015, 1.0));
            List<String> all = alerts.await(4).stream().map(TopicReader::value).toList();
            assertThat(all.subList(2, 4)).extracting(v -> field(v, "rule") + " " + field(v, "state") + " "
                    + field(v, "rule_set")).containsExactlyInAnyOrder("loss_streak resolved " + v2,
                    "kl_high resolved " + v2);

            // SIGHUP reloads too (here: the file is still broken, so it is refused again).
            if (app.reloader().orElseThrow().handlesSighup()) {
                new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start().waitFor();
                Await.until("SIGHUP reloaded", () -> reloads(app, "refused") >= 2);
            }
            // Fixing the file applies it.
            Files.writeString(rules, PACK.formatted("0.01", "0.01"));
            Await.until("the fixed file is running", () -> app.rules().version() == 3);

            // kl_high fires under v3; removing it from the file resolves that alert, with no record
            // needed: the task settles its runs at its next punctuation.
            KafkaTopics.send(bootstrap, names.input(), "run-r", ppo(1, 0.015, 1.0));
            String firing = value(alerts.await(5).get(4));
            assertThat(field(firing, "rule") + " " + field(firing, "state")).isEqualTo("kl_high firing");
            Files.writeString(rules, PACK.substring(0, PACK.indexOf("  - id: kl_high")));
            Await.until("the rules without kl_high are running", () -> app.rules().version() == 4);
            String resolved = value(alerts.await(6).get(5));
            assertThat(field(resolved, "rule") + " " + field(resolved, "state")).isEqualTo("kl_high resolved");
            assertThat(field(resolved, "id")).isEqualTo(field(firing, "id"));
            assertThat(field(resolved, "rule_set")).isEqualTo(app.rules().ruleSet().digest());
        } finally {
            app.stop();
        }
    }

    private static double reloads(WatcherApp app, String result) {
        Counter c = app.registry().find(WatcherMetrics.RULE_RELOADS).tag(WatcherMetrics.TAG_RESULT, result).counter();
        return c == null ? 0 : c.count();
    }
}
