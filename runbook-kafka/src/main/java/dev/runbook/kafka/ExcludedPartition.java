package dev.runbook.kafka;

/**
 * A partition a reset leaves alone, and why.
 *
 * @param topic the topic
 * @param partition the partition
 * @param reason one phrase: {@code no committed offset to shift from}, {@code topic no longer exists}
 */
public record ExcludedPartition(String topic, int partition, String reason) {

    @Override
    public String toString() {
        return topic + "-" + partition + ": " + reason;
    }
}
