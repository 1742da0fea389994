package dev.anneal.watcher.core.notify;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The firing alerts one receiver is owed, per alerts-topic partition: for a receiver that
 * {@link Receiver#keepsFiringAlive() keeps firing alerts alive} (Alertmanager) every alert it has
 * been told is firing, re-sent periodically; for the others only the firing alerts a silence held
 * back ({@link DeliveryGate}), sent once when the silence ends. A firing transition adds (or
 * replaces, e.g. with its ack) its alert, the resolved transition with the same id removes it. Kept
 * per partition because a receiver's consumer owns partitions, not alerts: when a partition moves
 * to another notifier instance, its firing alerts go with it. Confined to the worker's thread.
 */
final class FiringAlerts {

    /** One alert owed, with the partition it came from. */
    record Owed(TopicPartition partition, AlertMessage alert) {
    }

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

    /** Forgets the alert {@code id} of partition {@code tp}, if it is there. */
    void remove(TopicPartition tp, String id) {
        Map<String, AlertMessage> alerts = byPartition.get(tp);
        if (alerts != null) {
            alerts.remove(id);
            size = count();
        }
    }

    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(byPartition::remove);
        size = count();
    }

    List<Owed> all() {
        List<Owed> out = new ArrayList<>();
        byPartition.forEach((tp, m) -> m.values().forEach(a -> out.add(new Owed(tp, a))));
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
