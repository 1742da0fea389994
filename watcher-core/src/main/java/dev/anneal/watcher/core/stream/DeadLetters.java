package dev.anneal.watcher.core.stream;

import dev.anneal.watcher.rules.model.RejectReason;
import dev.anneal.watcher.rules.model.RejectionCategory;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Turns a rejected input record into its dead letter: the key, value and timestamp unchanged, the
 * input's headers kept, and the {@code watcher.*} headers of {@link WatcherTopics} added to say why
 * and where it came from. It also counts the rejection and logs the first one of each category, so
 * that an operator sees what kind of bad data arrives without one noisy producer flooding the log;
 * later rejections of that category are only counted and dead-lettered.
 *
 * <p>One instance per stream task, used by the task's thread only.
 */
final class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final WatcherMetrics metrics;
    /** Categories whose first rejection this task has logged. */
    private final Set<RejectionCategory> logged = EnumSet.noneOf(RejectionCategory.class);

    DeadLetters(WatcherMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * The dead letter of {@code input}, rejected for {@code reason}.
     *
     * @param meta     where {@code input} was read from
     * @param position the rejected record's position ({@link WatcherTopics#HEADER_POSITION})
     */
    Record<byte[], byte[]> letter(Record<byte[], byte[]> input, RecordMetadata meta, String position,
            RejectReason reason) {
        RejectionCategory category = reason.category();
        metrics.rejected(category);
        if (logged.add(category)) {
            ErrorLog.at(LOG, Level.WARN, reason.errorClass())
                    .addKeyValue(WatcherMetrics.TAG_REASON, category.id())
                    .log("rejected the record at {}: {} (further {} rejections of this task are only counted in {} "
                            + "and dead-lettered)", position, reason.text(), category.id(),
                            WatcherMetrics.RECORDS_REJECTED);
        }
        Headers headers = new RecordHeaders(input.headers().toArray());
        headers.add(WatcherTopics.HEADER_REASON, utf8(reason.text()));
        headers.add(WatcherTopics.HEADER_REASON_CATEGORY, utf8(category.id()));
        headers.add(WatcherTopics.HEADER_ERROR_CLASS, utf8(reason.errorClass().id()));
        headers.add(WatcherTopics.HEADER_SOURCE_TOPIC, utf8(meta.topic()));
        headers.add(WatcherTopics.HEADER_SOURCE_PARTITION, utf8(Integer.toString(meta.partition())));
        headers.add(WatcherTopics.HEADER_SOURCE_OFFSET, utf8(Long.toString(meta.offset())));
        headers.add(WatcherTopics.HEADER_POSITION, utf8(position));
        return new Record<>(input.key(), input.value(), input.timestamp(), headers);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
