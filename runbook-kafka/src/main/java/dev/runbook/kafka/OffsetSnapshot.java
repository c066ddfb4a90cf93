package dev.runbook.kafka;

import dev.runbook.core.Json;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every consumer group's committed offsets at one instant: what to record before touching anything.
 *
 * <pre>{@code
 * OffsetSnapshot s = kafka.offsets(Clock.systemUTC());
 * Files.writeString(Path.of("offsets-before.csv"), s.toCsv());   // group,topic,partition,offset
 * kafka.resetOffsets("billing").fromCsv(Path.of("offsets-before.csv"));   // restores one group
 * }</pre>
 *
 * @param takenAt when the offsets were read
 * @param groups committed offsets per group, groups and partitions in order
 */
public record OffsetSnapshot(Instant takenAt, Map<String, List<PartitionOffset>> groups) {

    public OffsetSnapshot {
        Map<String, List<PartitionOffset>> sorted = new TreeMap<>();
        groups.forEach((g, rows) ->
                sorted.put(g, rows.stream().sorted(PartitionOffset.ORDER).toList()));
        groups = java.util.Collections.unmodifiableMap(sorted);
    }

    /** The number of (group, partition) rows. */
    public int rows() {
        return groups.values().stream().mapToInt(List::size).sum();
    }

    /**
     * The {@code kafka-consumer-groups --export} CSV for several groups: {@code group,topic,partition,offset}.
     */
    public String toCsv() {
        StringBuilder out = new StringBuilder();
        groups.forEach((g, rows) -> rows.forEach(r -> out.append(g)
                .append(',')
                .append(r.topic())
                .append(',')
                .append(r.partition())
                .append(',')
                .append(r.offset())
                .append('\n')));
        return out.toString();
    }

    /** Pretty JSON: {@code {"takenAt": ..., "groups": {"billing": [{"topic":..}]}}}. */
    public String toJson() {
        return Json.writePretty(this);
    }

    /** The rows of one group, empty if it had none. */
    public List<PartitionOffset> group(String group) {
        return groups.getOrDefault(group, List.of());
    }

    @Override
    public String toString() {
        return "OffsetSnapshot[" + takenAt + ", " + groups.size() + " groups, " + rows() + " rows]";
    }

    static OffsetSnapshot read(OffsetReader reader, Clock clock, java.util.Set<String> only) {
        Instant at = clock.instant();
        Map<String, List<PartitionOffset>> groups = new TreeMap<>();
        ConsumerLag.committedOfAll(reader, only)
                .forEach((g, offsets) -> groups.put(
                        g,
                        offsets.entrySet().stream()
                                .map(e -> new PartitionOffset(
                                        e.getKey().topic(), e.getKey().partition(), e.getValue()))
                                .toList()));
        return new OffsetSnapshot(at, groups);
    }
}
