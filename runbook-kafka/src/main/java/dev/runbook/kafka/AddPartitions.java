package dev.runbook.kafka;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Condition;
import dev.runbook.core.Outcome;
import dev.runbook.core.Probe;
import dev.runbook.core.Probes;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import dev.runbook.core.WaitResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.common.errors.InvalidPartitionsException;

/**
 * Raises a topic's partition count, as {@code kafka-topics --alter --topic orders --partitions 12} does.
 * Only an increase: Kafka cannot remove partitions, so a smaller count is refused and the action has no
 * inverse (the plan says so). The plan warns that the default partitioner maps keys to other partitions
 * afterwards (per-key ordering breaks across the change), naming the topic's {@code cleanup.policy} when
 * it compacts and the consumer groups that read the topic.
 *
 * <p>A count more than ten times the current one (and above 100) is refused as a likely typo (12 typed as
 * 1200, or 1,000,000): each partition costs the brokers files, memory and leader elections, and none can
 * be removed. {@link #allowUpTo(int)} states a larger count is meant.
 *
 * <p>The current count is the plan's observed state: a plan made at 6 partitions is stale once someone
 * else altered the topic. Two blast-radius figures feed {@code Guards} budgets: {@code partitions} (the
 * partitions created) and {@code topicPartitions} (the count afterwards), e.g. {@code
 * Guards.builder().budget("topicPartitions", 64)}. Verify: the count, and a leader for every partition.
 *
 * <pre>{@code
 * StepPlan plan = kafka.addPartitions("orders", 12).plan(ctx);
 * // add 6 partitions to topic 'orders' (6 -> 12); no inverse: Kafka cannot remove partitions
 * }</pre>
 *
 * @throws RefusedException (from plan) for an unknown topic, a count below the current one, or a count
 *     above the sanity ceiling
 */
public final class AddPartitions implements dev.runbook.core.Action {

    private static final Duration LEADERS = Duration.ofSeconds(30);

    private final OffsetReader reader;
    private final String topic;
    private final int partitions;
    private final Integer allowUpTo;

    AddPartitions(OffsetReader reader, String topic, int partitions) {
        this(reader, topic, partitions, null);
    }

