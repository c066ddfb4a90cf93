package dev.runbook.kafka.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class KafkaTestClusterIT {

    private final KafkaTestCluster kafka = KafkaTestCluster.get();

    @Test
    void createsTopicsProducesAndCommitsOnARealBroker() {
        String topic = kafka.createTopic(KafkaTestCluster.unique("harness"), 3);
        String group = KafkaTestCluster.unique("harness-group");

        assertThat(kafka.produce(topic, 30)).containsEntry(0, 10L).containsEntry(2, 10L);
        kafka.commit(group, Map.of(new TopicPartition(topic, 0), 4L, new TopicPartition(topic, 2), 10L));

        assertThat(kafka.endOffsets(topic)).containsEntry(new TopicPartition(topic, 1), 10L);
        assertThat(kafka.committed(group))
                .containsOnly(
                        Map.entry(new TopicPartition(topic, 0), 4L), Map.entry(new TopicPartition(topic, 2), 10L));
    }

    @Test
    void activeConsumerMakesTheGroupStableAndClosingEmptiesIt() {
        String topic = kafka.createTopic(KafkaTestCluster.unique("harness-active"), 2);
        String group = KafkaTestCluster.unique("harness-active-group");

        try (ActiveConsumer member = kafka.joinGroup(group, List.of(topic))) {
            ConsumerGroupDescription d = describe(group);
            assertThat(d.groupState()).isEqualTo(GroupState.STABLE);
            assertThat(d.members()).hasSize(1);
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (describe(group).groupState() != GroupState.EMPTY && System.nanoTime() < deadline) {
            KafkaTestCluster.sleep(50);
        }
        assertThat(describe(group).groupState()).isEqualTo(GroupState.EMPTY);
    }

    private ConsumerGroupDescription describe(String group) {
        return KafkaTestCluster.await(
                        kafka.admin().describeConsumerGroups(List.of(group)).all())
                .get(group);
    }
}
