package dev.runbook.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.Conditions;
import dev.runbook.core.Probes;
import dev.runbook.kafka.test.KafkaTestCluster;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Lag, partition health, broker count and end offsets, read from a real broker. */
class ProbesIT {

    private static final KafkaTestCluster CLUSTER = KafkaTestCluster.get();
    private static final KafkaActions KAFKA = KafkaActions.connect(CLUSTER.bootstrapServers());

    @AfterAll
    static void close() {
        KAFKA.close();
    }

    @Test
    void consumerLagPerPartitionPerTopicAndTotal() {
        String topic = CLUSTER.createTopic(KafkaTestCluster.unique("lag-orders"), 3);
        String group = KafkaTestCluster.unique("lag-billing");
        CLUSTER.produce(topic, 30);
        CLUSTER.commit(group, Map.of(new TopicPartition(topic, 0), 10L, new TopicPartition(topic, 1), 4L));

        ConsumerLag lag = KAFKA.consumerLag(group).read();

        assertThat(lag.partitions())
                .containsExactly(new PartitionLag(topic, 0, 10, 10), new PartitionLag(topic, 1, 4, 10));
        assertThat(lag.total()).isEqualTo(6);
        assertThat(lag.perTopic()).containsExactly(Map.entry(topic, 6L));
        assertThat(KAFKA.consumerLag().read()).containsKey(group);
        assertThat(KAFKA.consumerLag().read().get(group).total()).isEqualTo(6);

        CLUSTER.produce(topic, 3);
        assertThat(KAFKA.consumerLag(group).read().total()).isEqualTo(8);
        CLUSTER.commit(group, Map.of(new TopicPartition(topic, 0), 11L, new TopicPartition(topic, 1), 11L));
        var drained = Probes.waitUntil(
                KAFKA.consumerLag(group).map("lag", ConsumerLag::total), Conditions.zero(), Duration.ofSeconds(5));
        assertThat(drained.satisfied()).isTrue();
    }

    @Test
    void groupStateIsWhatKafkaConsumerGroupsPrints() {
        String topic = CLUSTER.createTopic(KafkaTestCluster.unique("state"), 1);
        String group = KafkaTestCluster.unique("state-group");
        assertThat(KAFKA.groupState(group).read()).isEqualTo("Dead");
        CLUSTER.commit(group, Map.of(new TopicPartition(topic, 0), 0L));
        assertThat(KAFKA.groupState(group).read()).isEqualTo("Empty");
        try (var member = CLUSTER.joinGroup(group, java.util.List.of(topic))) {
            assertThat(KAFKA.groupState(group).read()).isEqualTo("Stable");
        }
    }

    @Test
    void lagOfAMisspeltGroupIsAnErrorNotZero() {
        String ghost = KafkaTestCluster.unique("biling");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> KAFKA.consumerLag(ghost).read())
                .isInstanceOf(dev.runbook.core.RefusedException.class)
                .hasMessageContaining("consumer group '" + ghost + "' does not exist")
                .hasMessageContaining("kafka-consumer-groups --list");
    }

    @Test
    void healthBrokersAndEndOffsets() {
        String topic = CLUSTER.createTopic(KafkaTestCluster.unique("health"), 2);
        CLUSTER.produce(topic, 5);
        CLUSTER.commit(KafkaTestCluster.unique("health-group"), Map.of(new TopicPartition(topic, 0), 1L));

        PartitionHealth health = KAFKA.partitionHealth().read();
        assertThat(health.partitions())
                .as("with __consumer_offsets' 3 partitions")
                .isGreaterThanOrEqualTo(5);
        assertThat(health.healthy()).isTrue();
        assertThat(KAFKA.underReplicatedPartitions().read()).isZero();
        assertThat(KAFKA.offlinePartitions().read()).isZero();
        assertThat(KAFKA.brokerCount().read()).isEqualTo(1);
        assertThat(KAFKA.endOffsets(topic).read())
                .containsOnly(Map.entry(new TopicPartition(topic, 0), 3L), Map.entry(new TopicPartition(topic, 1), 2L));
    }

    @Test
    void endOffsetsOfAManyPartitionTopicAreInPartitionOrder_soThePrintedMapReadsInJShell() {
        String topic = CLUSTER.createTopic(KafkaTestCluster.unique("orders.v2_eu-west"), 50);
        Map<TopicPartition, Long> ends = KAFKA.endOffsets(topic).read();
        assertThat(ends.keySet())
                .extracting(TopicPartition::partition)
                .containsExactlyElementsOf(
                        java.util.stream.IntStream.range(0, 50).boxed().toList());
        assertThat(ends.toString()).startsWith("{" + topic + "-0=0, " + topic + "-1=0, " + topic + "-2=0,");
    }
}
