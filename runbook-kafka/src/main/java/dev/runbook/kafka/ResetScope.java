package dev.runbook.kafka;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which partitions a reset considers: whole topics, chosen partitions, or every partition the group has
 * committed. Empty (none of the three) means "the partitions the strategy names" (an export).
 */
record ResetScope(Set<String> topics, Map<String, Set<Integer>> partitions, boolean allCommitted) {

    ResetScope {
        topics = Set.copyOf(topics);
        partitions = Map.copyOf(partitions);
    }

    boolean isEmpty() {
        return topics.isEmpty() && partitions.isEmpty() && !allCommitted;
    }

    String describe() {
        if (allCommitted) {
            return "all committed partitions";
        }
        StringBuilder out = new StringBuilder();
        topics.stream().sorted().forEach(t -> out.append(out.length() == 0 ? "" : ", ")
                .append(t));
        partitions.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> out.append(
                        out.length() == 0 ? "" : ", ")
                .append(e.getKey())
                .append(List.copyOf(new java.util.TreeSet<>(e.getValue()))));
        return out.length() == 0 ? "the partitions named by the offsets" : out.toString();
    }
}
