package dev.runbook.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer group's committed offsets on exactly the named partitions, with pending transactional commits
 * waited out. Two broker and client facts make this necessary (Kafka 4.x):
 *
 * <ul>
 *   <li>a fetch of <em>all</em> of a group's offsets lists only partitions that already have a committed
 *       offset: one whose only offset is pending in a just-committed transaction (its commit marker not yet
 *       written to {@code __consumer_offsets}) is left out, with no error;
 *   <li>a fetch of named partitions with {@code requireStable} answers a pending one with {@code
 *       UNSTABLE_OFFSET_COMMIT}, and the admin client drops such a partition from its result (it logs
 *       "Skipping return offset") instead of retrying, while a partition without an offset comes back as
 *       {@code null}.
 * </ul>
 *
 * So a partition missing from the answer is a pending one: it is asked again until it settles.
 */
final class StableOffsets {
    private static final long POLL_MILLIS = 20;

    private StableOffsets() {}

    /**
     * The committed offsets (absent: none committed), or empty when some partition's commit was still
     * pending after {@code waitMillis} (an open transaction, such as a crashed replay's).
     */
    static Optional<Map<TopicPartition, Long>> read(
            Admin admin, String target, String group, Collection<TopicPartition> partitions, long waitMillis) {
        Map<TopicPartition, Long> out = new HashMap<>();
        if (partitions.isEmpty()) {
            return Optional.of(out);
        }
        List<TopicPartition> asked = List.copyOf(partitions);
        long deadline = System.nanoTime() + waitMillis * 1_000_000;
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> got = KafkaErrors.await(
                    admin.listConsumerGroupOffsets(
                                    Map.of(group, new ListConsumerGroupOffsetsSpec().topicPartitions(asked)),
                                    new ListConsumerGroupOffsetsOptions().requireStable(true))
                            .partitionsToOffsetAndMetadata(group),
                    target,
                    "reading the committed offsets of group " + group);
            List<TopicPartition> pending = new ArrayList<>();
            for (TopicPartition tp : asked) {
                if (!got.containsKey(tp)) {
                    pending.add(tp);
                } else if (got.get(tp) != null && got.get(tp).offset() >= 0) {
                    out.put(tp, got.get(tp).offset());
                }
            }
            if (pending.isEmpty()) {
                return Optional.of(out);
            }
            if (System.nanoTime() > deadline) {
                return Optional.empty();
            }
            asked = pending;
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw KafkaErrors.map(e, target, "waiting for group " + group + "'s pending offset commits");
            }
        }
    }
}
