package dev.anneal.watcher.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.watcher.app.config.ValueType.HostPort;
import dev.anneal.watcher.core.command.CommandClient;
import dev.anneal.watcher.core.notify.SecretRef;
import dev.anneal.watcher.rules.model.CommandType;
import dev.anneal.watcher.testkit.AuditResponder;
import dev.anneal.watcher.testkit.AuditResponder.Answer;
import dev.anneal.watcher.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HTTP command endpoints wired as the daemon wires them (a {@link CommandClient} behind
 * {@link CommandRoutes}), through a real broker: the command lands on the commands topic and the
 * answer follows its audit record. The daemon's audit output is played by {@link AuditResponder}
 * (a test double).
 */
class CommandRoutesIT {

    private static final String TOKEN = "it-t0ken";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.create();

    @Test
    void aCommandPostedOverHttpIsSentToKafkaAndAnsweredFromItsAuditRecord() throws Exception {
        CommandClient.Topics topics = new CommandClient.Topics("http.commands", "http.audit");
        KAFKA.createTopics(new NewTopic(topics.commands(), 2, (short) 1), new NewTopic(topics.audit(), 2, (short) 1));
        Map<String, String> bearer = Map.of("Authorization", "Bearer " + TOKEN);
        try (CommandClient client = new CommandClient(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KAFKA.bootstrapServers()), "watcher-api-commands", topics, Duration.ofSeconds(30));
             HttpServer server = HttpServer.start(new HostPort("127.0.0.1", 0), HttpLimits.DEFAULTS,
                     new HttpSecurity(Optional.empty(), BearerAuth.of(Optional.of(SecretRef.env("T")
                             .resolve(Map.of("T", TOKEN))), false)),
                     WatcherRoutes.run(new EmptySource(), CommandRoutes.routes(client::sendAndAwait,
                             Clock.systemUTC(), Duration.ofSeconds(3))));
             AuditResponder daemon = new AuditResponder(KAFKA.bootstrapServers(), topics.commands(), topics.audit(),
                     c -> c.runId().equals("run-quiet") ? Answer.silence() : Answer.applied("run ended by operator"))) {
            HttpTestClient http = HttpTestClient.plain();
            HttpTestClient.Response r = http.send("POST", server.url() + "/api/runs/run-1/end", bearer,
                    "{\"reason\": \"cancelled by the trainer\", \"actor\": \"carol\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode body = MAPPER.readTree(r.body());
            assertThat(body.path("status").asText()).isEqualTo("applied");
            assertThat(body.path("audit").get(0).path("actor").asText()).isEqualTo("carol");
            AuditResponder.Received got = daemon.commands().get(0);
            assertThat(got.key()).isEqualTo("run-1");
            assertThat(got.command().type()).isEqualTo(CommandType.END);
            assertThat(got.command().commandId()).isEqualTo(body.path("command_id").asText());

            HttpTestClient.Response pending = http.send("POST", server.url() + "/api/runs/run-quiet/clear", bearer,
                    "{\"reason\": \"r\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(pending.status()).as(pending.body()).isEqualTo(202);
            assertThat(MAPPER.readTree(pending.body()).path("detail").asText()).contains("no audit record within 3s");
        }
    }
}
