package dev.runbook.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class KafkaDlqSourceTest {

    private static TopicPartition tp(int p) {
        return new TopicPartition("dlq", p);
    }

    @Test
    void shares_balanceTheRecordsToRead_biggestPartitionFirst() {
        // records to read: p0 100, p1 60, p2 50, p3 10 -> {p0, p3} 110 and {p1, p2} 110 (in turn: 160 / 60)
        Map<Integer, Long> start = Map.of(0, 0L, 1, 40L, 2, 0L, 3, 5L);
        Map<Integer, Long> end = Map.of(0, 100L, 1, 100L, 2, 50L, 3, 15L);
        assertThat(KafkaDlqSource.FETCHERS).isEqualTo(2);
        assertThat(KafkaDlqSource.shares("dlq", start, end, KafkaDlqSource.FETCHERS))
                .containsExactly(List.of(tp(0), tp(3)), List.of(tp(1), tp(2)));
    }

    @Test
    void shares_leaveOutPartitionsWithNothingToRead_andUseNoMoreFetchersThanPartitions() {
        Map<Integer, Long> start = Map.of(0, 7L, 1, 0L, 2, 3L);
        Map<Integer, Long> end = Map.of(0, 7L, 1, 9L, 2, 3L);
        assertThat(KafkaDlqSource.shares("dlq", start, end, KafkaDlqSource.FETCHERS))
                .containsExactly(List.of(tp(1)));
        assertThat(KafkaDlqSource.shares("dlq", Map.of(0, 4L), Map.of(0, 4L), KafkaDlqSource.FETCHERS))
                .isEmpty();
    }

    @Test
    void consumerConfig_forcesWhatCorrectnessNeeds_andTheClientConfigsReadSizesWin() {
        Map<String, Object> defaults = KafkaDlqSource.consumerConfig(Map.of(
                "bootstrap.servers", "b:9092",
                "group.id", "someone-elses",
                "isolation.level", "read_uncommitted",
                "enable.auto.commit", true,
                "auto.offset.reset", "earliest"));
        assertThat(defaults)
                .containsEntry("bootstrap.servers", "b:9092")
                .doesNotContainKey("group.id")
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("enable.auto.commit", false)
                .containsEntry("auto.offset.reset", "none")
                .containsEntry("max.poll.records", 500)
                .containsEntry("fetch.max.bytes", 64 * 1024 * 1024)
                .containsEntry("max.partition.fetch.bytes", 8 * 1024 * 1024);

        Map<String, Object> small = KafkaDlqSource.consumerConfig(
                Map.of("max.poll.records", 50, "fetch.max.bytes", 1_000_000, "max.partition.fetch.bytes", 250_000));
        assertThat(small)
                .containsEntry("max.poll.records", 50)
                .containsEntry("fetch.max.bytes", 1_000_000)
                .containsEntry("max.partition.fetch.bytes", 250_000);
    }
}
