package dev.anneal.watcher.app.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.watcher.core.stream.WatcherTopics;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The daemon benchmark's reference application (the ceiling) and the topic names it gives each
 * watcher application it runs.
 */
final class BenchTopologies {

    static final String CEILING_STORE = "ceiling-counts";

    /** Top-level keys the parsing diagnostic has read, so the JIT cannot drop the parse. */
    static final LongAdder PARSED_KEYS = new LongAdder();

    private BenchTopologies() {
    }

    /**
     * The ceiling: count per key, as trivial as a stateful exactly-once application gets, with the
     * watcher's store kind (persistent, changelogged, cached) and serdes. With {@code parse}, every
     * value is also read into a Jackson tree first (configured as the watcher's decoder configures
     * Jackson), the diagnostic that separates JSON parsing from the rest of the watcher's cost.
     */
    static Topology ceiling(String input, String output, boolean parse) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<byte[], byte[]> in = builder.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()));
        if (parse) {
            ObjectMapper mapper = new ObjectMapper(JsonFactory.builder()
                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                    .build());
            in = in.peek((key, value) -> {
                try {
                    PARSED_KEYS.add(mapper.readTree(value).size());
                } catch (IOException e) {
                    throw new IllegalStateException("a record that is not JSON: " + e.getMessage(), e);
                }
            });
        }
        in.groupByKey(Grouped.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .count(Materialized.<byte[], Long, KeyValueStore<Bytes, byte[]>>as(CEILING_STORE)
                        .withKeySerde(Serdes.ByteArray()).withValueSerde(Serdes.Long()))
                .toStream()
                .to(output, Produced.with(Serdes.ByteArray(), Serdes.Long()));
        return builder.build();
    }

    /** The topics of the watcher application {@code appId} reading {@code input}: its outputs named after it. */
    static WatcherTopics watcherTopics(String appId, String input) {
        return new WatcherTopics(List.of(input), null, appId + ".alerts", appId + ".recommendations",
                appId + ".dlq")
                .withOperatorTopics(appId + ".commands", appId + ".audit");
    }
}
