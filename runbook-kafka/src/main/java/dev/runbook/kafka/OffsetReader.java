package dev.runbook.kafka;

import dev.runbook.core.RefusedException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** The reads that offsets, lag and health share, each one Admin round trip, errors mapped. */
final class OffsetReader {

    /** A consumer group as the Admin API reports it. */
    record GroupView(
            String group,
            boolean exists,
            GroupType type,
            String protocol,
            GroupState state,
            int members,
            List<String> hosts,
            List<String> clients) {}

    private final Admin admin;
    private final String target;
    private final dev.runbook.core.Endpoint endpoint;

    OffsetReader(Admin admin, String target) {
        this(admin, target, ClusterCheck.of(admin, java.util.Map.of()));
    }

    OffsetReader(Admin admin, String target, dev.runbook.core.Endpoint endpoint) {
        this.admin = admin;
        this.target = target;
        this.endpoint = endpoint;
    }

    /** The cluster, as the engine checks it once per plan. */
    dev.runbook.core.Endpoint endpoint() {
        return endpoint;
    }

    String target() {
        return target;
    }

    Admin admin() {
        return admin;
    }

    /** The group's listing (type, protocol) and description (state, members); absent groups are DEAD. */
    GroupView group(String group) {
        Collection<GroupListing> all =
                KafkaErrors.await(admin.listGroups(new ListGroupsOptions()).all(), target, "listing groups");
        Optional<GroupListing> listing =
                all.stream().filter(l -> l.groupId().equals(group)).findFirst();
        GroupType type = listing.flatMap(GroupListing::type).orElse(GroupType.UNKNOWN);
        String protocol = listing.map(GroupListing::protocol).orElse("");
        if (type == GroupType.SHARE || type == GroupType.STREAMS) {
            GroupState state = listing.flatMap(GroupListing::groupState).orElse(GroupState.UNKNOWN);
            return new GroupView(group, true, type, protocol, state, 0, List.of(), List.of());
        }
        return describe(group, type, protocol);
    }

    /**
     * The group's state and members from one DescribeGroups round trip (no listing): what apply and
     * verify re-read once the plan has gated the group's type.
     */
    GroupView describe(String group) {
        return describe(group, GroupType.UNKNOWN, "");
    }

    private GroupView describe(String group, GroupType type, String protocol) {
        ConsumerGroupDescription d;
        try {
            d = KafkaErrors.await(
                            admin.describeConsumerGroups(List.of(group)).all(), target, "describing group " + group)
                    .get(group);
        } catch (RefusedException | dev.runbook.core.TargetUnavailableException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return new GroupView(group, false, type, protocol, GroupState.DEAD, 0, List.of(), List.of());
            }
            throw e;
        }
        GroupState state = d.groupState();
        boolean exists = state != GroupState.DEAD;
        List<String> hosts = d.members().stream()
                .map(MemberDescription::host)
                .distinct()
                .sorted()
                .toList();
        List<String> clients = d.members().stream()
                .map(MemberDescription::clientId)
                .distinct()
                .sorted()
                .toList();
        return new GroupView(
                group,
                exists,
                d.type() == null ? type : d.type(),
                protocol,
                state,
                d.members().size(),
                hosts,
                clients);
    }

    /** Every group id of the consumer protocol (classic and new), with its listing. */
    List<GroupListing> consumerGroups() {
        return new ArrayList<>(KafkaErrors.await(
                admin.listGroups(ListGroupsOptions.forConsumerGroups()).all(), target, "listing consumer groups"));
    }

    /**
     * The group's committed offsets on exactly {@code partitions}, pending transactional commits waited out
     * ({@link StableOffsets}).
     */
    Map<TopicPartition, Long> committed(String group, java.util.Collection<TopicPartition> partitions) {
        return StableOffsets.read(admin, target, group, partitions, KafkaErrors.TIMEOUT_SECONDS * 1000)
                .orElseThrow(() -> new dev.runbook.core.TargetUnavailableException(
                        target + ": the committed offsets of"
                                + " group '" + group + "' stayed pending for " + KafkaErrors.TIMEOUT_SECONDS + " s: a"
                                + " transaction that commits offsets for the group is still open; try again when it ends",
                        null));
    }

    /**
     * The group's committed offsets, all partitions, to find which partitions it has: a partition whose
     * only offset is still in a pending transaction is not among them (see the method above).
     */
    Map<TopicPartition, Long> committed(String group) {
        Map<TopicPartition, OffsetAndMetadata> raw = KafkaErrors.await(
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(),
                target,
                "reading the committed offsets of group " + group);
        Map<TopicPartition, Long> out = new HashMap<>();
        raw.forEach((tp, om) -> {
            if (om != null && om.offset() >= 0) {
                out.put(tp, om.offset());
            }
        });
        return out;
    }

    /** Partition counts of these topics; unknown topics are refused by name. */
    Map<String, Integer> partitionCounts(Collection<String> topics) {
        Map<String, Integer> out = new TreeMap<>();
        Map<String, TopicDescription> described;
        try {
            described = KafkaErrors.await(
                    admin.describeTopics(Set.copyOf(topics)).allTopicNames(), target, "describing topics " + topics);
        } catch (RefusedException e) {
            if (e.getCause() instanceof InvalidTopicException) {
                throw e;
            }
            List<String> missing = missingTopics(topics);
            throw new RefusedException(
                    target + ": topic" + (missing.size() == 1 ? " " : "s ") + missing
                            + " does not exist; check the name with kafka-topics --list (topic names are"
                            + " case-sensitive)",
                    e);
        }
        described.forEach((name, d) -> out.put(name, d.partitions().size()));
        return out;
    }

    /** The topics of {@code topics} that do not exist. */
    List<String> missingTopics(Collection<String> topics) {
        Set<String> names = KafkaErrors.await(admin.listTopics().names(), target, "listing topics");
        return topics.stream().filter(t -> !names.contains(t)).sorted().toList();
    }

    /** One offset per partition for {@code spec}; -1 where the broker found none (a timestamp too late). */
    Map<TopicPartition, Long> offsets(Collection<TopicPartition> partitions, OffsetSpec spec) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> raw;
        try {
            raw = KafkaErrors.await(admin.listOffsets(request).all(), target, "listing offsets");
        } catch (RefusedException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new RefusedException(
                        target + ": some of " + partitions + " do not exist; check the topic names and partition"
                                + " numbers with kafka-topics --describe",
                        e);
            }
            throw e;
        }
        Map<TopicPartition, Long> out = new HashMap<>();
        raw.forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }
}
