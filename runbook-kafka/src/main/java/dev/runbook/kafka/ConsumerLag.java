package dev.runbook.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer group's lag per partition, per topic and in total, from its committed offsets and the log
 * end offsets.
 *
 * <pre>{@code
 * Probes.waitUntil(kafka.consumerLag("billing").map("billing lag", ConsumerLag::total),
 *     Conditions.below(1_000), Duration.ofMinutes(10));
 * }</pre>
 *
 * @param group the group
 * @param partitions lag of every partition the group committed, ordered by topic and partition
 */
public record ConsumerLag(String group, List<PartitionLag> partitions) {

    public ConsumerLag {
        partitions = List.copyOf(partitions);
    }

    /** Total lag over all partitions. */
    public long total() {
        return partitions.stream().mapToLong(PartitionLag::lag).sum();
    }

    /** Lag per topic. */
    public Map<String, Long> perTopic() {
        Map<String, Long> out = new TreeMap<>();
        partitions.forEach(p -> out.merge(p.topic(), p.lag(), Long::sum));
        return out;
    }

    @Override
    public String toString() {
        return "ConsumerLag[group '" + group + "' total " + total() + " " + perTopic() + "]";
    }

    static ConsumerLag read(OffsetReader reader, String group) {
        Map<TopicPartition, Long> committed = reader.committed(group);
        if (committed.isEmpty() && !reader.group(group).exists()) {
            // a misspelt group would otherwise read as "lag 0": all good
            throw new dev.runbook.core.RefusedException("consumer group '" + group + "' does not exist on "
                    + reader.target() + "; check the name with kafka-consumer-groups --list");
        }
        return of(group, committed, ends(reader, committed.keySet()));
    }

    static Map<String, ConsumerLag> readAll(OffsetReader reader) {
        Map<String, Map<TopicPartition, Long>> committed = committedOfAll(reader, Set.of());
        Set<TopicPartition> all = new HashSet<>();
        committed.values().forEach(m -> all.addAll(m.keySet()));
        Map<TopicPartition, Long> ends = ends(reader, all);
        Map<String, ConsumerLag> out = new TreeMap<>();
        committed.forEach((g, offsets) -> out.put(g, of(g, offsets, ends)));
        return out;
    }

    /** Committed offsets of every consumer group (or only these), in one request per coordinator. */
    static Map<String, Map<TopicPartition, Long>> committedOfAll(OffsetReader reader, Set<String> only) {
        Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
        for (GroupListing g : reader.consumerGroups()) {
            if (only.isEmpty() || only.contains(g.groupId())) {
                specs.put(g.groupId(), new ListConsumerGroupOffsetsSpec());
            }
        }
        Map<String, Map<TopicPartition, Long>> out = new TreeMap<>();
        if (specs.isEmpty()) {
            return out;
        }
        Map<String, Map<TopicPartition, OffsetAndMetadata>> raw = KafkaErrors.await(
                reader.admin().listConsumerGroupOffsets(specs).all(),
                reader.target(),
                "reading the committed offsets of " + specs.size() + " groups");
        raw.forEach((g, offsets) -> {
            Map<TopicPartition, Long> m = new HashMap<>();
            offsets.forEach((tp, om) -> {
                if (om != null && om.offset() >= 0) {
                    m.put(tp, om.offset());
                }
            });
            out.put(g, m);
        });
        return out;
    }

    private static Map<TopicPartition, Long> ends(OffsetReader reader, Set<TopicPartition> partitions) {
        // partitions of deleted topics have committed offsets but no log end; leave them out
        Set<String> topics = new HashSet<>();
        partitions.forEach(tp -> topics.add(tp.topic()));
        List<String> missing = topics.isEmpty() ? List.of() : reader.missingTopics(topics);
        List<TopicPartition> live = new ArrayList<>();
        partitions.forEach(tp -> {
            if (!missing.contains(tp.topic())) {
                live.add(tp);
            }
        });
        return reader.offsets(live, OffsetSpec.latest());
    }

    private static ConsumerLag of(String group, Map<TopicPartition, Long> committed, Map<TopicPartition, Long> ends) {
        List<PartitionLag> rows = new ArrayList<>();
        committed.forEach((tp, c) -> {
            Long end = ends.get(tp);
            if (end != null) {
                rows.add(new PartitionLag(tp.topic(), tp.partition(), c, end));
            }
        });
        rows.sort(java.util.Comparator.comparing(PartitionLag::topic).thenComparingInt(PartitionLag::partition));
        return new ConsumerLag(group, rows);
    }
}
