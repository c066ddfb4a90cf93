package dev.runbook.kafka;

/**
 * One partition of a reset's dry run: where the group is, where it goes, and what that means.
 *
 * @param topic the topic
 * @param partition the partition
 * @param committed the committed offset now, or {@code null} when the group has none there
 * @param target the offset the reset commits
 * @param logStart the partition's log start offset
 * @param logEnd the partition's log end offset
 */
public record PartitionReset(String topic, int partition, Long committed, long target, long logStart, long logEnd) {

    /** Messages the group will read again (moving back); 0 when moving forward or nothing was committed. */
    public long reconsumed() {
        return committed == null ? 0 : Math.max(0, committed - target);
    }

    /** Messages the group will never read (moving forward); 0 when moving back or nothing was committed. */
    public long skipped() {
        return committed == null ? 0 : Math.max(0, target - committed);
    }

    /** Whether the reset changes this partition. */
    public boolean changes() {
        return committed == null || committed != target;
    }

    @Override
    public String toString() {
        return String.format(
                java.util.Locale.ROOT,
                "%s-%d: %s -> %d (log %d..%d, re-consumed %d, skipped %d)",
                topic,
                partition,
                committed == null ? "none" : committed.toString(),
                target,
                logStart,
                logEnd,
                reconsumed(),
                skipped());
    }
}
