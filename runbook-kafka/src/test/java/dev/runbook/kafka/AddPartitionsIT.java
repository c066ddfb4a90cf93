package dev.runbook.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.ApprovalGate;
import dev.runbook.core.Guards;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.StepPlan;
import dev.runbook.kafka.test.KafkaTestCluster;
import dev.runbook.test.ActionContract;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lakehouse seed's {@code kafka-topics --alter --partitions} on a real broker: contract and bad inputs. */
class AddPartitionsIT extends ActionContract<AddPartitions> {

    private static final KafkaTestCluster CLUSTER = KafkaTestCluster.get();
    private static final KafkaActions KAFKA = KafkaActions.connect(CLUSTER.bootstrapServers());

    private String topic;

    @BeforeEach
    void seed() {
        topic = CLUSTER.createTopic(KafkaTestCluster.unique("lake-events"), 2);
    }

    @AfterAll
    static void close() {
        KAFKA.close();
    }

    @Override
    protected AddPartitions action() {
        return KAFKA.addPartitions(topic, 4);
    }

    @Override
    protected Map<String, AddPartitions> variants() {
        return Map.of(
                "topic", KAFKA.addPartitions(topic + "-other", 4),
                "partitions", KAFKA.addPartitions(topic, 5),
                "allowUpTo", KAFKA.addPartitions(topic, 4).allowUpTo(8));
    }

    /** The partition count and which partitions have a leader. */
    @Override
    protected Object snapshot() {
        return KafkaTestCluster.await(
                        CLUSTER.admin().describeTopics(List.of(topic)).allTopicNames())
                .get(topic)
                .partitions()
                .stream()
                .map(p -> p.partition() + ":"
                        + (p.leader() == null ? "none" : p.leader().id()))
                .toList();
    }

    @Override
    protected void moveTheWorld() {
        KafkaTestCluster.await(CLUSTER.admin()
                .createPartitions(Map.of(topic, NewPartitions.increaseTo(3)))
                .all());
    }

    @Test
    void apply_addsThePartitions_eachWithALeader_andTheNewOnesTakeRecords() {
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        assertThat(plan.summary())
                .isEqualTo("add 2 partitions to topic '" + topic + "' (2 -> 4); no inverse: Kafka cannot remove"
                        + " partitions");
        assertThat(plan.blastRadius()).containsEntry("partitions", 2L).containsEntry("topicPartitions", 4L);
        assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("per-key ordering breaks"));
        assertThat(action().inverse(plan)).isEmpty();

        ApplyResult result = action().apply(plan, ctx);
        assertThat(result.outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(action().verify(plan, result, ctx).ok()).isTrue();

        List<TopicPartitionInfo> parts = KafkaTestCluster.await(
                        CLUSTER.admin().describeTopics(List.of(topic)).allTopicNames())
                .get(topic)
                .partitions();
        assertThat(parts).hasSize(4).allSatisfy(p -> assertThat(p.leader()).isNotNull());
        CLUSTER.produceAt(topic, 3, List.of(1_000L));
        assertThat(CLUSTER.endOffsets(topic)).containsEntry(new TopicPartition(topic, 3), 1L);
    }

    @Test
    void aCompactedTopicAndTheGroupsReadingItAreNamedInTheWarnings() {
        String compacted = KafkaTestCluster.unique("lake-state");
        KafkaTestCluster.await(CLUSTER.admin()
                .createTopics(
                        List.of(new NewTopic(compacted, 2, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
                .all());
        String group = KafkaTestCluster.unique("lake-flink");
        CLUSTER.commit(group, Map.of(new TopicPartition(compacted, 0), 0L));

        StepPlan plan = KAFKA.addPartitions(compacted, 3).plan(context());

        assertThat(plan.warnings())
                .anySatisfy(w -> assertThat(w).contains("is compacted (cleanup.policy=compact)"))
                .anySatisfy(w -> assertThat(w).contains("[" + group + "]"))
                .anySatisfy(w -> assertThat(w).startsWith("no inverse"));
        assertThat(CLUSTER.partitionCount(compacted)).isEqualTo(2);
    }

    @Test
    void aCountTenTimesTheCurrentOne_isRefusedAsATypo_unlessAllowed() {
        assertRefusedWithoutChange(
                () -> KAFKA.addPartitions(topic, 1_000_000).plan(context()),
                "has 2 partitions; 1,000,000 is more than ten times that",
                ".allowUpTo(1000000)");
        assertRefusedWithoutChange(
                () -> KAFKA.addPartitions(topic, 101).plan(context()), "101 is more than ten times that");

        StepPlan plan = KAFKA.addPartitions(topic, 100).plan(context());
        assertThat(plan.summary()).contains("(2 -> 100)");
        assertThat(KAFKA.addPartitions(topic, 120)
                        .allowUpTo(120)
                        .plan(context())
                        .summary())
                .contains("(2 -> 120)");
        assertThat(CLUSTER.partitionCount(topic)).isEqualTo(2);
    }

    @Test
    void aDecreaseIsRefused_naming_theCountAndTheWayOut() {
        assertRefusedWithoutChange(
                () -> KAFKA.addPartitions(topic, 1).plan(context()),
                "has 2 partitions; Kafka cannot decrease",
                "create a new topic with 1 partitions");
    }

    @Test
    void theSameCount_isUnchanged() {
        AddPartitions same = KAFKA.addPartitions(topic, 2);
        StepPlan plan = same.plan(context());
        assertThat(plan.isNoop()).isTrue();
        assertThat(plan.summary()).isEqualTo("unchanged: topic '" + topic + "' already has 2 partitions");
        assertThat(same.apply(plan, context()).outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(CLUSTER.partitionCount(topic)).isEqualTo(2);
    }

    @Test
    void anUnknownTopic_isRefused_andNotCreated() {
        String missing = topic + "-missing";
        assertRefusedWithoutChange(
                () -> KAFKA.addPartitions(missing, 4).plan(context()), "topic '" + missing + "' does not exist");
        assertThat(KafkaTestCluster.await(CLUSTER.admin().listTopics().names())).doesNotContain(missing);
    }

    @Test
    void overTheBudget_thePlanIsRefusedByTheGuards() {
        RunbookEngine engine = RunbookEngine.builder()
                .guards(Guards.builder().budget("topicPartitions", 3).build())
                .approvals(ApprovalGate.approveAll("oncall", "test"))
                .build();
        Runbook runbook = Runbook.builder("LAKE-1", "more partitions")
                .step("add partitions", action())
                .build();
        Plan plan = engine.plan(runbook);
        assertThat(plan.isReady()).isFalse();
        assertThat(plan.refusals()).anySatisfy(r -> assertThat(r)
                .contains("would touch 4 topicPartitions; the budget 'topicPartitions' is 3"));
        assertThat(CLUSTER.partitionCount(topic)).isEqualTo(2);
    }

    @Test
    void aPlanMadeBeforeSomeoneElseAddedPartitions_isStale() {
        StepPlan plan = action().plan(context());
        moveTheWorld();
        assertRefusedWithoutChange(() -> action().apply(plan, context()), "changed since the plan", "\"partitions\":2");
        assertThat(Optional.of(CLUSTER.partitionCount(topic))).contains(3);
    }
}
