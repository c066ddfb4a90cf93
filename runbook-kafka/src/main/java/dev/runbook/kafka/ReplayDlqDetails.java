package dev.runbook.kafka;

import dev.runbook.core.replay.ReplaySelection;
import dev.runbook.core.replay.ReplaySummary;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a {@link ReplayDlq} plan or apply covers: the DLQ offset range per partition, the replayer
 * group's offsets after the replay, and the summary of the records.
 *
 * @param dlqTopic the DLQ topic
 * @param group the replayer's consumer group (its committed offsets are the replay's progress)
 * @param transactionalId the first lane's transactional id (a replay of several partitions also uses {@code
 *     <it>.lane-1})
 * @param start per partition, the first offset in scope
 * @param end per partition, the last stable offset seen at plan time (exclusive)
 * @param commit per partition, the offsets the replayer group will have committed (or has) afterwards
 * @param summary counts by origin, positions, time range, sample keys, targets, bytes
 * @param selection the filters and limits
 */
public record ReplayDlqDetails(
        String dlqTopic,
        String group,
        String transactionalId,
        Map<Integer, Long> start,
        Map<Integer, Long> end,
        Map<Integer, Long> commit,
        ReplaySummary summary,
        ReplaySelection selection) {
    public ReplayDlqDetails {
        start = new TreeMap<>(start);
        end = new TreeMap<>(end);
        commit = new TreeMap<>(commit);
    }
}
