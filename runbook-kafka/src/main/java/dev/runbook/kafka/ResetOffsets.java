package dev.runbook.kafka;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Change;
import dev.runbook.core.Plural;
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
    private final boolean afterStop;

    ResetOffsets(
            OffsetReader reader,
            String group,
            ResetScope scope,
            OffsetStrategy strategy,
            boolean clamp,
            boolean allowCreate,
            boolean afterStop) {
        this.reader = reader;
        this.group = group;
        this.scope = scope;
        this.strategy = strategy;
        this.clamp = clamp;
        this.allowCreate = allowCreate;
        this.afterStop = afterStop;
    }

    @Override
    public String type() {
        return "kafka.resetOffsets";
    }

    @Override
    public java.util.Optional<dev.runbook.core.Endpoint> endpoint() {
        return java.util.Optional.of(reader.endpoint());
    }

    @Override
    public java.util.Set<String> blastRadiusNames() {
        return java.util.Set.of("partitions", "messagesReconsumed", "messagesSkipped");
    }

    @Override
    public String target() {
        return reader.target() + " group '" + group + "' " + scope.describe();
    }

    /**
     * Every parameter apply uses, bound into plans.
     *
     * @param group the consumer group
     * @param scope the topics and partitions
     * @param strategy where the reset moves each partition: its kind ({@code ToOffset}, {@code ShiftBy},
     *     ...) and its value
     * @param clampToLogRange whether offsets outside the log are clamped instead of refused
     * @param allowCreate whether partitions without a committed offset get one
     * @param afterConsumersStop whether the plan expects an earlier step to stop the group's consumers
     */
    public record Params(
            String group,
            Object scope,
            Map<String, Object> strategy,
            boolean clampToLogRange,
            boolean allowCreate,
            boolean afterConsumersStop) {}

    @Override
    public Params parameters() {
        return new Params(
                group,
                scope,
                Map.of("kind", strategy.getClass().getSimpleName(), "value", strategy),
                clamp,
                allowCreate,
                afterStop);
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        ResetPlanner.Resolved r = ResetPlanner.resolve(this, reader, ctx);
        ResetDetails d = r.details();
        long changing = d.partitions().stream().filter(PartitionReset::changes).count()
                + d.deleted().size();
        StepPlan.Builder plan = StepPlan.builder(this)
                .before(r.before())
                .after(d.targets())
                .details(d)
                .blastRadius("partitions", changing)
                .blastRadius("messagesReconsumed", d.reconsumed())
                .blastRadius("messagesSkipped", d.skipped())
                .resource(group);
        d.partitions().stream().map(PartitionReset::topic).distinct().forEach(plan::resource);
        d.deleted().stream()
                .map(PartitionOffset::topic)
                .distinct()
                .filter(t -> d.partitions().stream().noneMatch(p -> p.topic().equals(t)))
                .forEach(plan::resource);
        r.warnings().forEach(plan::warning);
        d.excluded().forEach(e -> plan.warning("excluded " + e));
        if (changing == 0) {
            return plan.change(Change.NONE)
                    .summary(String.format(
                            Locale.ROOT,
                            "unchanged: group '%s' is already %s on %s",
                            group,
                            strategy.describe(),
                            d.partitions().size() + d.deleted().size() == 1
                                    ? "its 1 partition"
                                    : "all "
                                            + Plural.of(
                                                    d.partitions().size()
                                                            + d.deleted().size(),
                                                    "partition")))
                    .build();
        }
        return plan.summary(String.format(
                        Locale.ROOT,
                        "reset group '%s' %s on %,d of %s: %s re-consumed, %,d skipped%s",
                        group,
                        strategy.describe(),
                        changing,
                        Plural.of(d.partitions().size() + d.deleted().size(), "partition"),
                        Plural.of(d.reconsumed(), "message"),
                        d.skipped(),
                        d.deleted().isEmpty()
                                ? ""
                                : ", committed offset deleted on " + d.deleted().size() + " (they had none before)"))
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
        if (afterStop && !now.state().equals("EMPTY")) {
            throw new dev.runbook.core.RefusedException("group '" + group + "' on " + reader.target() + " is "
                    + now.state() + " with " + Plural.of(now.members(), "member")
                    + "; this reset was planned to run after its consumers stop: stop them (scale to 0), wait"
                    + " until the group is Empty, then apply again (nothing was written)");
        }
        if (atTargets(now, d)) {
            return ApplyResult.unchanged("group '" + group + "' is already at the planned offsets on "
                            + Plural.of(partitions.size(), "partition"))
                    .count("partitions", 0)
                    .build();
        }
        plan.requireUnchanged(now);
        return OffsetWriter.write(reader, group, strategy.describe(), d);
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
        for (PartitionOffset o : d.deleted()) {
            Long c = committed.get(o.topic() + "-" + o.partition());
            if (c != null) {
                off.add(o.topic() + "-" + o.partition() + " is at " + c + ", planned no committed offset");
            }
        }
        return off.isEmpty()
                ? Verification.passed(
                        "group '" + group + "' committed the planned offsets on "
                                + Plural.of(d.partitions().size() + d.deleted().size(), "partition"),
                        now)
                : Verification.failed("group '" + group + "' is not at the planned offsets: " + off, now);
    }

    /**
     * Restores the offsets the plan observed: partitions that had an offset get it back; partitions that
     * had none get their new offset deleted.
     */
    @Override
    public Optional<Action> inverse(StepPlan plan) {
        GroupOffsets before = plan.before(GroupOffsets.class);
        List<TopicPartition> hadNone = new ArrayList<>();
        plan.details(ResetDetails.class).partitions().forEach(p -> {
            if (p.committed() == null) {
                hadNone.add(new TopicPartition(p.topic(), p.partition()));
            }
        });
        if (before.committed().isEmpty() && hadNone.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ResetOffsets(
                reader,
                group,
                new ResetScope(Set.of(), Map.of(), false),
                new OffsetStrategy.FromOffsets(before.committed(), hadNone, "the offsets before the reset"),
                false,
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

    boolean afterConsumersStop() {
        return afterStop;
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
        d.deleted().forEach(o -> out.add(o.topicPartition()));
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
