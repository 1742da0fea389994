package dev.anneal.watcher.core.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;

class StreamsProgressTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong nanos = new AtomicLong();
    private final StreamsProgress progress = new StreamsProgress(registry, nanos::get);
    private final TopicPartition p0 = new TopicPartition("watcher-watcher-run-state-changelog", 0);
    private final TopicPartition p1 = new TopicPartition("watcher-watcher-run-state-changelog", 1);

    private double gauge(String name, String... tags) {
        return registry.get(name).tags(tags).gauge().value();
    }

    @Test
    void theStateIsOneSeriesPerStateAndEveryEntryIntoRebalancingCounts() {
        assertThat(gauge(WatcherMetrics.STREAMS_STATE, "state", "CREATED")).isEqualTo(1);
        progress.stateChanged(State.REBALANCING, State.CREATED);
        progress.stateChanged(State.RUNNING, State.REBALANCING);
        progress.stateChanged(State.REBALANCING, State.RUNNING);
        assertThat(gauge(WatcherMetrics.STREAMS_STATE, "state", "REBALANCING")).isEqualTo(1);
        assertThat(gauge(WatcherMetrics.STREAMS_STATE, "state", "RUNNING")).isZero();
        assertThat(gauge(WatcherMetrics.STREAMS_STATE, "state", "CREATED")).isZero();
        assertThat(registry.get(WatcherMetrics.REBALANCES).counter().count()).isEqualTo(2);
        assertThat(progress.describe()).isEqualTo("2 rebalances");
    }

    @Test
    void restorationShowsWhatIsLeftAndHowLongEachStoreTook() {
        progress.onRestoreStart(p0, "watcher-run-state", 100, 1_100);
        progress.onRestoreStart(p1, "watcher-run-state", 0, 50);
        progress.onBatchRestored(p0, "watcher-run-state", 600, 500);
        assertThat(gauge(WatcherMetrics.RESTORE_REMAINING)).isEqualTo(550);
        assertThat(progress.describe()).isEqualTo("0 rebalances; restoring 2 store partitions, 550 records left");

        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(250));
        progress.onBatchRestored(p0, "watcher-run-state", 1_100, 500);
        progress.onRestoreEnd(p0, "watcher-run-state", 1_000);
        progress.onRestoreSuspended(p1, "watcher-run-state", 0);

        assertThat(gauge(WatcherMetrics.RESTORE_REMAINING)).isZero();
        assertThat(registry.get(WatcherMetrics.RESTORED_RECORDS).counter().count()).isEqualTo(1_000);
        assertThat(registry.get(WatcherMetrics.RESTORE_DURATION).timer().count()).isEqualTo(1);
        assertThat(registry.get(WatcherMetrics.RESTORE_DURATION).timer().max(TimeUnit.MILLISECONDS)).isEqualTo(250);
        assertThat(progress.describe()).isEqualTo("0 rebalances");
    }
}
