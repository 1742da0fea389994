package dev.anneal.watcher.app.cli;

import dev.anneal.watcher.core.command.CommandClient;
import dev.anneal.watcher.core.stream.WatcherTopics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code watcher tail}: follows an output topic so on-call and newcomers can watch alerts,
 * recommendations, dead letters or the audit trail of operator commands without writing a
 * consumer. Reads with {@code isolation.level=read_committed}, as every consumer of the daemon's
 * exactly-once outputs must, and commits nothing (it joins no consumer group).
 */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Follow an output topic: alerts, recommendations, dlq, audit (operator commands) or any TOPIC (default: "
                    + "recommendations).",
            "Readable and coloured on a terminal (NO_COLOR turns colour off), JSON lines with --json. Reads "
                    + "committed records only. Exits after --max records or --timeout, else follows until interrupted."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            ExitCodes.OK + ":--max records shown, or --timeout passed without --max",
            ExitCodes.USAGE + ":bad usage",
            ExitCodes.NO_INPUT + ":the topic does not exist",
            ExitCodes.UNAVAILABLE + ":no Kafka broker answered",
            ExitCodes.TEMPFAIL + ":--timeout passed before --max records arrived"})
public final class TailCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "alerts|recommendations|dlq|audit|TOPIC",
            defaultValue = "recommendations", description = "What to follow (default: ${DEFAULT-VALUE}). The names "
                    + "stand for the default topics; give a topic name for renamed or quarantine topics.")
    String what;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", defaultValue = "127.0.0.1:9092",
            description = "The Kafka cluster (default: ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--from-beginning", description = "Start at the oldest record instead of new ones only.")
    boolean fromBeginning;

    @Option(names = "--run-id", paramLabel = "ID", description = "Only records of this run (key or value run_id).")
    String runId;

    @Option(names = "--max", paramLabel = "N", description = "Exit after N records.")
    Integer max;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Exit after this long (30s, 2m, ...).")
    Duration timeout;

    @Option(names = "--json", description = "One JSON object per record (topic, partition, offset, timestamp, key, "
            + "headers, value), for scripts.")
    boolean json;

    /** Whether people read the output on a terminal that wants colour. */
    static boolean colourWanted(boolean json) {
        return !json && System.console() != null && System.getenv("NO_COLOR") == null;
    }

    /** The topic a name stands for. */
    static String topicFor(String what) {
        return switch (what) {
            case "alerts" -> WatcherTopics.DEFAULT_ALERTS;
            case "recommendations" -> WatcherTopics.DEFAULT_RECOMMENDATIONS;
            case "dlq" -> WatcherTopics.DEFAULT_DLQ;
            case "audit" -> CommandClient.DEFAULT_AUDIT_TOPIC;
            default -> what;
        };
    }

    @Override
    public Integer call() throws CommandFailure {
        if (max != null && max < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max must be at least 1, was " + max);
        }
        String topic = topicFor(what);
        PrintWriter out = spec.commandLine().getOut();
        TailFormat format = new TailFormat(colourWanted(json));
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "watcher-tail",
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        int shown = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            } catch (TimeoutException e) {
                throw new CommandFailure(ExitCodes.UNAVAILABLE, "no Kafka broker answered at " + bootstrap
                        + " within 30 s; pass --bootstrap-servers to point elsewhere");
            }
            if (infos == null || infos.isEmpty()) {
                throw new CommandFailure(ExitCodes.NO_INPUT, "topic " + topic + " does not exist at " + bootstrap
                        + (topic.equals(what) ? "" : " (" + what + " stands for it)"));
            }
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : infos) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            partitions.forEach(consumer::position); // fix the start now, before anything new arrives
            while (System.nanoTime() < deadline) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(Math.max(1, Math.min(200, left))))) {
                    if (runId != null && !runId.equals(TailFormat.runId(r))) {
                        continue;
                    }
                    out.println(json ? TailFormat.json(r) : format.human(r));
                    shown++;
                    if (max != null && shown >= max) {
                        out.flush();
                        return ExitCodes.OK;
                    }
                }
                out.flush();
            }
        }
        if (max != null) {
            spec.commandLine().getErr().printf(Locale.ROOT, "watcher: %d of %d record%s within %s%n", shown, max,
                    max == 1 ? "" : "s", timeout);
            spec.commandLine().getErr().flush();
            return ExitCodes.TEMPFAIL;
        }
        return ExitCodes.OK;
    }
}
