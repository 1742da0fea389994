package dev.anneal.watcher.app.cli;

import dev.anneal.watcher.core.inject.Injector;
import dev.anneal.watcher.core.inject.Pacing;
import dev.anneal.watcher.core.inject.SyntheticMessage;
import dev.anneal.watcher.core.stream.WatcherTopics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends synthetic messages to a Kafka topic, for {@code watcher inject} and {@code watcher demo}:
 * keyed by run id, each with the {@link WatcherTopics#HEADER_SYNTHETIC} header and its event time
 * as the Kafka timestamp, idempotent with {@code acks=all}, each send confirmed before the next so
 * pacing means what it says.
 */
final class KafkaInjection {

    private KafkaInjection() {
    }

    /**
     * Sends {@code messages} to {@code topic} at {@code bootstrap}.
     *
     * @throws CommandFailure {@link ExitCodes#UNAVAILABLE} when the brokers do not answer within
     *                        {@code timeout}, {@link ExitCodes#IO_ERROR} when Kafka refuses a record
     */
    static Injector.Result send(String bootstrap, String topic, List<SyntheticMessage> messages, Pacing pacing,
            Clock clock, Duration timeout) throws CommandFailure, InterruptedException {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.CLIENT_ID_CONFIG, "watcher-inject",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis(),
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis() + 30_000));
        byte[] synthetic = Injector.SYNTHETIC_VALUE.getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            Injector injector = new Injector(clock, Thread::sleep);
            return injector.inject(messages, pacing, (key, value, ts) -> {
                RecordHeaders headers = new RecordHeaders();
                headers.add(WatcherTopics.HEADER_SYNTHETIC, synthetic);
                producer.send(new ProducerRecord<>(topic, null, ts, key.getBytes(StandardCharsets.UTF_8), value,
                        headers)).get(timeout.toMillis() + 30_000, TimeUnit.MILLISECONDS);
            });
        } catch (InterruptedException e) {
            throw e;
        } catch (TimeoutException | org.apache.kafka.common.errors.TimeoutException e) {
            throw unavailable(bootstrap, timeout);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException
                    || cause instanceof RetriableException) {
                throw unavailable(bootstrap, timeout);
            }
            throw new CommandFailure(ExitCodes.IO_ERROR, "Kafka refused a record for " + topic + ": "
                    + cause.getMessage());
        } catch (CommandFailure | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new CommandFailure(ExitCodes.IO_ERROR, "cannot inject into " + topic + ": " + e.getMessage());
        }
    }

    private static CommandFailure unavailable(String bootstrap, Duration timeout) {
        return new CommandFailure(ExitCodes.UNAVAILABLE, "no Kafka broker answered at " + bootstrap + " within "
                + timeout.toSeconds() + " s; is 'watcher run' (or your cluster) up? Pass --bootstrap-servers to "
                + "point elsewhere");
    }
}
