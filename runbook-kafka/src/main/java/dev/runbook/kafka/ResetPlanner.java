package dev.runbook.kafka;

import dev.runbook.core.ActionContext;
import dev.runbook.core.Plural;
import dev.runbook.core.RefusedException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;

/** Resolves a reset against the group and the log: gates, scope, targets, range checks. Read-only. */
final class ResetPlanner {

    static final Comparator<TopicPartition> ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);
    private static final int SHOWN = 10;

    /** A resolved reset: the observed group and the per-partition dry run. */
    record Resolved(GroupOffsets before, ResetDetails details, List<String> warnings) {}

    private ResetPlanner() {}

    static Resolved resolve(ResetOffsets reset, OffsetReader reader, ActionContext ctx) {
        String group = reset.group();
        OffsetReader.GroupView view = reader.group(group);
        String pending = gate(view, reset.allowCreate(), reset.afterConsumersStop(), reader.target());
        Map<TopicPartition, Long> listed = view.exists() ? reader.committed(group) : Map.of();

        List<ExcludedPartition> excluded = new ArrayList<>();
        Set<TopicPartition> scope = scope(reset, reader, listed, excluded);
        // the offsets themselves are read again for exactly these partitions, stable (pending commits settled)
        Set<TopicPartition> read = new java.util.HashSet<>(scope);
        if (reset.strategy() instanceof OffsetStrategy.FromOffsets f) {
            read.addAll(f.forget());
        }
        Map<TopicPartition, Long> committed = view.exists() ? reader.committed(group, read) : Map.of();
        Set<TopicPartition> included = new TreeSet<>(ORDER);
        for (TopicPartition tp : scope) {
            if (ctx.guards().isProtected(tp.topic())) {
                excluded.add(new ExcludedPartition(tp.topic(), tp.partition(), "topic is protected by the guards"));
            } else if (reset.strategy() instanceof OffsetStrategy.ShiftBy && !committed.containsKey(tp)) {
                excluded.add(new ExcludedPartition(tp.topic(), tp.partition(), "no committed offset to shift from"));
            } else {
                included.add(tp);
            }
        }
        List<PartitionOffset> deletes = new ArrayList<>();
        if (reset.strategy() instanceof OffsetStrategy.FromOffsets f) {
            for (TopicPartition tp : f.forget()) {
                if (committed.containsKey(tp)) {
                    deletes.add(new PartitionOffset(tp.topic(), tp.partition(), committed.get(tp)));
                }
            }
        }
        if (included.isEmpty() && deletes.isEmpty()) {
            throw new RefusedException("group '" + group + "': nothing to reset in "
                    + reset.scope().describe()
                    + (excluded.isEmpty() ? "" : "; excluded " + excluded)
                    + "; name topics or partitions the group reads");
        }

        Map<TopicPartition, Long> starts = reader.offsets(included, OffsetSpec.earliest());
        Map<TopicPartition, Long> ends = reader.offsets(included, OffsetSpec.latest());
        Instant at = timestamp(reset.strategy(), ctx);
        Map<TopicPartition, Long> byTime =
                at == null ? Map.of() : reader.offsets(included, OffsetSpec.forTimestamp(at.toEpochMilli()));
        Map<TopicPartition, Long> fromFile = new HashMap<>();
        if (reset.strategy() instanceof OffsetStrategy.FromOffsets f) {
            f.offsets().forEach(o -> fromFile.put(o.topicPartition(), o.offset()));
        }

        List<String> violations = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (pending != null) {
            warnings.add(pending);
        }
        List<PartitionReset> rows = new ArrayList<>();
        for (TopicPartition tp : included) {
            long start = starts.get(tp);
            long end = ends.get(tp);
            Long current = committed.get(tp);
            long wanted;
            OffsetStrategy s = reset.strategy();
            if (s instanceof OffsetStrategy.Earliest) {
                wanted = start;
            } else if (s instanceof OffsetStrategy.Latest) {
                wanted = end;
            } else if (s instanceof OffsetStrategy.ToOffset o) {
                wanted = o.offset();
            } else if (s instanceof OffsetStrategy.ShiftBy sh) {
                wanted = current + sh.shift();
            } else if (s instanceof OffsetStrategy.FromOffsets) {
                wanted = fromFile.get(tp);
            } else {
                long found = byTime.get(tp);
                if (found < 0 && !at.isAfter(ctx.clock().instant())) {
                    // every record is older than a time already past (or there is none): the group reads what
                    // comes next, from the log end, as kafka-consumer-groups does; nothing is clamped
                    found = end;
                } else if (found < 0) {
                    String v = tp + ": no record at or after " + at + ", a time in the future ("
                            + (start == end ? "the partition is empty" : "the last record is older") + "; log end "
                            + end + ")";
                    if (!reset.clamp()) {
                        violations.add(v);
                        continue;
                    }
                    warnings.add(v + "; clamped to the log end " + end);
                    found = end;
                }
                wanted = found;
            }
            long target = wanted;
            if (wanted < start || wanted > end) {
                String v =
                        String.format(Locale.ROOT, "%s: offset %d is outside the log [%d, %d]", tp, wanted, start, end);
                if (!reset.clamp()) {
                    violations.add(v);
                    continue;
                }
                target = Math.max(start, Math.min(end, wanted));
                warnings.add(v + "; clamped to " + target);
            }
            rows.add(new PartitionReset(tp.topic(), tp.partition(), current, target, start, end));
        }
        if (!violations.isEmpty()) {
            throw new RefusedException(String.format(
                    Locale.ROOT,
                    "group '%s' %s: %s would get an offset outside the log: %s%s; choose an offset"
                            + " inside the log, or call clampToLogRange() to move them to the nearest end",
                    group,
                    reset.strategy().describe(),
                    Plural.of(violations.size(), "partition"),
                    String.join("; ", violations.subList(0, Math.min(SHOWN, violations.size()))),
                    violations.size() > SHOWN ? " ..." : ""));
        }
        long unset = rows.stream().filter(r -> r.committed() == null).count();
        if (unset > 0) {
            warnings.add(Plural.of(unset, "partition has", "partitions have")
                    + " no committed offset yet; the inverse deletes the new ones"
                    + " (as kafka-consumer-groups --delete-offsets)");
        }
        List<PartitionOffset> observed = new ArrayList<>(deletes);
        rows.forEach(r -> {
            if (r.committed() != null) {
                observed.add(new PartitionOffset(r.topic(), r.partition(), r.committed()));
            }
        });
        // planned to run after its consumers stop: record the group as apply must find it
        GroupOffsets before = pending != null
                ? new GroupOffsets(group, GroupState.EMPTY.name(), 0, observed)
                : new GroupOffsets(group, view.state().name(), view.members(), observed);
        return new Resolved(
                before, new ResetDetails(group, reset.strategy().describe(), at, rows, excluded, deletes), warnings);
    }

    /** The group state and committed offsets of {@code partitions}, as apply and verify re-read them. */
    static GroupOffsets observe(String group, Set<TopicPartition> partitions, OffsetReader reader) {
        OffsetReader.GroupView view = reader.describe(group);
        Map<TopicPartition, Long> committed = view.exists() ? reader.committed(group, partitions) : Map.of();
        List<PartitionOffset> rows = new ArrayList<>();
        committed.forEach((tp, o) -> {
            if (partitions.contains(tp)) {
                rows.add(new PartitionOffset(tp.topic(), tp.partition(), o));
            }
        });
        return new GroupOffsets(group, view.state().name(), view.members(), rows);
    }

    static void gate(OffsetReader.GroupView g, boolean allowCreate, String target) {
        gate(g, allowCreate, false, target);
    }

    /**
     * Refuses a group that cannot be reset; returns a warning instead of refusing a group with members when
     * {@code afterStop} (an earlier step stops them), else null.
     */
    static String gate(OffsetReader.GroupView g, boolean allowCreate, boolean afterStop, String target) {
        String name = "group '" + g.group() + "'";
        if (g.type() == GroupType.STREAMS) {
            throw new RefusedException(name + " on " + target + " is a Kafka Streams group; reset it with"
                    + " kafka-streams-groups --reset-offsets (the Streams tool also resets its internal topics)");
        }
        if (g.type() == GroupType.SHARE) {
            throw new RefusedException(name + " on " + target + " is a share group; reset it with"
                    + " kafka-share-groups --reset-offsets (Admin.alterShareGroupOffsets)");
        }
        if (!g.protocol().isEmpty() && !g.protocol().equals("consumer")) {
            throw new RefusedException(name + " on " + target + " uses protocol '" + g.protocol()
                    + "', not a consumer group (a Kafka Connect worker group?); reset the consumer group of the"
                    + " application instead");
        }
        if (!g.exists()) {
            if (allowCreate) {
                return null;
            }
            throw new RefusedException("consumer " + name + " does not exist on " + target
                    + " (the Admin API reports it DEAD: no members, no committed offsets); check the name with"
                    + " kafka-consumer-groups --list, or call allowCreatingGroup() to create it with these offsets");
        }
        if (g.state() != GroupState.EMPTY && afterStop) {
            return String.format(
                    Locale.ROOT,
                    "%s is %s with %s now (clients %s): an earlier step must stop them; apply writes only once the"
                            + " group is EMPTY with the committed offsets this plan read",
                    name,
                    g.state(),
                    Plural.of(g.members(), "member"),
                    g.clients());
        }
        if (g.state() != GroupState.EMPTY) {
            throw new RefusedException(String.format(
                    Locale.ROOT,
                    "%s on %s is %s with %s (hosts %s, clients %s); offsets can only be reset while it"
                            + " is EMPTY: stop the consumers (scale them to 0), wait until the group is Empty, then"
                            + " plan again",
                    name,
                    target,
                    g.state(),
                    Plural.of(g.members(), "member"),
                    g.hosts(),
                    g.clients()));
        }
        return null;
    }

    private static Instant timestamp(OffsetStrategy s, ActionContext ctx) {
        if (s instanceof OffsetStrategy.ToDatetime d) {
            return d.at();
        }
        if (s instanceof OffsetStrategy.ByDuration b) {
            return ctx.clock().instant().minus(b.duration());
        }
        return null;
    }

    private static Set<TopicPartition> scope(
            ResetOffsets reset,
            OffsetReader reader,
            Map<TopicPartition, Long> committed,
            List<ExcludedPartition> excluded) {
        ResetScope scope = reset.scope();
        Set<TopicPartition> out = new LinkedHashSet<>();
        if (scope.allCommitted()) {
            Set<String> topics = new TreeSet<>();
            committed.keySet().forEach(tp -> topics.add(tp.topic()));
            List<String> missing = topics.isEmpty() ? List.of() : reader.missingTopics(topics);
            for (TopicPartition tp : committed.keySet()) {
                if (missing.contains(tp.topic())) {
                    excluded.add(new ExcludedPartition(tp.topic(), tp.partition(), "topic no longer exists"));
                } else {
                    out.add(tp);
                }
            }
            if (out.isEmpty() && excluded.isEmpty()) {
                throw new RefusedException("group '" + reset.group() + "' has no committed offsets on "
                        + reader.target() + "; name the topics to reset with topic(...)");
            }
            return out;
        }
        Set<String> named = new TreeSet<>(scope.topics());
        named.addAll(scope.partitions().keySet());
        List<PartitionOffset> rows = reset.strategy() instanceof OffsetStrategy.FromOffsets f ? f.offsets() : List.of();
        rows.forEach(r -> named.add(r.topic()));
        Map<String, Integer> counts = named.isEmpty() ? Map.of() : reader.partitionCounts(named);
        for (String topic : scope.topics()) {
            for (int p = 0; p < counts.get(topic); p++) {
                out.add(new TopicPartition(topic, p));
            }
        }
        scope.partitions().forEach((topic, parts) -> {
            for (int p : new TreeSet<>(parts)) {
                if (p >= counts.get(topic)) {
                    throw new RefusedException("topic '" + topic + "' has " + counts.get(topic)
                            + " partitions (0.." + (counts.get(topic) - 1) + "); partition " + p
                            + " does not exist, check the partition numbers");
                }
                out.add(new TopicPartition(topic, p));
            }
        });
        if (!rows.isEmpty()) {
            String source = ((OffsetStrategy.FromOffsets) reset.strategy()).source();
            Set<TopicPartition> inFile = new LinkedHashSet<>();
            for (PartitionOffset r : rows) {
                if (r.partition() >= counts.get(r.topic())) {
                    throw new RefusedException(source + " names " + r.topic() + "-" + r.partition() + " but topic '"
                            + r.topic() + "' has " + counts.get(r.topic()) + " partitions; is it from another"
                            + " cluster?");
                }
                inFile.add(r.topicPartition());
            }
            if (scope.isEmpty()) {
                return inFile;
            }
            for (TopicPartition tp : out) {
                if (!inFile.contains(tp)) {
                    excluded.add(new ExcludedPartition(tp.topic(), tp.partition(), "not in " + source));
                }
            }
            for (TopicPartition tp : inFile) {
                if (!out.contains(tp)) {
                    excluded.add(new ExcludedPartition(tp.topic(), tp.partition(), "outside the chosen scope"));
                }
            }
            out.retainAll(inFile);
        }
        return out;
    }
}
