package dev.anneal.watcher.app.chaos;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Which input partitions each instance of a Kafka Streams application holds, as its consumer
 * group says: the active tasks (standby tasks are not partitions of the group's assignment).
 * Members are told apart by their {@code client.id} prefix ({@link Fleet#clientId}).
 */
final class GroupView {

    private GroupView() {
    }

    /** Client id of each member to the partitions of {@code topic} it is assigned. */
    static Map<String, Set<Integer>> assignment(Admin admin, String group, String topic) {
        ConsumerGroupDescription d;
        try {
            d = admin.describeConsumerGroups(Set.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
        } catch (Exception e) {
            throw new AssertionError("cannot describe group " + group + ": " + e, e);
        }
        Map<String, Set<Integer>> out = new TreeMap<>();
        for (MemberDescription m : d.members()) {
            Set<Integer> partitions = out.computeIfAbsent(m.clientId(), c -> new TreeSet<>());
            for (TopicPartition tp : m.assignment().topicPartitions()) {
                if (tp.topic().equals(topic)) {
                    partitions.add(tp.partition());
                }
            }
        }
        return out;
    }

    /** The partitions of {@code topic} held by the member whose client id starts with {@code clientId}. */
    static Set<Integer> partitionsOf(Admin admin, String group, String topic, String clientId) {
        Set<Integer> out = new TreeSet<>();
        assignment(admin, group, topic).forEach((member, partitions) -> {
            if (member.startsWith(clientId + "-")) {
                out.addAll(partitions);
            }
        });
        return out;
    }
}
