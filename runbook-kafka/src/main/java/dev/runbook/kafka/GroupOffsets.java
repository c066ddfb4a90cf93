package dev.runbook.kafka;

import java.util.List;
import java.util.Objects;

/**
 * What a reset observed about a consumer group: its state, members and committed offsets of the
 * partitions in scope. Apply re-reads it and refuses when it changed.
 *
 * @param group the group id
 * @param state the state the Admin API reports ({@code EMPTY}, {@code STABLE}, {@code DEAD} for a group
 *     that does not exist)
 * @param members the number of members
 * @param committed committed offsets of the partitions in scope, ordered by topic and partition
 */
public record GroupOffsets(String group, String state, int members, List<PartitionOffset> committed) {

    public GroupOffsets {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(state, "state");
        committed = committed.stream().sorted(PartitionOffset.ORDER).toList();
    }

    /** The committed offsets in the {@code kafka-consumer-groups --export} CSV format. */
    public String toCsv() {
        return OffsetsCsv.format(committed);
    }
}
