package dev.runbook.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StepPlan;
import dev.runbook.kafka.test.KafkaTestCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our plan's new offsets equal what the real {@code kafka-consumer-groups --reset-offsets --dry-run
 * --export} prints for the same group and inputs, strategy by strategy, and {@code --execute} commits
 * what we planned.
 */
class ConsumerGroupCommandIT {

    private static final KafkaTestCluster CLUSTER = KafkaTestCluster.get();
    private static final KafkaActions KAFKA = KafkaActions.connect(CLUSTER.bootstrapServers());
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private static String topic;
    private static String group;
    private final ActionContext ctx = ActionContext.standalone();

    @BeforeAll
    static void seed() {
        topic = CLUSTER.createTopic(KafkaTestCluster.unique("ref-orders"), 3);
        group = KafkaTestCluster.unique("ref-billing");
        // 6 records per partition, one an hour, the newest an hour ago
        for (int p = 0; p < 3; p++) {
            List<Long> ts = new ArrayList<>();
            for (int h = 6; h >= 1; h--) {
                ts.add(NOW.minus(Duration.ofHours(h)).toEpochMilli());
            }
            CLUSTER.produceAt(topic, p, ts);
        }
        CLUSTER.deleteRecordsBefore(new TopicPartition(topic, 2), 1);
        CLUSTER.commit(group, Map.of(tp(0), 2L, tp(1), 6L, tp(2), 4L));
    }

    @AfterAll
    static void close() {
        KAFKA.close();
    }

    @Test
    void toEarliest() {
        assertSame(KAFKA.resetOffsets(group).topic(topic).toEarliest(), "--to-earliest");
    }

    @Test
    void toLatest() {
        assertSame(KAFKA.resetOffsets(group).topic(topic).toLatest(), "--to-latest");
    }

    @Test
    void toOffsetOnChosenPartitions() {
        List<PartitionOffset> ours =
                plan(KAFKA.resetOffsets(group).partitions(topic, 0, 2).toOffset(3));
        assertThat(ours).isEqualTo(tool("--topic", topic + ":0,2", "--to-offset", "3"));
        assertThat(ours).hasSize(2);
    }

    @Test
    void shiftBy() {
        assertSame(KAFKA.resetOffsets(group).topic(topic).shiftBy(-2), "--shift-by", "-2");
    }

    @Test
    void toDatetimeWithAZone() {
        Instant at = NOW.minus(Duration.ofMinutes(210)); // 3.5 h ago: the record of 3 h ago, offset 3
        String vietnam =
                DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").format(at.atOffset(ZoneOffset.ofHours(7)));
        List<PartitionOffset> ours = plan(KAFKA.resetOffsets(group).topic(topic).toDatetime(vietnam));
        assertThat(ours).isEqualTo(tool("--topic", topic, "--to-datetime", vietnam));
        assertThat(ours).extracting(PartitionOffset::offset).containsOnly(3L);
    }

    @Test
    void byDuration() {
        assertSame(
                KAFKA.resetOffsets(group).topic(topic).byDuration(Duration.ofMinutes(150)), "--by-duration", "PT2H30M");
    }

