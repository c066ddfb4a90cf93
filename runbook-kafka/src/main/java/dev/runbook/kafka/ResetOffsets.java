package dev.runbook.kafka;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Change;
import dev.runbook.core.ItemOutcome;
import dev.runbook.core.Outcome;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.AlterConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Moves a consumer group's committed offsets, the way {@code kafka-consumer-groups --reset-offsets} does,
 * but refusing instead of clamping, re-checking the group right before it writes, and recording the
 * previous offsets for the inverse.
 *
 * <pre>{@code
 * ResetOffsets skip = kafka.resetOffsets("billing").partitions("orders", 3).toOffset(1043);
 * StepPlan plan = skip.plan(ctx);          // orders-3: 1042 -> 1043 (skipped 1)
 * skip.apply(plan, ctx);
 * }</pre>
 *
 * <p>Plan throws {@link dev.runbook.core.RefusedException} for an unknown group, topic or partition, a group
 * that is not EMPTY (with its state, members and hosts), a Streams or share group, and an offset or
 * timestamp outside the log unless {@link ResetOffsetsBuilder#clampToLogRange()} was chosen. Apply throws
 * {@link StalePlanException} when the group state or its committed offsets changed since the plan.
 */
public final class ResetOffsets implements Action {

    private final OffsetReader reader;
    private final String group;
    private final ResetScope scope;
    private final OffsetStrategy strategy;
    private final boolean clamp;
    private final boolean allowCreate;

    ResetOffsets(
            OffsetReader reader,
            String group,
            ResetScope scope,
            OffsetStrategy strategy,
            boolean clamp,
            boolean allowCreate) {
        this.reader = reader;
        this.group = group;
        this.scope = scope;
        this.strategy = strategy;
        this.clamp = clamp;
        this.allowCreate = allowCreate;
    }

    @Override
    public String type() {
        return "kafka.resetOffsets";
    }

    @Override
    public String target() {
        return reader.target() + " group '" + group + "' " + scope.describe();
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        ResetPlanner.Resolved r = ResetPlanner.resolve(this, reader, ctx);
        ResetDetails d = r.details();
        long changing = d.partitions().stream().filter(PartitionReset::changes).count();
        StepPlan.Builder plan = StepPlan.builder(this)
                .before(JsonTrees.of(r.before()))
                .after(JsonTrees.of(d.targets()))
                .details(JsonTrees.of(d))
                .blastRadius("partitions", changing)
                .blastRadius("messagesReconsumed", d.reconsumed())
                .blastRadius("messagesSkipped", d.skipped())
                .resource(group);
        d.partitions().stream().map(PartitionReset::topic).distinct().forEach(plan::resource);
        r.warnings().forEach(plan::warning);
        d.excluded().forEach(e -> plan.warning("excluded " + e));
        if (changing == 0) {
            return plan.change(Change.NONE)
                    .summary(String.format(
                            Locale.ROOT,
                            "unchanged: group '%s' is already %s on all %d partition(s)",
                            group,
                            strategy.describe(),
                            d.partitions().size()))
                    .build();
        }
        return plan.summary(String.format(
                        Locale.ROOT,
                        "reset group '%s' %s on %d of %d partition(s): %,d message(s) re-consumed, %,d skipped",
                        group,
                        strategy.describe(),
                        changing,
                        d.partitions().size(),
                        d.reconsumed(),
                        d.skipped()))
                .build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        ResetDetails d = plan.details(ResetDetails.class);
        if (plan.isNoop()) {
            return ApplyResult.unchanged(plan.summary()).build();
        }
        Set<TopicPartition> partitions = partitions(d);
        GroupOffsets now = ResetPlanner.observe(group, partitions, reader);
        if (atTargets(now, d)) {
            return ApplyResult.unchanged("group '" + group + "' is already at the planned offsets on "
                            + partitions.size() + " partition(s)")
                    .count("partitions", 0)
                    .build();
        }
        plan.requireUnchanged(now);
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
        AlterConsumerGroupOffsetsResult result = reader.admin().alterConsumerGroupOffsets(group, commits);
        List<ItemOutcome> items = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        Throwable firstFailure = null;
        for (PartitionReset p : d.partitions()) {
            TopicPartition tp = new TopicPartition(p.topic(), p.partition());
            if (!commits.containsKey(tp)) {
                items.add(new ItemOutcome(tp.toString(), Outcome.UNCHANGED, "already at " + p.target()));
                continue;
            }
            try {
                result.partitionResult(tp).get();
                items.add(new ItemOutcome(tp.toString(), Outcome.CHANGED, p.committed() + " -> " + p.target()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw KafkaErrors.map(e, reader.target(), "altering offsets of group " + group);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                firstFailure = firstFailure == null ? cause : firstFailure;
                failed.add(tp + ": " + cause.getMessage());
                items.add(new ItemOutcome(tp.toString(), Outcome.FAILED, String.valueOf(cause.getMessage())));
            }
        }
        long changed = commits.size() - failed.size();
        if (changed == 0 && firstFailure != null) {
            // nothing was written (group not empty, not authorised): a clear exception, not a partial result
            throw KafkaErrors.map(firstFailure, reader.target(), "altering the offsets of group " + group);
        }
        ApplyResult.Builder out = failed.isEmpty()
                ? ApplyResult.changed(String.format(
                        Locale.ROOT, "reset group '%s' %s on %d partition(s)", group, strategy.describe(), changed))
                : ApplyResult.of(
                        Outcome.FAILED,
                        String.format(
                                Locale.ROOT,
                                "reset group '%s' on %d partition(s), %d failed: %s; plan again to finish",
                                group,
                                changed,
                                failed.size(),
                                failed));
        return out.items(items)
                .count("partitions", changed)
                .count("failed", failed.size())
                .build();
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        ResetDetails d = plan.details(ResetDetails.class);
        GroupOffsets now = ResetPlanner.observe(group, partitions(d), reader);
        Map<String, Long> committed = new HashMap<>();
        now.committed().forEach(o -> committed.put(o.topic() + "-" + o.partition(), o.offset()));
        List<String> off = new ArrayList<>();
        for (PartitionReset p : d.partitions()) {
            Long c = committed.get(p.topic() + "-" + p.partition());
            if (c == null || c != p.target()) {
                off.add(p.topic() + "-" + p.partition() + " is at " + c + ", planned " + p.target());
            }
        }
        return off.isEmpty()
                ? Verification.passed(
                        "group '" + group + "' committed the planned offsets on "
                                + d.partitions().size() + " partition(s)",
                        now)
                : Verification.failed("group '" + group + "' is not at the planned offsets: " + off, now);
    }

    /** Restores the offsets the plan observed, on the partitions that had one. */
    @Override
    public Optional<Action> inverse(StepPlan plan) {
        GroupOffsets before = plan.before(GroupOffsets.class);
        if (before.committed().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ResetOffsets(
                reader,
                group,
                new ResetScope(Set.of(), Map.of(), false),
                new OffsetStrategy.FromOffsets(before.committed(), "the offsets before the reset"),
                false,
                false));
    }

    @Override
    public boolean destructive() {
        return true;
    }

    /** The group this reset moves. */
    public String group() {
        return group;
    }

    ResetScope scope() {
        return scope;
    }

    OffsetStrategy strategy() {
        return strategy;
    }

    boolean clamp() {
        return clamp;
    }

    boolean allowCreate() {
        return allowCreate;
    }

    @Override
    public String toString() {
        return "ResetOffsets[" + target() + " " + strategy.describe() + (clamp ? ", clamped to the log" : "") + "]";
    }

    private static Set<TopicPartition> partitions(ResetDetails d) {
        Set<TopicPartition> out = new TreeSet<>(ResetPlanner.ORDER);
        d.partitions().forEach(p -> out.add(new TopicPartition(p.topic(), p.partition())));
        return out;
    }

    private static boolean atTargets(GroupOffsets now, ResetDetails d) {
        if (!now.state().equals("EMPTY")) {
            return false;
        }
        return now.committed()
                .equals(d.targets().stream().sorted(PartitionOffset.ORDER).toList());
    }
}
