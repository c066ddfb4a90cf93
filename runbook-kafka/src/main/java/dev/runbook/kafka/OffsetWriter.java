package dev.runbook.kafka;

import dev.runbook.core.ApplyResult;
import dev.runbook.core.ItemOutcome;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plural;
import dev.runbook.core.StalePlanException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.AlterConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.DeleteConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/** The writing half of a reset: alters (and deletes) committed offsets and reports each partition. */
final class OffsetWriter {

    private OffsetWriter() {}

    /** Writes {@code d}, already checked against the group as it is now; one outcome per partition. */
    static ApplyResult write(OffsetReader reader, String group, String strategy, ResetDetails d) {
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (PartitionReset p : d.partitions()) {
            if (p.changes()) {
                commits.put(new TopicPartition(p.topic(), p.partition()), new OffsetAndMetadata(p.target()));
            }
        }
        Map<TopicPartition, Long> starts = reader.offsets(commits.keySet(), OffsetSpec.earliest());
        commits.forEach((tp, om) -> {
            if (om.offset() < starts.get(tp)) {
                throw new StalePlanException(tp + ": the log start moved to " + starts.get(tp) + " (retention or"
                        + " delete-records) past the planned offset " + om.offset() + "; plan again");
            }
        });
        Outcomes out = new Outcomes(reader.target(), group);
        if (!commits.isEmpty()) {
            AlterConsumerGroupOffsetsResult result = reader.admin().alterConsumerGroupOffsets(group, commits);
            for (PartitionReset p : d.partitions()) {
                TopicPartition tp = new TopicPartition(p.topic(), p.partition());
                if (commits.containsKey(tp)) {
                    out.await(tp, result.partitionResult(tp), p.committed() + " -> " + p.target());
                } else {
                    out.items.add(new ItemOutcome(tp.toString(), Outcome.UNCHANGED, "already at " + p.target()));
                }
            }
        }
        if (!d.deleted().isEmpty()) {
            Set<TopicPartition> forget = new TreeSet<>(ResetPlanner.ORDER);
            d.deleted().forEach(o -> forget.add(o.topicPartition()));
            DeleteConsumerGroupOffsetsResult result = reader.admin().deleteConsumerGroupOffsets(group, forget);
            for (PartitionOffset o : d.deleted()) {
                out.await(o.topicPartition(), result.partitionResult(o.topicPartition()), o.offset() + " -> deleted");
            }
        }
        if (out.changed == 0 && out.firstFailure != null) {
            // nothing was written (group not empty, not authorised): a clear exception, not a partial result
            throw KafkaErrors.map(out.firstFailure, reader.target(), "changing the offsets of group " + group);
        }
        ApplyResult.Builder result = out.failed.isEmpty()
                ? ApplyResult.changed(String.format(
                        Locale.ROOT, "reset group '%s' %s on %s", group, strategy, Plural.of(out.changed, "partition")))
                : ApplyResult.of(
                        Outcome.FAILED,
                        String.format(
                                Locale.ROOT,
                                "reset group '%s' on %s, %d failed: %s; plan again to finish",
                                group,
                                Plural.of(out.changed, "partition"),
                                out.failed.size(),
                                out.failed));
        return result.items(out.items)
                .count("partitions", out.changed)
                .count("failed", out.failed.size())
                .build();
    }

    /** Per-partition outcomes of the admin calls. */
    private static final class Outcomes {
        private final String target;
        private final String group;

        Outcomes(String target, String group) {
            this.target = target;
            this.group = group;
        }

        final List<ItemOutcome> items = new ArrayList<>();
        final List<String> failed = new ArrayList<>();
        Throwable firstFailure;
        long changed;

        void await(TopicPartition tp, KafkaFuture<Void> future, String detail) {
            try {
                future.get();
                changed++;
                items.add(new ItemOutcome(tp.toString(), Outcome.CHANGED, detail));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw KafkaErrors.map(e, target, "changing the offsets of group " + group);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                firstFailure = firstFailure == null ? cause : firstFailure;
                failed.add(tp + ": " + cause.getMessage());
                items.add(new ItemOutcome(tp.toString(), Outcome.FAILED, String.valueOf(cause.getMessage())));
            }
        }
    }
}
