package dev.runbook.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Outcome;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.replay.MalformedPolicy;
import dev.runbook.core.replay.ReplaySelection;
import dev.runbook.core.replay.ReplaySummary;
import dev.runbook.kafka.DeadLetters.Read;
import dev.runbook.kafka.DeadLetters.SpringFailure;
import dev.runbook.kafka.test.KafkaTestCluster;
import dev.runbook.test.ActionContract;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReplayDlqIT extends ActionContract<ReplayDlq> {

    private static final String TIMEOUT = "java.net.SocketTimeoutException";
    private static final String LISTENER = "org.springframework.kafka.listener.ListenerExecutionFailedException";

    private final KafkaTestCluster kafka = KafkaTestCluster.get();
    private final DeadLetters letters = new DeadLetters(kafka);
    private String orders;
    private String payments;
    private String dlq;
    private String parking;

    @BeforeEach
    void seedDeadLetters() {
        orders = kafka.createTopic(KafkaTestCluster.unique("orders"), 3);
        payments = kafka.createTopic(KafkaTestCluster.unique("payments"), 1);
        dlq = kafka.createTopic(KafkaTestCluster.unique("orders-dlq"), 2);
        parking = kafka.createTopic(KafkaTestCluster.unique("orders-parking"), 1);
        for (int i = 0; i < 12; i++) {
            SpringFailure f = new SpringFailure(orders, i % 3, 100 + i, "order-processor", LISTENER, TIMEOUT);
            List<SpringFailure> hops =
                    i < 2 ? List.of(f, new SpringFailure(orders, i % 3, 900 + i, "x", LISTENER, TIMEOUT)) : List.of(f);
            letters.send(dlq, i % 2, "order-" + i, "{\"order\":" + i + "}", DeadLetters.springHeaders(hops, 0));
        }
        for (int i = 0; i < 5; i++) {
            SpringFailure f =
                    new SpringFailure(payments, 0, i, "payment-svc", LISTENER, "java.lang.IllegalStateException");
            letters.send(dlq, i % 2, "pay-" + i, "{\"pay\":" + i + "}", DeadLetters.springHeaders(List.of(f), 1));
        }
        SpringFailure tired = new SpringFailure(orders, 0, 7, "order-processor", LISTENER, TIMEOUT);
        letters.send(dlq, 0, "order-tired", "{\"order\":\"tired\"}", DeadLetters.springHeaders(List.of(tired), 3));
        letters.flush();
    }

    private ReplaySelection.Builder selection() {
        return ReplaySelection.builder().maxAttempts(3).parkingTarget(parking);
    }

    private ReplayDlq replay(ReplaySelection selection) {
        return KafkaActions.of(
                        kafka.admin(), Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))
                .replayDlq(dlq, selection);
    }

    @Override
    protected ReplayDlq action() {
        return replay(selection().build());
    }

    @Override
    protected Map<String, ReplayDlq> variants() {
        Map<String, Object> otherClient = Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                CommonClientConfigs.CLIENT_ID_CONFIG,
                "another-replayer");
        return Map.of(
                "dlqTopic",
                        KafkaActions.of(
                                        kafka.admin(),
                                        Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))
                                .replayDlq(dlq + "-other", selection().build())
                                .withGroup(action().group()),
                "selection", replay(selection().maxRecords(5).build()),
                "group", action().withGroup(action().group() + "-other"),
                "checkpointRecords", action().withCheckpointEvery(7),
                "client",
                        KafkaActions.of(kafka.admin(), otherClient)
                                .replayDlq(dlq, selection().build()));
    }

    @Override
    protected Object snapshot() {
        Map<String, Object> s = new LinkedHashMap<>();
        for (String t : List.of(orders, payments, parking)) {
            s.put(t + " records", letters.readCommitted(t));
            s.put(t + " log end (any isolation)", kafka.endOffsets(t));
        }
        s.put("replayer offsets", kafka.committed(action().group()));
        return s;
    }

    @Override
    protected void moveTheWorld() {
        kafka.commit(action().group(), Map.of(new TopicPartition(dlq, 0), 1L));
    }

    @Test
    void dryRun_summarisesByOriginWithTargetsOffsetsAndBytes_andWritesNothing() {
        Object before = snapshot();
        StepPlan plan = action().plan(context());
        ReplayDlqDetails d = plan.details(ReplayDlqDetails.class);
        ReplaySummary s = d.summary();

        assertThat(s.scanned()).isEqualTo(18);
        assertThat(s.replayed()).isEqualTo(17);
        assertThat(s.parked()).isEqualTo(1);
        assertThat(s.targets()).containsOnly(Map.entry(orders, 12L), Map.entry(payments, 5L), Map.entry(parking, 1L));
        assertThat(s.byOrigin())
                .contains(
                        new ReplaySummary.OriginCount(orders, "order-processor", TIMEOUT, 13),
                        new ReplaySummary.OriginCount(payments, "payment-svc", "java.lang.IllegalStateException", 5));
        assertThat(s.sampleKeys()).hasSize(10).allMatch(k -> k.startsWith("order-") || k.startsWith("pay-"));
        assertThat(s.firstPosition()).isIn(dlq + "/0/0", dlq + "/1/0");
        assertThat(s.bytes()).isPositive();
        assertThat(d.start()).containsExactly(Map.entry(0, 0L), Map.entry(1, 0L));
        assertThat(d.commit()).containsExactly(Map.entry(0, 10L), Map.entry(1, 8L));
        assertThat(plan.radius("messages")).isEqualTo(18);
        assertThat(plan.summary())
                .contains("replay 17 records")
                .endsWith("then commit group '" + action().group() + "' at {0=10, 1=8}");
        assertThat(snapshot()).isEqualTo(before);
        assertThat(kafka.committed(action().group()))
                .as("no offsets for the replayer group")
                .isEmpty();
    }

    @Test
    void apply_replaysEachRecordOnceToItsOrigin_keepingKeys_withReplayIdAndAttempt_andParksTheTired() {
        ActionContext ctx = context();
        ReplayDlq action = action();
        StepPlan plan = action.plan(ctx);
        ApplyResult result = action.apply(plan, ctx);

        assertThat(result.outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(result.summary())
                .as("said once: it read 'replayed 17 replayed, ...'")
                .startsWith("replay from DLQ '" + dlq + "': 17 replayed, 1 parked, 0 skipped by filters");
        assertThat(result.count("replayed")).isEqualTo(17);
        assertThat(result.count("parked")).isEqualTo(1);
        List<Read> replayedOrders = letters.readCommitted(orders);
        assertThat(replayedOrders).hasSize(12);
        assertThat(replayedOrders).extracting(Read::key).doesNotHaveDuplicates().allMatch(k -> k.startsWith("order-"));
        assertThat(replayedOrders).extracting(Read::attempt).containsOnly("1");
        assertThat(replayedOrders)
                .extracting(Read::replayId)
                .doesNotHaveDuplicates()
                .allMatch(id -> id.startsWith(dlq + "/"));
        Read first = replayedOrders.stream()
                .filter(r -> r.key().equals("order-0"))
                .findFirst()
                .orElseThrow();
        assertThat(first.value()).isEqualTo("{\"order\":0}");
        assertThat(first.replayId()).isEqualTo(dlq + "/0/0");
        assertThat(letters.readCommitted(payments))
                .hasSize(5)
                .extracting(Read::attempt)
                .containsOnly("2");
        List<Read> parked = letters.readCommitted(parking);
        assertThat(parked).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("order-tired");
            assertThat(r.attempt()).isEqualTo("4");
            assertThat(r.headers().get("runbook-replay-parked-reason")).contains("maxAttempts 3");
        });
        assertThat(kafka.committed(action.group()))
                .containsOnly(Map.entry(new TopicPartition(dlq, 0), 10L), Map.entry(new TopicPartition(dlq, 1), 8L));
        assertThat(action.verify(plan, result, ctx).ok()).isTrue();
        assertThat(action.plan(ctx).summary()).startsWith("unchanged: nothing to replay");
    }

    @Test
    void limits_stopEarly_andARerunWithTheSameFiltersContinuesWithoutDuplicates() {
        ActionContext ctx = context();
        ReplayDlq five = replay(selection().maxRecords(5).build());
        StepPlan plan = five.plan(ctx);
        ApplyResult first = five.apply(plan, ctx);
        assertThat(first.count("replayed") + first.count("parked")).isEqualTo(5);
        ReplayDlqDetails details = plan.details(ReplayDlqDetails.class);
        Map<TopicPartition, Long> planned = new LinkedHashMap<>();
        details.commit().forEach((p, offset) -> {
            if (offset > details.start().get(p)) {
                planned.put(new TopicPartition(dlq, p), offset);
            }
        });
        assertThat(kafka.committed(five.group()))
                .as("the apply went exactly as far as the plan in each partition")
                .isEqualTo(planned);
        ReplayDlq rest = action();
        assertThat(rest.group()).as("limits do not change the replayer group").isEqualTo(five.group());
        rest.apply(rest.plan(ctx), ctx);
        List<Read> all = letters.readCommitted(orders);
        all.addAll(letters.readCommitted(payments));
        all.addAll(letters.readCommitted(parking));
        assertThat(all).hasSize(18).extracting(Read::replayId).doesNotHaveDuplicates();
    }

    @Test
    void smallTransactions_replayEveryRecordOnce_andANonPositiveSizeIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> action().withCheckpointEvery(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("records per transaction must be >= 1, was 0")
                .hasMessageContaining("100000");
        ActionContext ctx = context();
        ReplayDlq small = action().withCheckpointEvery(4);
        assertThat(small.group()).isEqualTo(action().group());
        small.apply(small.plan(ctx), ctx);
        List<Read> all = letters.readCommitted(orders);
        all.addAll(letters.readCommitted(payments));
        all.addAll(letters.readCommitted(parking));
        assertThat(all).hasSize(18).extracting(Read::replayId).doesNotHaveDuplicates();
        assertThat(small.plan(ctx).isNoop()).as("a rerun has nothing left").isTrue();
    }

    @Test
    void filters_replayOnlyTheSelectedOrigin_underTheirOwnGroup() {
        ActionContext ctx = context();
        ReplayDlq onlyPayments = replay(selection().originalTopic(payments).build());
        assertThat(onlyPayments.group()).isNotEqualTo(action().group());
        onlyPayments.apply(onlyPayments.plan(ctx), ctx);
        assertThat(letters.readCommitted(payments)).hasSize(5);
        assertThat(letters.readCommitted(orders)).isEmpty();
        assertThat(kafka.committed(action().group()))
                .as("the unfiltered replayer is untouched")
                .isEmpty();

        ReplayDlq byCause =
                replay(selection().exception("SocketTimeoutException").build());
        assertThat(byCause.plan(ctx).details(ReplayDlqDetails.class).summary().sent())
                .isEqualTo(13);
    }

    @Test
    void malformedOriginHeaders_areRefusedByDefault_namingTheRecord_thenSkippedOnRequest() {
        RecordHeaders bad = DeadLetters.springHeaders(
                List.of(new SpringFailure(orders, 0, 1, "order-processor", LISTENER, TIMEOUT)), 0);
        bad.remove(DlqHeaders.SPRING_PARTITION);
        bad.add(DlqHeaders.SPRING_PARTITION, new byte[] {0, 0, 1});
        letters.send(dlq, 1, "order-bad", "{}", bad);
        letters.send(dlq, 1, "no-headers", "{}", new RecordHeaders());
        letters.flush();

        assertRefusedWithoutChange(
                () -> action().plan(context()),
                "2 records",
                dlq + "/1/8: kafka_dlt-original-partition has 3 bytes, expected a 4-byte big-endian int",
                "no origin headers",
                "onMalformed(SKIP)");

        ActionContext ctx = context();
        ReplayDlq skipping =
                replay(selection().onMalformed(MalformedPolicy.SKIP).build());
        StepPlan plan = skipping.plan(ctx);
        assertThat(plan.warnings()).anyMatch(w -> w.contains("2 records with unreadable origin headers"));
        ApplyResult result = skipping.apply(plan, ctx);
        assertThat(result.count("malformed")).isEqualTo(2);
        assertThat(letters.readCommitted(orders)).hasSize(12);
    }

    @Test
    void explicitTarget_replaysRecordsWithoutOriginHeaders() {
        letters.send(dlq, 0, "no-headers", "{}", new RecordHeaders());
        letters.flush();
        ActionContext ctx = context();
        ReplayDlq toOrders = replay(selection().target(orders).build());
        toOrders.apply(toOrders.plan(ctx), ctx);
        assertThat(letters.readCommitted(orders))
                .hasSize(18)
                .extracting(Read::key)
                .contains("no-headers", "pay-0");
    }

    @Test
    void missingTargetTopic_isRefused_andNotAutoCreated() {
        String typo = KafkaTestCluster.unique("orderz");
        letters.send(
                dlq,
                0,
                "order-typo",
                "{}",
                DeadLetters.springHeaders(
                        List.of(new SpringFailure(typo, 0, 1, "order-processor", LISTENER, TIMEOUT)), 0));
        letters.flush();
        assertRefusedWithoutChange(() -> action().plan(context()), typo, "do not exist", "auto-creation");
        assertThat(new DlqAdmin(kafka.admin()).missing(List.of(typo))).containsExactly(typo);
    }

    @Test
    void recordsToPark_withoutParkingTopic_orWithAMissingOne_areRefused() {
        assertRefusedWithoutChange(
                () -> replay(ReplaySelection.builder().maxAttempts(3).build()).plan(context()),
                "no parking topic is set",
                "parkingTarget");
        assertRefusedWithoutChange(
                () -> replay(ReplaySelection.builder()
                                .parkingTarget("no-such-parking")
                                .build())
                        .plan(context()),
                "no-such-parking",
                "do not exist");
    }

    @Test
    void recordsDeletedByRetentionAfterThePlan_makeTheApplyStale_andNothingIsReplayed() {
        StepPlan plan = action().plan(context());
        kafka.deleteRecordsBefore(new TopicPartition(dlq, 0), 2);
        assertRefusedWithoutChange(
                () -> action().apply(plan, context()),
                "DLQ '" + dlq + "' partition 0 now starts at 2, after the planned start 0",
                "plan again");
        assertThat(letters.readCommitted(orders)).isEmpty();
    }

    @Test
    void aSourceOffsetThatRetentionDeleted_isAnErrorNamingIt_notASilentJumpToTheEnd() {
        kafka.deleteRecordsBefore(new TopicPartition(dlq, 0), 3);
        Map<String, Object> config = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaDlqSource source = new KafkaDlqSource(config, dlq, Map.of(0, 1L), Map.of(0, 8L))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(source::poll)
                    .isInstanceOf(dev.runbook.core.TargetUnavailableException.class)
                    .hasMessageContaining("DLQ '" + dlq + "' no longer holds offsets {" + dlq + "-0=1}")
                    .hasMessageContaining("plan again");
        }
    }

    @Test
    void unknownDlqTopic_isRefusedWithItsName() {
        ReplayDlq missing = new ReplayDlq(
                kafka.admin(),
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                "no-such-dlq",
                ReplaySelection.all(),
                null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> missing.plan(context()))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("DLQ topic 'no-such-dlq' does not exist");
        ReplayDlq pattern = new ReplayDlq(
                kafka.admin(),
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                "orders-dlq.*",
                ReplaySelection.all(),
                null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> pattern.plan(context()))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("topic 'orders-dlq.*': not a valid topic name");
    }

    @Test
    void connectDeadLetters_decodeStringHeaders_andTheConnectorGroup() {
        String sinkTopic = kafka.createTopic(KafkaTestCluster.unique("events"), 2);
        String connectDlq = kafka.createTopic(KafkaTestCluster.unique("connect-dlq"), 1);
        for (int i = 0; i < 4; i++) {
            letters.send(
                    connectDlq,
                    0,
                    "e-" + i,
                    "not json " + i,
                    DeadLetters.connectHeaders(sinkTopic, i % 2, 40 + i, "file-sink"));
        }
        letters.flush();
        ReplayDlq r = new ReplayDlq(
                kafka.admin(),
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                connectDlq,
                ReplaySelection.builder().originalGroup("connect-file-sink").build(),
                null);
        ActionContext ctx = context();
        StepPlan plan = r.plan(ctx);
        assertThat(plan.details(ReplayDlqDetails.class).summary().byOrigin())
                .containsExactly(new ReplaySummary.OriginCount(
                        sinkTopic, "connect-file-sink", "org.apache.kafka.connect.errors.DataException", 4));
        r.apply(plan, ctx);
        assertThat(letters.readCommitted(sinkTopic).stream().map(Read::key).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("e-0", "e-1", "e-2", "e-3");
    }
}
