package dev.runbook.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.StepPlan;
import dev.runbook.kafka.test.KafkaTestCluster;
import dev.runbook.test.ActionContract;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The action contract on a real broker: a group at the log end is reset to earliest on one topic. */
class ResetOffsetsContractIT extends ActionContract<ResetOffsets> {

    private static final KafkaTestCluster CLUSTER = KafkaTestCluster.get();
    private static final KafkaActions KAFKA = KafkaActions.connect(CLUSTER.bootstrapServers());

    private String topic;
    private String group;

    @BeforeEach
    void seed() {
        topic = CLUSTER.createTopic(KafkaTestCluster.unique("contract-orders"), 3);
        group = KafkaTestCluster.unique("contract-billing");
        CLUSTER.produce(topic, 30);
        CLUSTER.commit(group, Map.of(tp(0), 10L, tp(1), 10L, tp(2), 7L));
    }

    @AfterAll
    static void close() {
        KAFKA.close();
    }

    @Override
    protected ResetOffsets action() {
        return KAFKA.resetOffsets(group).topic(topic).toEarliest();
    }

    @Override
    protected Map<String, ResetOffsets> variants() {
        return Map.of(
                "group", KAFKA.resetOffsets(group + "-other").topic(topic).toEarliest(),
                "scope", KAFKA.resetOffsets(group).partitions(topic, 0, 1).toEarliest(),
                "strategy", KAFKA.resetOffsets(group).topic(topic).toOffset(1),
                "clampToLogRange",
                        KAFKA.resetOffsets(group).topic(topic).clampToLogRange().toEarliest(),
                "allowCreate",
                        KAFKA.resetOffsets(group)
                                .topic(topic)
                                .allowCreatingGroup()
                                .toEarliest(),
                "afterConsumersStop",
                        KAFKA.resetOffsets(group)
                                .topic(topic)
                                .afterConsumersStop()
                                .toEarliest());
    }

    @Override
    protected Object snapshot() {
        return CLUSTER.committed(group);
    }

    @Override
    protected void moveTheWorld() {
        // another tool (or a consumer that came and went) committed in between
        CLUSTER.commit(group, Map.of(tp(0), 4L));
    }

    @Test
    void applyCommitsTheNewOffsetsAndTheInverseRestoresThem() {
        StepPlan plan = action().plan(context());
        assertThat(plan.radius("messagesReconsumed")).isEqualTo(27);

        action().apply(plan, context());
        assertThat(CLUSTER.committed(group))
                .containsOnly(Map.entry(tp(0), 0L), Map.entry(tp(1), 0L), Map.entry(tp(2), 0L));

        ResetOffsets inverse = (ResetOffsets) action().inverse(plan).orElseThrow();
        StepPlan back = inverse.plan(context());
        inverse.apply(back, context());
        assertThat(inverse.verify(back, null, context()).ok()).isTrue();
        assertThat(CLUSTER.committed(group))
                .containsOnly(Map.entry(tp(0), 10L), Map.entry(tp(1), 10L), Map.entry(tp(2), 7L));
    }

    private TopicPartition tp(int p) {
        return new TopicPartition(topic, p);
    }
}
