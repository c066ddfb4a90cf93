package dev.runbook.kafka;

import java.util.Comparator;
import java.util.Objects;
import org.apache.kafka.common.TopicPartition;

/**
 * One committed (or to-be-committed) offset: a row of the {@code kafka-consumer-groups --export} CSV.
 *
 * <pre>{@code
 * new PartitionOffset("orders", 0, 1042)   // orders,0,1042
 * }</pre>
 *
 * @param topic the topic
 * @param partition the partition number, {@code >= 0}
 * @param offset the offset, {@code >= 0} (the sentinels -1 and -2 are never valid here)
 */
public record PartitionOffset(String topic, int partition, long offset) {

    /** Orders by topic, then partition. */
    public static final Comparator<PartitionOffset> ORDER =
            Comparator.comparing(PartitionOffset::topic).thenComparingInt(PartitionOffset::partition);

    public PartitionOffset {
        Objects.requireNonNull(topic, "topic");
        if (topic.isBlank()) {
            throw new IllegalArgumentException("topic must not be blank");
        }
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, was " + partition + " for " + topic);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, was " + offset + " for " + topic + "-" + partition
                    + " (-1/-2 are latest/earliest sentinels; use toLatest()/toEarliest())");
        }
    }

    /** The Kafka partition. */
    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
