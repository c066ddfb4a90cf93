package dev.runbook.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Change;
import dev.runbook.core.Guards;
import dev.runbook.core.Outcome;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.kafka.test.ActiveConsumer;
import dev.runbook.kafka.test.KafkaTestCluster;
import dev.runbook.test.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Strategies, scopes and every refusal of ResetOffsets against a real broker. */
class ResetOffsetsIT {

    private static final KafkaTestCluster CLUSTER = KafkaTestCluster.get();
    private static final KafkaActions KAFKA = KafkaActions.connect(CLUSTER.bootstrapServers());

    private final ActionContext ctx = ActionContext.standalone();
    private String topic;
    private String group;

    @BeforeEach
    void seed() {
        topic = CLUSTER.createTopic(KafkaTestCluster.unique("orders"), 3);
        group = KafkaTestCluster.unique("billing");
        CLUSTER.produce(topic, 30); // 10 per partition
        CLUSTER.commit(group, Map.of(tp(0), 5L, tp(1), 10L));
    }

    @AfterAll
    static void close() {
        KAFKA.close();
    }

    @Test
    void toOffsetSkipsAPoisonMessageOnOnePartition() {
        ResetOffsets skip = KAFKA.resetOffsets(group).partitions(topic, 0).toOffset(6);
        StepPlan plan = skip.plan(ctx);

        assertThat(plan.summary()).contains("1 of 1 partition:", "1 skipped");
        ResetDetails d = plan.details(ResetDetails.class);
        assertThat(d.partitions()).containsExactly(new PartitionReset(topic, 0, 5L, 6, 0, 10));
        ApplyResult result = skip.apply(plan, ctx);
        assertThat(result.outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(CLUSTER.committed(group)).containsEntry(tp(0), 6L).containsEntry(tp(1), 10L);
        assertThat(skip.verify(plan, result, ctx).ok()).isTrue();
    }

    @Test
    void partitionsWithoutACommittedOffsetAreResetAndFlagged() {
        StepPlan plan = KAFKA.resetOffsets(group).topic(topic).toLatest().plan(ctx);

        assertThat(plan.details(ResetDetails.class).partitions())
                .extracting(PartitionReset::committed)
                .containsExactly(5L, 10L, null);
        assertThat(plan.radius("partitions")).isEqualTo(2); // partition 1 is already at the end
        assertThat(plan.radius("messagesSkipped")).isEqualTo(5);
        assertThat(plan.warnings()).anyMatch(w -> w.contains("1 partition has no committed offset"));
    }

    @Test
    void unknownGroupIsRefusedUnlessCreationIsAllowed() {
        String ghost = KafkaTestCluster.unique("ghost");
        assertThatThrownBy(() ->
                        KAFKA.resetOffsets(ghost).topic(topic).toEarliest().plan(ctx))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("'" + ghost + "' does not exist")
                .hasMessageContaining("DEAD")
                .hasMessageContaining("allowCreatingGroup()");
        assertThat(CLUSTER.committed(ghost)).isEmpty();

        ResetOffsets create =
                KAFKA.resetOffsets(ghost).allowCreatingGroup().topic(topic).toOffset(3);
        StepPlan plan = create.plan(ctx);
        create.apply(plan, ctx);
        assertThat(CLUSTER.committed(ghost))
                .containsOnly(Map.entry(tp(0), 3L), Map.entry(tp(1), 3L), Map.entry(tp(2), 3L));
        assertThat(create.apply(plan, ctx).outcome())
                .as("re-applying the same plan")
                .isEqualTo(Outcome.UNCHANGED);
        ResetOffsets undo = (ResetOffsets) create.inverse(plan).orElseThrow();
        StepPlan undoPlan = undo.plan(ctx);
        undo.apply(undoPlan, ctx);
        assertThat(CLUSTER.committed(ghost))
                .as("the inverse deletes what the reset created")
                .isEmpty();
    }

    @Test
    void unknownTopicAndPartitionAreRefusedByName() {
        String missing = topic + "-typo";
        assertThatThrownBy(() ->
                        KAFKA.resetOffsets(group).topic(missing).toEarliest().plan(ctx))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("[" + missing + "] does not exist")
                .hasMessageContaining("kafka-topics --list");
        assertThatThrownBy(() -> KAFKA.resetOffsets(group)
                        .partitions(topic, 7)
                        .toEarliest()
                        .plan(ctx))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("'" + topic + "' has 3 partitions")
                .hasMessageContaining("partition 7 does not exist");
        // a pattern, or a name pasted with an invisible character: bad input, not a broker that failed
        for (String invalid : List.of(topic.substring(0, 6) + ".*", "\uFEFF" + topic)) {
            assertThatThrownBy(() -> KAFKA.resetOffsets(group)
                            .topic(invalid)
                            .toEarliest()
                            .plan(ctx))
                    .isInstanceOf(RefusedException.class)
                    .hasMessageContaining("[" + invalid + "]: not a valid topic name")
                    .hasMessageContaining("no patterns, spaces or invisible characters");
        }
        assertThatThrownBy(() -> KAFKA.endOffsets("orders.*").read())
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("not a valid topic name");
        assertThat(CLUSTER.committed(group)).containsOnly(Map.entry(tp(0), 5L), Map.entry(tp(1), 10L));
    }

    @Test
    void anActiveGroupIsRefusedWithStateMembersAndHosts() {
        try (ActiveConsumer member = CLUSTER.joinGroup(group, List.of(topic))) {
            assertThatThrownBy(() ->
                            KAFKA.resetOffsets(group).topic(topic).toEarliest().plan(ctx))
                    .isInstanceOf(RefusedException.class)
                    .hasMessageContaining("is Stable with 1 member ")
                    .hasMessageContaining("127.0.0.1")
                    .hasMessageContaining("stop the consumers");
        }
        assertThat(CLUSTER.committed(group)).containsOnly(Map.entry(tp(0), 5L), Map.entry(tp(1), 10L));
    }

    @Test
    void aShareGroupIsRefusedNamingTheShareGroupsTool() {
        String share = KafkaTestCluster.unique("share");
        java.util.Properties p = CLUSTER.consumerConfig(share);
        p.remove("enable.auto.commit");
        p.remove("auto.offset.reset");
        try (org.apache.kafka.clients.consumer.KafkaShareConsumer<String, String> consumer =
                new org.apache.kafka.clients.consumer.KafkaShareConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (KAFKA.admin().listGroups().all().toCompletionStage().toCompletableFuture().join().stream()
                            .noneMatch(g -> g.groupId().equals(share))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200));
            }
            assertThatThrownBy(() ->
                            KAFKA.resetOffsets(share).topic(topic).toEarliest().plan(ctx))
                    .isInstanceOf(RefusedException.class)
                    .hasMessageContaining("is a share group")
                    .hasMessageContaining("kafka-share-groups --reset-offsets");
        }
    }

    @Test
    void aConsumerJoiningBetweenPlanAndApplyMakesThePlanStale() {
        ResetOffsets reset = KAFKA.resetOffsets(group).topic(topic).toEarliest();
        StepPlan plan = reset.plan(ctx);
        try (ActiveConsumer member = CLUSTER.joinGroup(group, List.of(topic))) {
            assertThatThrownBy(() -> reset.apply(plan, ctx))
                    .isInstanceOf(StalePlanException.class)
                    .hasMessageContaining("\"state\":\"STABLE\"")
                    .hasMessageContaining("plan again");
        }
        assertThat(CLUSTER.committed(group)).containsOnly(Map.entry(tp(0), 5L), Map.entry(tp(1), 10L));
    }

    @Test
    void anOffsetOutsideTheLogIsRefusedUnlessClamped() {
        assertThatThrownBy(() -> KAFKA.resetOffsets(group)
                        .partitions(topic, 0)
                        .toOffset(50)
                        .plan(ctx))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("offset 50 is outside the log [0, 10]")
                .hasMessageContaining("clampToLogRange()");

        CLUSTER.deleteRecordsBefore(tp(2), 4);
        assertThatThrownBy(() -> KAFKA.resetOffsets(group)
                        .partitions(topic, 2)
                        .toOffset(1)
                        .plan(ctx))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("offset 1 is outside the log [4, 10]");
        assertThatThrownBy(() -> KAFKA.resetOffsets(group)
                        .partitions(topic, 0)
                        .shiftBy(-6)
                        .plan(ctx))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("offset -1 is outside the log [0, 10]");

        StepPlan clamped = KAFKA.resetOffsets(group)
                .partitions(topic, 0)
                .clampToLogRange()
                .toOffset(50)
                .plan(ctx);
        assertThat(clamped.details(ResetDetails.class).targets()).containsExactly(new PartitionOffset(topic, 0, 10));
        assertThat(clamped.warnings()).anyMatch(w -> w.contains("clamped to 10"));
        assertThat(CLUSTER.committed(group)).containsOnly(Map.entry(tp(0), 5L), Map.entry(tp(1), 10L));
    }

    @Test
    void toDatetimeFindsTheFirstRecordAtOrAfterAndRefusesTheFuture() {
        String timed = CLUSTER.createTopic(KafkaTestCluster.unique("timed"), 1);
        Instant t0 = Instant.parse("2026-11-20T00:00:00Z");
        CLUSTER.produceAt(
                timed,
                0,
                List.of(
                        t0.toEpochMilli(),
                        t0.plusSeconds(3600).toEpochMilli(),
                        t0.plusSeconds(7200).toEpochMilli()));
        CLUSTER.commit(group, Map.of(new TopicPartition(timed, 0), 3L));

        // 00:30 UTC written in Vietnam time: the first record at or after it is offset 1 (01:00 UTC)
        ResetOffsets reset = KAFKA.resetOffsets(group).topic(timed).toDatetime("2026-11-20T07:30:00+07:00");
        assertThat(reset.plan(ctx).details(ResetDetails.class).targets())
                .containsExactly(new PartitionOffset(timed, 0, 1));

        assertThatThrownBy(() -> KAFKA.resetOffsets(group).topic(timed).toDatetime("2026-11-20T07:30:00"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("with a zone")
                .hasMessageContaining("+07:00");
        // "now" is 03:00 UTC: 05:00 is a typo, not a replay
        ActionContext at3 = ActionContext.builder()
                .clock(MutableClock.at(t0.plusSeconds(3 * 3600)))
                .build();
        OffsetDateTime future = OffsetDateTime.of(2026, 11, 20, 5, 0, 0, 0, ZoneOffset.UTC);
        assertThatThrownBy(() -> KAFKA.resetOffsets(group)
                        .topic(timed)
                        .toDatetime(future)
                        .plan(at3))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("no record at or after 2026-11-20T05:00:00Z, a time in the future")
                .hasMessageContaining("clampToLogRange()");

        MutableClock clock = MutableClock.at(t0.plusSeconds(7200 + 600));
        ActionContext at = ActionContext.builder().clock(clock).build();
        StepPlan byDuration = KAFKA.resetOffsets(group)
                .topic(timed)
                .byDuration(Duration.ofMinutes(70))
                .plan(at);
        assertThat(byDuration.details(ResetDetails.class).targets())
                .as("now - 70 min = 01:00 UTC")
                .containsExactly(new PartitionOffset(timed, 0, 1));
        assertThat(byDuration.details(ResetDetails.class).timestamp()).isEqualTo(t0.plusSeconds(3600));
    }

    @Test
    void aPastDatetimeMovesQuietAndEmptyPartitionsToTheLogEnd_andOnlyAFutureOneIsRefused() {
        // a real topic: one partition written recently, one quiet since yesterday, one never written, one whose
        // records retention deleted; the incident asks to replay the last hour
        String mixed = CLUSTER.createTopic(KafkaTestCluster.unique("orders.v2_eu-west"), 4);
        Instant now = Instant.parse("2026-11-20T12:00:00Z");
        CLUSTER.produceAt(
                mixed,
                0,
                List.of(
                        now.minusSeconds(7200).toEpochMilli(),
                        now.minusSeconds(1800).toEpochMilli(),
                        now.minusSeconds(60).toEpochMilli()));
        CLUSTER.produceAt(mixed, 1, List.of(now.minusSeconds(86_400).toEpochMilli()));
        CLUSTER.produceAt(
                mixed,
                3,
                List.of(now.minusSeconds(3).toEpochMilli(), now.minusSeconds(2).toEpochMilli()));
        CLUSTER.deleteRecordsBefore(new TopicPartition(mixed, 3), 2);
        Map<TopicPartition, Long> committed = Map.of(
                new TopicPartition(mixed, 0), 3L, new TopicPartition(mixed, 1), 0L, new TopicPartition(mixed, 3), 2L);
        CLUSTER.commit(group, committed);
        ActionContext atNoon =
                ActionContext.builder().clock(MutableClock.at(now)).build();

        List<PartitionOffset> expected = List.of(
                new PartitionOffset(mixed, 0, 1),
                new PartitionOffset(mixed, 1, 1),
                new PartitionOffset(mixed, 2, 0),
                new PartitionOffset(mixed, 3, 2));
        StepPlan lastHour = KAFKA.resetOffsets(group)
                .topic(mixed)
                .byDuration(Duration.ofHours(1))
                .plan(atNoon);
        assertThat(lastHour.details(ResetDetails.class).targets()).containsExactlyElementsOf(expected);
        assertThat(lastHour.warnings()).noneMatch(w -> w.contains("clamped"));
        assertThat(KAFKA.resetOffsets(group)
                        .topic(mixed)
                        .toDatetime("2026-11-20T18:00:00+07:00")
                        .plan(atNoon)
                        .details(ResetDetails.class)
                        .targets())
                .containsExactlyElementsOf(expected);
        assertThat(KAFKA.resetOffsets(group)
                        .topic(mixed)
                        .toDatetime("2001-01-01T00:00:00Z")
                        .plan(atNoon)
                        .details(ResetDetails.class)
                        .targets())
                .as("before every log start: each partition's first record, the empty one at its end")
                .containsExactly(
                        new PartitionOffset(mixed, 0, 0),
                        new PartitionOffset(mixed, 1, 0),
                        new PartitionOffset(mixed, 2, 0),
                        new PartitionOffset(mixed, 3, 2));

        assertThatThrownBy(() -> KAFKA.resetOffsets(group)
                        .topic(mixed)
                        .toDatetime("2036-11-20T12:00:00Z")
                        .plan(atNoon))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("4 partitions would get an offset outside the log")
                .hasMessageContaining(mixed + "-2: no record at or after 2036-11-20T12:00:00Z, a time in the future"
                        + " (the partition is empty; log end 0)")
                .hasMessageContaining(mixed + "-0: no record at or after 2036-11-20T12:00:00Z, a time in the future"
                        + " (the last record is older; log end 3)");
        assertThat(CLUSTER.committed(group)).containsAllEntriesOf(committed).hasSize(2 + committed.size());
    }

    @Test
    void shiftByExcludesPartitionsWithoutCommittedOffsetsAndReapplyingThePlanIsUnchanged() {
        ResetOffsets shift = KAFKA.resetOffsets(group).topic(topic).shiftBy(-2);
        StepPlan plan = shift.plan(ctx);

        ResetDetails d = plan.details(ResetDetails.class);
        assertThat(d.targets()).containsExactly(new PartitionOffset(topic, 0, 3), new PartitionOffset(topic, 1, 8));
        assertThat(d.excluded()).containsExactly(new ExcludedPartition(topic, 2, "no committed offset to shift from"));
        assertThat(shift.apply(plan, ctx).outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(shift.apply(plan, ctx).outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(CLUSTER.committed(group)).containsOnly(Map.entry(tp(0), 3L), Map.entry(tp(1), 8L));
    }

    @Test
    void theBeforeStateExportsAsCsvAndImportsBack() {
        ResetOffsets reset = KAFKA.resetOffsets(group).topic(topic).toEarliest();
        StepPlan plan = reset.plan(ctx);
        String csv = plan.before(GroupOffsets.class).toCsv();
        assertThat(csv).isEqualTo(topic + ",0,5\n" + topic + ",1,10\n");
        reset.apply(plan, ctx);

        ResetOffsets restore = KAFKA.resetOffsets(group).fromCsv(csv);
        StepPlan back = restore.plan(ctx);
        assertThat(back.change()).isEqualTo(Change.CHANGE);
        restore.apply(back, ctx);
        assertThat(CLUSTER.committed(group))
                .containsOnly(Map.entry(tp(0), 5L), Map.entry(tp(1), 10L), Map.entry(tp(2), 0L));
        assertThat(restore.plan(ctx).change())
                .as("restored: nothing left to do")
                .isEqualTo(Change.NONE);
    }

    @Test
    void allCommittedPartitionsSkipsDeletedTopicsAndExcludesProtectedOnes() {
        String doomed = CLUSTER.createTopic(KafkaTestCluster.unique("doomed"), 1);
        String guarded = CLUSTER.createTopic(KafkaTestCluster.unique("payments"), 1);
        CLUSTER.commit(group, Map.of(new TopicPartition(doomed, 0), 0L, new TopicPartition(guarded, 0), 0L));
        // the group coordinator drops the offsets of a deleted topic; the planner also excludes any left
        KafkaTestCluster.await(CLUSTER.admin().deleteTopics(List.of(doomed)).all());
        ActionContext guardedCtx = ActionContext.builder()
                .guards(Guards.builder().protect("payments-*").build())
                .build();

        StepPlan plan =
                KAFKA.resetOffsets(group).allCommittedPartitions().toEarliest().plan(guardedCtx);

        ResetDetails d = plan.details(ResetDetails.class);
        assertThat(d.targets()).containsExactly(new PartitionOffset(topic, 0, 0), new PartitionOffset(topic, 1, 0));
        assertThat(d.excluded()).contains(new ExcludedPartition(guarded, 0, "topic is protected by the guards"));
        assertThat(d.partitions()).noneMatch(p -> p.topic().equals(doomed));
        assertThat(plan.resources()).doesNotContain(guarded);
    }

    @Test
    void verifyFailsWhenSomethingElseMovedTheOffsetsAfterApply() {
        ResetOffsets reset = KAFKA.resetOffsets(group).partitions(topic, 0).toEarliest();
        StepPlan plan = reset.plan(ctx);
        ApplyResult result = reset.apply(plan, ctx);
        CLUSTER.commit(group, Map.of(tp(0), 9L));

        assertThat(reset.verify(plan, result, ctx).ok()).isFalse();
        assertThat(reset.verify(plan, result, ctx).message()).contains(topic + "-0 is at 9, planned 0");
    }

    @Test
    void anUnreachableBrokerIsReportedAsUnavailable() {
        try (KafkaActions nowhere = KafkaActions.connect(Map.of(
                "bootstrap.servers", "127.0.0.1:1", "default.api.timeout.ms", 1500, "request.timeout.ms", 1000))) {
            assertThatThrownBy(() -> nowhere.resetOffsets(group)
                            .topic(topic)
                            .toEarliest()
                            .plan(ctx))
                    .isInstanceOf(TargetUnavailableException.class)
                    .hasMessageContaining("127.0.0.1:1")
                    .hasMessageContaining("is the broker running");
        }
    }

    private TopicPartition tp(int p) {
        return new TopicPartition(topic, p);
    }
}
