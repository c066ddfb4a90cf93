package dev.runbook.kafka;

import java.util.Map;
import java.util.TreeMap;

/**
 * The replayer group's committed offsets on a DLQ topic, per partition (absent: never committed); the
 * state a replay plan observed and apply re-checks.
 *
 * @param group the replayer's consumer group
 * @param dlqTopic the DLQ topic
 * @param committed partition to committed offset
 */
public record ReplayDlqState(String group, String dlqTopic, Map<Integer, Long> committed) {
    public ReplayDlqState {
        committed = new TreeMap<>(committed == null ? Map.of() : committed);
    }
}
