package dev.anneal.watcher.app.cli;

import static dev.anneal.watcher.app.cli.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.watcher.app.cli.CliRunner.Result;
import dev.anneal.watcher.core.output.AuditJson;
import dev.anneal.watcher.rules.model.AuditRecord;
import dev.anneal.watcher.rules.model.CommandOutcome;
import dev.anneal.watcher.rules.model.CommandType;
import dev.anneal.watcher.rules.model.OperatorCommand;
import dev.anneal.watcher.testkit.AuditResponder;
import dev.anneal.watcher.testkit.AuditResponder.Answer;
import dev.anneal.watcher.testkit.AuditResponder.Received;
import dev.anneal.watcher.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code watcher clear|ack|silence|unsilence|end} against a real (embedded) broker: what lands on
 * the commands topic (key, partition, the {@code CommandJson} wire format) and how the outcome is
 * awaited on the audit topic and turned into output and exit codes. The daemon's side is played by
 * {@link AuditResponder}, a test double of its audit output; the end-to-end tests with the real
 * daemon live with the daemon's tests.
 */
class OperatorCommandsIT {

    private static final int PARTITIONS = 3;
    private static final AtomicInteger NEXT = new AtomicInteger();

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.create();

    /** A fresh commands/audit topic pair, co-partitioned like the daemon creates them. */
    private record Topics(String commands, String audit) {
        static Topics fresh() {
            int n = NEXT.incrementAndGet();
            Topics t = new Topics("cmd-" + n + ".commands", "cmd-" + n + ".audit");
            KAFKA.createTopics(new NewTopic(t.commands, PARTITIONS, (short) 1), new NewTopic(t.audit, PARTITIONS,
                    (short) 1));
            return t;
        }

        AuditResponder responder(Function<OperatorCommand, Answer> answers) {
            return new AuditResponder(KAFKA.bootstrapServers(), commands, audit, answers);
        }

        /** The command line: the command's own arguments, then the broker and topics. */
        Result cli(String... args) {
            String[] all = new String[args.length + 6];
            System.arraycopy(args, 0, all, 0, args.length);
            System.arraycopy(new String[] {"--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", commands,
                "--audit-topic", audit}, 0, all, args.length, 6);
            return run(all);
        }
    }

    /** The partition Kafka's default partitioner (and so Kafka Streams) gives a key. */
    private static int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    @Test
    void anAppliedClearIsOneRecordKeyedByTheRunAndExitsZero() throws Exception {
        Topics t = Topics.fresh();
        try (AuditResponder daemon = t.responder(c -> Answer.applied("ROLLBACK latch released; recommendation now PASS"))) {
            Result r = t.cli("clear", "run-42", "--reason", "loss back under baseline after restart", "--as", "alice");
            assertThat(r.code()).as(r.toString()).isZero();
            List<Received> got = daemon.commands();
            assertThat(got).hasSize(1);
            Received sent = got.get(0);
            assertThat(sent.key()).isEqualTo("run-42");
            assertThat(sent.partition()).isEqualTo(partitionOf("run-42"));
            OperatorCommand c = sent.command();
            assertThat(c.type()).isEqualTo(CommandType.CLEAR);
            assertThat(c.runId()).isEqualTo("run-42");
            assertThat(c.actor()).isEqualTo("alice");
            assertThat(c.reason()).isEqualTo("loss back under baseline after restart");
            assertThat(c.commandId()).startsWith("c-");
            assertThat(r.out()).contains("command " + c.commandId() + ": clear on run run-42 by alice: "
                    + "\"loss back under baseline after restart\"",
                    "applied: ROLLBACK latch released; recommendation now PASS");
        }
    }

