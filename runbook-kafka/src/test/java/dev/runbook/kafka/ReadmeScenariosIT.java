package dev.runbook.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.ActionContext;
import dev.runbook.core.Conditions;
import dev.runbook.core.Probes;
import dev.runbook.core.StepPlan;
import dev.runbook.core.WaitResult;
import dev.runbook.kafka.test.KafkaTestCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two README scenarios, step for step, on a real broker: INC-007 (lag, skip a poison message with
 * to-offset) and scenario 3 (export every offset, then reset to a datetime, then undo from the export).
 * The values they log are the ones quoted in the README.
 */
class ReadmeScenariosIT {

    private static final Logger LOG = LoggerFactory.getLogger(ReadmeScenariosIT.class);
    private static final KafkaTestCluster CLUSTER = KafkaTestCluster.get();

    @Test
    void inc007_lagThenSkipOnePoisonMessage() {
        String orders = CLUSTER.createTopic(KafkaTestCluster.unique("orders"), 4);
        String billing = KafkaTestCluster.unique("billing");
        CLUSTER.produce(orders, 400); // 100 per partition
        // partitions 0-2 consumed; partition 3 stuck on the poison message at offset 42
        CLUSTER.commit(
                billing, Map.of(tp(orders, 0), 100L, tp(orders, 1), 100L, tp(orders, 2), 100L, tp(orders, 3), 42L));

        try (KafkaActions kafka = KafkaActions.connect(CLUSTER.bootstrapServers())) {
            ConsumerLag lag = kafka.consumerLag(billing).read();
            LOG.info("lag: {} / {}", lag, lag.partitions().get(3));
            assertThat(lag.total()).isEqualTo(58);

            ActionContext ctx = ActionContext.standalone();
            ResetOffsets skip =
                    kafka.resetOffsets(billing).partitions(orders, 3).toOffset(43);
            StepPlan plan = skip.plan(ctx);
            LOG.info("plan: {}", plan.summary());
            LOG.info("details: {}", plan.details(ResetDetails.class));
            LOG.info("before csv: {}", plan.before(GroupOffsets.class).toCsv().strip());
            LOG.info("apply: {}", skip.apply(plan, ctx).summary());
            LOG.info("verify: {}", skip.verify(plan, null, ctx).message());

            assertThat(CLUSTER.committed(billing)).containsEntry(tp(orders, 3), 43L);
            CLUSTER.commit(billing, Map.of(tp(orders, 3), 100L)); // the consumers catch up
            WaitResult<Long> drained = Probes.waitUntil(
                    kafka.consumerLag(billing).map("billing lag", ConsumerLag::total),
                    Conditions.below(1),
                    Duration.ofSeconds(10));
            LOG.info("wait: {}", drained);
            assertThat(drained.satisfied()).isTrue();
        }
    }

    @Test
    void scenario3_exportEveryOffsetThenResetToADatetime(@TempDir Path dir) throws IOException {
        String orders = CLUSTER.createTopic(KafkaTestCluster.unique("orders"), 2);
        String billing = KafkaTestCluster.unique("billing");
        Instant t0 = Instant.parse("2026-11-21T00:00:00Z");
        for (int p = 0; p < 2; p++) {
            List<Long> hourly = new ArrayList<>();
            for (int h = 0; h < 6; h++) {
                hourly.add(t0.plus(Duration.ofHours(h)).toEpochMilli());
            }
            CLUSTER.produceAt(orders, p, hourly);
        }
        CLUSTER.commit(billing, Map.of(tp(orders, 0), 6L, tp(orders, 1), 5L));

        try (KafkaActions kafka = KafkaActions.connect(CLUSTER.bootstrapServers())) {
            ActionContext ctx = ActionContext.standalone();
            Path before = dir.resolve("INC-042-offsets-before.csv");
            ExportOffsets record = kafka.exportOffsets(before);
            StepPlan recordPlan = record.plan(ctx);
            LOG.info("export plan: {}", recordPlan.summary());
            LOG.info("export apply: {}", record.apply(recordPlan, ctx).summary());

            // replay everything from 08:00 Vietnam time (01:00 UTC)
            ResetOffsets replay = kafka.resetOffsets(billing).topic(orders).toDatetime("2026-11-21T08:00:00+07:00");
            StepPlan plan = replay.plan(ctx);
            LOG.info("reset plan: {}", plan.summary());
            LOG.info("reset details: {}", plan.details(ResetDetails.class));
            replay.apply(plan, ctx);
            assertThat(CLUSTER.committed(billing))
                    .containsOnly(Map.entry(tp(orders, 0), 1L), Map.entry(tp(orders, 1), 1L));

            ResetOffsets undo = kafka.resetOffsets(billing).fromCsv(before);
            StepPlan undoPlan = undo.plan(ctx);
            LOG.info("undo plan: {}", undoPlan.summary());
            undo.apply(undoPlan, ctx);
            assertThat(CLUSTER.committed(billing))
                    .containsOnly(Map.entry(tp(orders, 0), 6L), Map.entry(tp(orders, 1), 5L));
            assertThat(Files.readString(before)).contains(billing + "," + orders + ",0,6");
        }
    }

    @Test
    void inc007_asARunbook(@TempDir Path dir) {
        String orders = CLUSTER.createTopic(KafkaTestCluster.unique("orders"), 2);
        String billing = KafkaTestCluster.unique("billing");
        CLUSTER.produce(orders, 20);
        CLUSTER.commit(billing, Map.of(tp(orders, 0), 10L, tp(orders, 1), 4L)); // stuck on orders-1@4

        try (KafkaActions kafka = KafkaActions.connect(CLUSTER.bootstrapServers())) {
            dev.runbook.core.Runbook runbook = dev.runbook.core.Runbook.builder("INC-007", "skip a poison message")
                    .precheck(
                            "billing is lagging",
                            kafka.consumerLag(billing).map("lag", ConsumerLag::total),
                            Conditions.above(0))
                    .step("record every offset", kafka.exportOffsets(dir.resolve("INC-007-before.csv"), billing))
                    .step(
                            "skip orders-1@4",
                            kafka.resetOffsets(billing).partitions(orders, 1).toOffset(5))
                    .build();
            dev.runbook.core.RunbookEngine engine = dev.runbook.core.RunbookEngine.builder()
                    .approvals(dev.runbook.core.ApprovalGate.approveAll("on-call", "INC-007 bridge"))
                    .build();
            dev.runbook.core.Plan plan = engine.plan(runbook);
            LOG.info("runbook plan:\n{}", plan);
            dev.runbook.core.Report report = engine.apply(runbook, plan);
            LOG.info("runbook report:\n{}", report);
            assertThat(report.status()).isEqualTo(dev.runbook.core.RunStatus.SUCCEEDED);
            assertThat(CLUSTER.committed(billing))
                    .containsEntry(tp(orders, 1), 5L)
                    .containsEntry(tp(orders, 0), 10L);
        }
    }

    private static TopicPartition tp(String topic, int p) {
        return new TopicPartition(topic, p);
    }
}
