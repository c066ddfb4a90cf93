package dev.runbook.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.Json;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StepPlan;
import dev.runbook.kafka.test.ActiveConsumer;
import dev.runbook.kafka.test.KafkaTestCluster;
import dev.runbook.test.ActionContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenario 3, "record offsets before touching anything", on a real broker: the export contract. */
class ExportOffsetsContractIT extends ActionContract<ExportOffsets> {

    private static final KafkaTestCluster CLUSTER = KafkaTestCluster.get();
    private static final KafkaActions KAFKA = KafkaActions.connect(CLUSTER.bootstrapServers());

    @TempDir
    Path dir;

    private String topic;
    private String group;

    @BeforeEach
    void seed() {
        topic = CLUSTER.createTopic(KafkaTestCluster.unique("export-orders"), 2);
        group = KafkaTestCluster.unique("export-billing");
        CLUSTER.produce(topic, 10);
        CLUSTER.commit(group, Map.of(new TopicPartition(topic, 0), 3L, new TopicPartition(topic, 1), 5L));
        CLUSTER.commit(group + "-other", Map.of(new TopicPartition(topic, 0), 1L));
    }

    @AfterAll
    static void close() {
        KAFKA.close();
    }

    @Override
    protected ExportOffsets action() {
        // only this test's group: other tests' groups (a Connect worker's) may commit while this one runs
        return KAFKA.exportOffsets(dir.resolve("offsets-before.csv"), group);
    }

    @Override
    protected Map<String, ExportOffsets> variants() {
        return Map.of(
                "file", KAFKA.exportOffsets(dir.resolve("offsets-other.csv"), group),
                "groups", KAFKA.exportOffsets(dir.resolve("offsets-before.csv"), group, group + "-other"));
    }

    @Override
    protected Object snapshot() {
        Path file = dir.resolve("offsets-before.csv");
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void moveTheWorld() {
        try {
            Files.writeString(dir.resolve("offsets-before.csv"), "someone-else,t,0,1\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theCsvHoldsEveryGroupsOffsetsAndRestoresAGroup() throws IOException {
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        action().apply(plan, ctx);

        String csv = Files.readString(dir.resolve("offsets-before.csv"));
        assertThat(csv).isEqualTo(group + "," + topic + ",0,3\n" + group + "," + topic + ",1,5\n");

        KAFKA.resetOffsets(group)
                .topic(topic)
                .toLatest()
                .apply(KAFKA.resetOffsets(group).topic(topic).toLatest().plan(ctx), ctx);
        ResetOffsets restore = KAFKA.resetOffsets(group).fromCsv(dir.resolve("offsets-before.csv"));
        restore.apply(restore.plan(ctx), ctx);
        assertThat(CLUSTER.committed(group))
                .containsOnly(Map.entry(new TopicPartition(topic, 0), 3L), Map.entry(new TopicPartition(topic, 1), 5L));
    }

    @Test
    void aGroupThatHasNotCommittedYet_doesNotMakeTheRerunRefuse() {
        String idle = KafkaTestCluster.unique("export-idle");
        try (ActiveConsumer member = CLUSTER.joinGroup(idle, java.util.List.of(topic))) {
            ExportOffsets export = KAFKA.exportOffsets(dir.resolve("with-idle.csv"), group, idle);
            ActionContext ctx = context();
            assertThat(export.apply(export.plan(ctx), ctx).outcome()).isEqualTo(dev.runbook.core.Outcome.CHANGED);

            StepPlan again = export.plan(ctx);
            assertThat(again.isNoop()).as(again.summary()).isTrue();
            assertThat(export.apply(again, ctx).outcome()).isEqualTo(dev.runbook.core.Outcome.UNCHANGED);
        }
    }

    @Test
    void anEarlierDifferentExportIsNeverOverwritten() throws IOException {
        moveTheWorld();
        assertRefusedWithoutChange(() -> action().plan(context()), "exists with other offsets", "new file name");
        assertThatThrownBy(() -> action().plan(context())).isInstanceOf(RefusedException.class);
    }

    @Test
    void aMisspeltGroupIsRefusedByName_notAnEmptyExport() {
        // "record every offset before touching anything" with a typo used to write an empty file and report
        // success: the record was found empty only when the reset had to be undone
        String typo = group.replace("billing", "biling");
        ExportOffsets export = KAFKA.exportOffsets(dir.resolve("offsets-before.csv"), group, typo);
        assertRefusedWithoutChange(
                () -> export.plan(context()),
                "consumer group [" + typo + "] does not exist",
                "kafka-consumer-groups --list");
        assertThat(dir.resolve("offsets-before.csv")).doesNotExist();
    }

    @Test
    void jsonExportReadsBackAsASnapshot() throws IOException {
        ExportOffsets json = KAFKA.exportOffsets(dir.resolve("offsets.json")); // every group
        json.apply(json.plan(context()), context());

        OffsetSnapshot back = Json.read(Files.readString(dir.resolve("offsets.json")), OffsetSnapshot.class);
        assertThat(back.group(group))
                .containsExactly(new PartitionOffset(topic, 0, 3), new PartitionOffset(topic, 1, 5));
        assertThat(KAFKA.offsets(Clock.systemUTC()).group(group)).isEqualTo(back.group(group));
    }
}