    @Test
    void fromAnExportFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("offsets.csv");
        Files.writeString(file, topic + ",0,1\n" + topic + ",1,5\n", StandardCharsets.UTF_8);
        List<PartitionOffset> ours = plan(KAFKA.resetOffsets(group).fromCsv(file));
        assertThat(ours).isEqualTo(tool("--from-file", file.toString()));
    }

    @Test
    void theToolClampsSilentlyWhereWeRefuseUnlessAskedToClamp() {
        assertThatThrownBy(() ->
                        KAFKA.resetOffsets(group).topic(topic).toOffset(99).plan(ctx))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("outside the log");
        List<PartitionOffset> clamped =
                plan(KAFKA.resetOffsets(group).topic(topic).clampToLogRange().toOffset(99));
        assertThat(clamped).isEqualTo(tool("--topic", topic, "--to-offset", "99"));

        assertThatThrownBy(
                        () -> KAFKA.resetOffsets(group).topic(topic).shiftBy(-5).plan(ctx))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining(topic + "-2: offset -1 is outside the log [1, 6]");
        assertThat(plan(KAFKA.resetOffsets(group).topic(topic).clampToLogRange().shiftBy(-5)))
                .isEqualTo(tool("--topic", topic, "--shift-by", "-5"));
    }

    @Test
    void aPastTimestampAfterTheLastRecordMovesToTheEndAsTheToolDoes_aFutureOneIsRefused() {
        String afterLast = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
                .format(NOW.minus(Duration.ofMinutes(30)).atOffset(ZoneOffset.UTC));
        assertThat(plan(KAFKA.resetOffsets(group).topic(topic).toDatetime(afterLast)))
                .isEqualTo(tool("--topic", topic, "--to-datetime", afterLast));
        assertThat(plan(KAFKA.resetOffsets(group).topic(topic).byDuration(Duration.ofMinutes(30))))
                .isEqualTo(tool("--topic", topic, "--by-duration", "PT30M"));

        String future = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
                .format(NOW.plus(Duration.ofDays(365)).atOffset(ZoneOffset.UTC));
        assertThatThrownBy(() -> KAFKA.resetOffsets(group)
                        .topic(topic)
                        .toDatetime(future)
                        .plan(ctx))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("a time in the future");
        assertThat(plan(KAFKA.resetOffsets(group).topic(topic).clampToLogRange().toDatetime(future)))
                .isEqualTo(tool("--topic", topic, "--to-datetime", future));
    }

    @Test
    void executeCommitsWhatWePlanned() {
        String other = KafkaTestCluster.unique("ref-exec");
        CLUSTER.commit(other, Map.of(tp(0), 5L, tp(1), 5L, tp(2), 5L));
        List<PartitionOffset> ours = plan(KAFKA.resetOffsets(other).topic(topic).shiftBy(-3));

        ConsumerGroupsTool.Run run = ConsumerGroupsTool.run(
                CLUSTER.bootstrapServers(),
                "--group",
                other,
                "--reset-offsets",
                "--topic",
                topic,
                "--shift-by",
                "-3",
                "--execute");

        assertThat(run.status()).as(run.output()).isZero();
        List<PartitionOffset> committed = new ArrayList<>();
        CLUSTER.committed(other).forEach((tp, o) -> committed.add(new PartitionOffset(tp.topic(), tp.partition(), o)));
        committed.sort(PartitionOffset.ORDER);
        assertThat(committed).isEqualTo(ours);
    }

    private void assertSame(ResetOffsets ours, String... strategy) {
        List<String> args = new ArrayList<>(List.of("--topic", topic));
        args.addAll(List.of(strategy));
        List<PartitionOffset> plan = plan(ours);
        assertThat(plan).hasSize(3);
        assertThat(plan).isEqualTo(tool(args.toArray(String[]::new)));
    }

    private List<PartitionOffset> plan(ResetOffsets reset) {
        StepPlan plan = reset.plan(ctx);
        return plan.details(ResetDetails.class).targets();
    }

    private static List<PartitionOffset> tool(String... args) {
        List<String> full = new ArrayList<>(List.of("--group", group, "--reset-offsets", "--dry-run", "--export"));
        full.addAll(List.of(args));
        ConsumerGroupsTool.Run run = ConsumerGroupsTool.run(CLUSTER.bootstrapServers(), full.toArray(String[]::new));
        assertThat(run.status())
                .as("kafka-consumer-groups %s%n%s", full, run.output())
                .isZero();
        assertThat(run.exported())
                .as("kafka-consumer-groups output:%n%s", run.output())
                .isNotEmpty();
        return run.exported();
    }

    private static TopicPartition tp(int p) {
        return new TopicPartition(topic, p);
    }
}
