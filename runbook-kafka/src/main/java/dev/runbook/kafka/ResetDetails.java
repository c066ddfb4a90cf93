package dev.runbook.kafka;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The per-partition dry run of a {@link ResetOffsets}: {@code plan.details(ResetDetails.class)}.
 *
 * <pre>{@code
 * plan.details(ResetDetails.class).partitions().forEach(System.out::println);
 * // orders-0: 1042 -> 1043 (log 0..1200, re-consumed 0, skipped 1)
 * }</pre>
 *
 * @param group the consumer group
 * @param strategy the strategy, as a phrase
 * @param timestamp the resolved timestamp for to-datetime and by-duration, else {@code null}
 * @param partitions every partition in scope with its committed and new offset and log range
 * @param excluded partitions left alone, and why
 * @param deleted committed offsets the reset deletes (an undo of a reset on partitions that had none)
 */
public record ResetDetails(
        String group,
        String strategy,
        Instant timestamp,
        List<PartitionReset> partitions,
        List<ExcludedPartition> excluded,
        List<PartitionOffset> deleted) {

    public ResetDetails {
        partitions = List.copyOf(partitions);
        excluded = List.copyOf(excluded);
        deleted = deleted == null ? List.of() : List.copyOf(deleted);
    }

    /** The new offsets, as export rows. */
    public List<PartitionOffset> targets() {
        return partitions.stream()
                .map(p -> new PartitionOffset(p.topic(), p.partition(), p.target()))
                .toList();
    }

    /** Messages the group reads again, over all partitions. */
    public long reconsumed() {
        return partitions.stream().mapToLong(PartitionReset::reconsumed).sum();
    }

    /** Messages the group never reads, over all partitions. */
    public long skipped() {
        return partitions.stream().mapToLong(PartitionReset::skipped).sum();
    }

    /** A table for people, one line per partition, then the exclusions. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(
                String.format(Locale.ROOT, "reset group '%s' %s: %d partitions%n", group, strategy, partitions.size()));
        partitions.forEach(p -> out.append("  ").append(p).append(System.lineSeparator()));
        deleted.forEach(d -> out.append("  ")
                .append(d.topic())
                .append('-')
                .append(d.partition())
                .append(": ")
                .append(d.offset())
                .append(" -> deleted (no committed offset before)")
                .append(System.lineSeparator()));
        excluded.forEach(e -> out.append("  excluded ").append(e).append(System.lineSeparator()));
        return out.toString();
    }
}
