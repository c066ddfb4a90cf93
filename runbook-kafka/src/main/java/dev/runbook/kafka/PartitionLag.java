package dev.runbook.kafka;

/**
 * Lag of one group on one partition.
 *
 * @param topic the topic
 * @param partition the partition
 * @param committed the committed offset
 * @param logEnd the log end offset
 */
public record PartitionLag(String topic, int partition, long committed, long logEnd) {

    /** Messages not yet consumed: log end minus committed, never negative. */
    public long lag() {
        return Math.max(0, logEnd - committed);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + " lag " + lag() + " (" + committed + "/" + logEnd + ")";
    }
}
