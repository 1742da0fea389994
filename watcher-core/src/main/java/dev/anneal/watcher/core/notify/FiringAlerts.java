package dev.anneal.watcher.core.notify;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The alerts that are firing as far as one receiver has been told, per alerts-topic partition:
 * a firing transition adds its alert, the resolved transition with the same id removes it. Kept
 * per partition because a receiver's consumer owns partitions, not alerts: when a partition moves
 * to another notifier instance, its firing alerts go with it. Confined to the worker's thread.
 */
final class FiringAlerts {

    private final Map<TopicPartition, Map<String, AlertMessage>> byPartition = new HashMap<>();
    /** The count, readable from the metrics thread. */
    private volatile int size;

    void apply(TopicPartition tp, AlertMessage alert) {
        Map<String, AlertMessage> alerts = byPartition.computeIfAbsent(tp, p -> new LinkedHashMap<>());
        if (alert.firing()) {
            alerts.put(alert.id(), alert);
        } else {
            alerts.remove(alert.id());
        }
        size = count();
    }

    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(byPartition::remove);
        size = count();
    }

    List<AlertMessage> all() {
        List<AlertMessage> out = new ArrayList<>();
        byPartition.values().forEach(m -> out.addAll(m.values()));
        return out;
    }

    /** The number of firing alerts; safe from any thread. */
    int size() {
        return size;
    }

    private int count() {
        return byPartition.values().stream().mapToInt(Map::size).sum();
    }
}