    private AddPartitions(OffsetReader reader, String topic, int partitions, Integer allowUpTo) {
        this.reader = Objects.requireNonNull(reader, "reader");
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("name the topic, such as 'orders'");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("a topic needs at least 1 partition, was " + partitions);
        }
        this.topic = topic;
        this.partitions = partitions;
        this.allowUpTo = allowUpTo;
    }

    /**
     * The same action, allowing a count up to {@code max} even above ten times the current one: say so when
     * a large increase is meant.
     *
     * @throws IllegalArgumentException if {@code max} is below the wanted count
     */
    public AddPartitions allowUpTo(int max) {
        if (max < partitions) {
            throw new IllegalArgumentException(
                    "allowUpTo(" + max + ") is below the wanted count " + partitions + " of topic '" + topic + "'");
        }
        return new AddPartitions(reader, topic, partitions, max);
    }

    /**
     * Every parameter apply uses: the topic, the wanted partition count, and the ceiling stated with {@link
     * #allowUpTo} (null: ten times the current count).
     */
    public record Params(String topic, int partitions, Integer allowUpTo) {}

    /** What the plan observed and apply re-reads: the count, and the cleanup policy the warning names. */
    record Observed(String topic, int partitions, String cleanupPolicy) {}

    @Override
    public Params parameters() {
        return new Params(topic, partitions, allowUpTo);
    }

    @Override
    public String type() {
        return "kafka.addPartitions";
    }

    @Override
    public String target() {
        return reader.target() + " topic '" + topic + "'";
    }

    @Override
    public Optional<dev.runbook.core.Endpoint> endpoint() {
        return Optional.ofNullable(reader.endpoint());
    }

    @Override
    public Set<String> blastRadiusNames() {
        return Set.of("partitions", "topicPartitions");
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        TopicLayout now = TopicLayout.read(reader, topic);
        Observed before = new Observed(topic, now.partitions(), now.cleanupPolicy());
        if (partitions == now.partitions()) {
            return StepPlan.unchanged(this, "topic '" + topic + "' already has " + partitions + " partitions", before);
        }
        if (partitions < now.partitions()) {
            throw new RefusedException(target() + " has " + now.partitions() + " partitions; Kafka cannot decrease"
                    + " a topic's partition count (asked for " + partitions + "). To have fewer, create a new topic"
                    + " with " + partitions + " partitions and move the producers and consumers to it");
        }
        long ceiling = allowUpTo != null ? allowUpTo : Math.max(100L, 10L * now.partitions());
        if (partitions > ceiling) {
            throw new RefusedException(target() + " has " + now.partitions() + " partitions; "
                    + String.format(java.util.Locale.ROOT, "%,d", partitions)
                    + " is more than ten times that, which looks like a"
                    + " typo, and partitions cannot be removed. Check the count; if it is meant, say so with"
                    + " .allowUpTo(" + partitions + ")");
        }
        int added = partitions - now.partitions();
        List<String> readers = TopicLayout.groupsReading(reader, topic, now.partitions());
        StepPlan.Builder plan = StepPlan.builder(this)
                .summary("add " + added + " partition" + (added == 1 ? "" : "s") + " to topic '" + topic + "' ("
                        + now.partitions() + " -> " + partitions + "); no inverse: Kafka cannot remove partitions")
                .before(before)
                .after(new Observed(topic, partitions, now.cleanupPolicy()))
                .blastRadius("partitions", added)
                .blastRadius("topicPartitions", partitions)
                .resource(topic)
                .warning("keys map to other partitions afterwards (hash(key) % " + partitions + " instead of % "
                        + now.partitions() + "): per-key ordering breaks across the change, and a key's new"
                        + " records land in another partition than its old ones")
                .warning("no inverse: Kafka cannot remove partitions; going back means a new topic with "
                        + now.partitions() + " partitions");
        if (now.cleanupPolicy().contains("compact")) {
            plan.warning("topic '" + topic + "' is compacted (cleanup.policy=" + now.cleanupPolicy() + "): a key's"
                    + " old value stays in its old partition next to its new value in another, and compaction"
                    + " never removes it; readers rebuilding state from the topic see both");
        }
        if (!readers.isEmpty()) {
            plan.warning("consumer groups reading '" + topic + "' " + readers + ": consumers that keep state per"
                    + " key or per partition (Kafka Streams, Flink keyed state, caches) see keys move; the new"
                    + " partitions are read from the group's auto.offset.reset position");
        }
        return plan.details(Map.of("consumerGroups", readers)).build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        if (plan.isNoop()) {
            return ApplyResult.unchanged(plan.summary()).build();
        }
        TopicLayout now = TopicLayout.read(reader, topic);
        plan.requireUnchanged(new Observed(topic, now.partitions(), now.cleanupPolicy()));
        try {
            KafkaErrors.await(
                    reader.admin()
                            .createPartitions(Map.of(topic, NewPartitions.increaseTo(partitions)))
                            .all(),
                    target(),
                    "adding partitions");
        } catch (dev.runbook.core.TargetUnavailableException e) {
            if (e.getCause() instanceof InvalidPartitionsException) {
                throw new dev.runbook.core.StalePlanException(target() + " refused the new count " + partitions
                        + " (" + e.getCause().getMessage() + "): someone altered the topic since the check; plan"
                        + " again and review the new plan");
            }
            throw e;
        }
        TopicLayout after = awaitLeaders(ctx);
        int from = plan.before(Observed.class).partitions();
        return ApplyResult.changed("added " + (partitions - from) + " partitions to topic '" + topic + "' (" + from
                        + " -> " + after.partitions() + ")")
                .count("partitions", partitions - from)
                .item(topic, Outcome.CHANGED, from + " -> " + after.partitions() + " partitions")
                .details(after)
                .build();
    }

    /** Polls until every partition has a leader (new partitions get one within a second), else returns. */
    private TopicLayout awaitLeaders(ActionContext ctx) {
        WaitResult<TopicLayout> w = Probes.waitUntil(
                Probe.of("leaders of topic '" + topic + "'", () -> TopicLayout.read(reader, topic)),
                Condition.of(
                        "every partition has a leader", l -> l.withoutLeader().isEmpty()),
                LEADERS,
                Duration.ofMillis(100),
                ctx.clock(),
                ctx.sleeper());
        return w.lastValue() != null ? w.lastValue() : TopicLayout.read(reader, topic);
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        TopicLayout now = TopicLayout.read(reader, topic);
        if (now.partitions() != partitions) {
            return Verification.failed(
                    "topic '" + topic + "' has " + now.partitions() + " partitions, expected " + partitions, now);
        }
        if (!now.withoutLeader().isEmpty()) {
            return Verification.failed(
                    "topic '" + topic + "' partitions without a leader: " + now.withoutLeader(), now);
        }
        return Verification.passed("topic '" + topic + "' has " + partitions + " partitions, each with a leader", now);
    }

    @Override
    public String toString() {
        return "AddPartitions[" + target() + " to " + partitions + "]";
    }
}
