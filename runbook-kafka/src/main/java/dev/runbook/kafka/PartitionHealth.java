package dev.runbook.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Partitions that need attention: under-replicated (in-sync replicas fewer than replicas) and offline
 * (no leader).
 *
 * <pre>{@code
 * kafka.partitionHealth().read().offline();   // [orders-3]
 * }</pre>
 *
 * @param partitions the number of partitions looked at
 * @param underReplicated names ({@code topic-partition}) of under-replicated partitions
 * @param offline names of partitions without a leader
 */
public record PartitionHealth(int partitions, List<String> underReplicated, List<String> offline) {

    public PartitionHealth {
        underReplicated = List.copyOf(underReplicated);
        offline = List.copyOf(offline);
    }

    /** Whether every partition has a leader and a full ISR. */
    public boolean healthy() {
        return underReplicated.isEmpty() && offline.isEmpty();
    }

    static PartitionHealth read(OffsetReader reader) {
        String t = reader.target();
        // internal topics too: an offline __consumer_offsets partition stops every group it hosts
        var names = KafkaErrors.await(
                reader.admin()
                        .listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
                        .names(),
                t,
                "listing topics");
        Map<String, TopicDescription> all =
                KafkaErrors.await(reader.admin().describeTopics(names).allTopicNames(), t, "describing topics");
        List<String> under = new ArrayList<>();
        List<String> offline = new ArrayList<>();
        int count = 0;
        for (TopicDescription d : new java.util.TreeMap<>(all).values()) {
            for (TopicPartitionInfo p : d.partitions()) {
                count++;
                String name = d.name() + "-" + p.partition();
                if (p.leader() == null || p.leader().isEmpty()) {
                    offline.add(name);
                }
                if (p.isr().size() < p.replicas().size()) {
                    under.add(name);
                }
            }
        }
        return new PartitionHealth(count, under, offline);
    }
}
