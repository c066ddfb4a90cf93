package dev.runbook.kafka;

import dev.runbook.core.RefusedException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * A topic's partition count, its partitions without a leader and its {@code cleanup.policy}, as {@link
 * AddPartitions} plans and verifies on them.
 *
 * @param topic the topic
 * @param partitions its partition count
 * @param withoutLeader the partitions that have no leader now
 * @param cleanupPolicy {@code delete}, {@code compact} or {@code compact,delete}
 */
record TopicLayout(String topic, int partitions, List<Integer> withoutLeader, String cleanupPolicy) {

    TopicLayout {
        withoutLeader = List.copyOf(withoutLeader);
    }

    /** Describes the topic; an unknown topic is refused by name (never created). */
    static TopicLayout read(OffsetReader reader, String topic) {
        TopicDescription d;
        Config config;
        try {
            d = KafkaErrors.await(
                            reader.admin().describeTopics(List.of(topic)).allTopicNames(),
                            reader.target(),
                            "describing topic " + topic)
                    .get(topic);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            config = KafkaErrors.await(
                            reader.admin().describeConfigs(List.of(resource)).all(),
                            reader.target(),
                            "reading the config of topic " + topic)
                    .get(resource);
        } catch (RefusedException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException
                    || !reader.missingTopics(List.of(topic)).isEmpty()) {
                throw new RefusedException(
                        reader.target() + ": topic '" + topic + "' does not exist; check the name"
                                + " with kafka-topics --list (topic names are case-sensitive)",
                        e);
            }
            throw e;
        }
        List<Integer> leaderless = d.partitions().stream()
                .filter(p -> p.leader() == null || p.leader().isEmpty())
                .map(TopicPartitionInfo::partition)
                .toList();
        ConfigEntry policy = config == null ? null : config.get("cleanup.policy");
        return new TopicLayout(
                topic,
                d.partitions().size(),
                leaderless,
                policy == null || policy.value() == null ? "delete" : policy.value());
    }

    /**
     * The consumer groups with committed offsets on the topic's first {@code partitions} partitions, sorted;
     * empty (not a failure) when the principal may not list groups: the warning is advice, not a check.
     */
    static List<String> groupsReading(OffsetReader reader, String topic, int partitions) {
        try {
            List<TopicPartition> tps = IntStream.range(0, partitions)
                    .mapToObj(p -> new TopicPartition(topic, p))
                    .toList();
            Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
            reader.consumerGroups()
                    .forEach(g -> specs.put(g.groupId(), new ListConsumerGroupOffsetsSpec().topicPartitions(tps)));
            if (specs.isEmpty()) {
                return List.of();
            }
            var all = KafkaErrors.await(
                    reader.admin().listConsumerGroupOffsets(specs).all(),
                    reader.target(),
                    "reading committed offsets of topic " + topic);
            List<String> out = new ArrayList<>();
            all.forEach((group, offsets) -> {
                if (offsets.values().stream().anyMatch(o -> o != null && o.offset() >= 0)) {
                    out.add(group);
                }
            });
            return out.stream().sorted().toList();
        } catch (dev.runbook.core.RunbookException e) {
            return List.of();
        }
    }
}