    @Test
    void aRefusedCommandExits65WithTheWatchersReason() throws Exception {
        Topics t = Topics.fresh();
        try (AuditResponder daemon = t.responder(c -> Answer.refused("loss_drift_rollback is still firing and "
                + "demands ROLLBACK"))) {
            Result r = t.cli("clear", "run-7", "--reason", "try");
            assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.DATA_ERROR);
            String id = daemon.commands().get(0).command().commandId();
            assertThat(r.err()).contains("watcher: command " + id + " refused: loss_drift_rollback is still firing "
                    + "and demands ROLLBACK");
            assertThat(ExitCodes.errorClass(r.code()).id()).isEqualTo("bad_input");
        }
    }

    @Test
    void aRetryWithTheSameCommandIdIsADuplicateAndStillExitsZero() throws Exception {
        Topics t = Topics.fresh();
        Map<String, Integer> seen = new java.util.concurrent.ConcurrentHashMap<>();
        try (AuditResponder daemon = t.responder(c -> seen.merge(c.commandId(), 1, Integer::sum) == 1
                ? Answer.applied("run ended") : new Answer(CommandOutcome.DUPLICATE, "already applied at record 7"))) {
            Result first = t.cli("end", "run-9", "--reason", "cancelled", "--command-id", "c-retry-1");
            assertThat(first.code()).as(first.toString()).isZero();
            Result again = t.cli("end", "run-9", "--reason", "cancelled", "--command-id", "c-retry-1");
            assertThat(again.code()).as(again.toString()).isZero();
            assertThat(again.out()).contains("duplicate: command c-retry-1 had already been applied");
            assertThat(daemon.commands()).extracting(x -> x.command().commandId()).containsExactly("c-retry-1",
                    "c-retry-1");
        }
    }

    @Test
    void withoutAnAuditRecordInTimeItExits75AndSaysTheCommandMayStillApply() throws Exception {
        Topics t = Topics.fresh();
        try (AuditResponder daemon = t.responder(c -> Answer.silence())) {
            Result r = t.cli("ack", "run-3", "kl_gate", "--reason", "looking", "--wait", "2s", "--command-id", "c-slow");
            assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.TEMPFAIL);
            assertThat(r.err()).contains("no audit record for command c-slow within 2s", "may still apply",
                    "--command-id c-slow");
            assertThat(daemon.awaitCommands(1).get(0).command().rule()).isEqualTo("kl_gate");
        }
    }

    @Test
    void aSilenceOfEveryRunGoesToEveryPartitionKeyedStarAndWaitsForEachAnswer() throws Exception {
        Topics t = Topics.fresh();
        try (AuditResponder daemon = t.responder(c -> Answer.applied("silence stored"))) {
            Result r = t.cli("silence", "--rule", "stale_telemetry", "--label", "pack=anneal-gates", "--for", "2h",
                    "--reason", "planned maintenance", "--json");
            assertThat(r.code()).as(r.toString()).isZero();
            List<Received> got = daemon.commands();
            assertThat(got).extracting(Received::partition).containsExactlyInAnyOrder(0, 1, 2);
            assertThat(got).extracting(Received::key).containsOnly("*");
            OperatorCommand c = got.get(0).command();
            assertThat(c.allRuns()).isTrue();
            assertThat(c.silence().rule()).isEqualTo("stale_telemetry");
            assertThat(c.silence().labels()).isEqualTo(Map.of("pack", "anneal-gates"));
            assertThat(c.silenceMillis()).isEqualTo(2 * 3600 * 1000L);
            assertThat(got).extracting(x -> x.command()).containsOnly(c);
            // --json: the three audit records as published, nothing else on stdout.
            List<String> lines = r.out().lines().toList();
            assertThat(lines).hasSize(PARTITIONS);
            for (String line : lines) {
                AuditRecord a = AuditJson.parse(line);
                assertThat(a.command()).isEqualTo(c);
                assertThat(a.outcome()).isEqualTo(CommandOutcome.APPLIED);
            }
        }
    }

    @Test
    void aSilenceOfOneRunAndItsUnsilenceGoWhereTheRunsRecordsGo() throws Exception {
        Topics t = Topics.fresh();
        try (AuditResponder daemon = t.responder(c -> Answer.applied("ok"))) {
            Result s = t.cli("silence", "--run", "run-5", "--for", "30m", "--reason", "known flaky",
                    "--command-id", "c-sil-5");
            assertThat(s.code()).as(s.toString()).isZero();
            Result u = t.cli("unsilence", "c-sil-5", "--run", "run-5", "--reason", "fixed");
            assertThat(u.code()).as(u.toString()).isZero();
            List<Received> got = daemon.commands();
            assertThat(got).extracting(Received::partition).containsOnly(partitionOf("run-5"));
            assertThat(got.get(0).command().silence().rule()).isNull();
            assertThat(got.get(1).command().type()).isEqualTo(CommandType.UNSILENCE);
            assertThat(got.get(1).command().silenceId()).isEqualTo("c-sil-5");
        }
    }

    @Test
    void noWaitSendsAndExitsZeroAndAMissingTopicExits66() throws Exception {
        Topics t = Topics.fresh();
        try (AuditResponder daemon = t.responder(c -> Answer.silence())) {
            Result r = t.cli("end", "run-1", "--reason", "done", "--no-wait", "--json");
            assertThat(r.code()).as(r.toString()).isZero();
            Received got = daemon.awaitCommands(1).get(0);
            assertThat(r.out().strip()).isEqualTo(got.json());
        }
        Result missing = run("clear", "run-1", "--reason", "r", "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--topic", "no-such.commands", "--audit-topic", "no-such.audit");
        assertThat(missing.code()).as(missing.toString()).isEqualTo(ExitCodes.NO_INPUT);
        assertThat(missing.err()).contains("topic no-such.audit does not exist");
    }
}
