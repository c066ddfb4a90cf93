package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.ActionContext;
import dev.runbook.core.Approval;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.RefusedException;
import dev.runbook.core.Report;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Step;
import dev.runbook.core.audit.AuditLogVerifier;
import dev.runbook.core.audit.JsonLinesAuditSink;
import dev.runbook.kafka.test.KafkaTestCluster;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * INC-007 on a real in-process broker, with the consumers as real group members that follow the
 * replicas of the Deployment in the simulated cluster: refusals first (they change nothing), then the
 * fix, asserted on the broker and the cluster afterwards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsumerLagPoisonMessageIT {
    static ConsumerLagScenario scenario;
    static KafkaTestCluster broker;

    @TempDir
    static Path dir;

    @BeforeAll
    static void stage() {
        scenario = ConsumerLagScenario.start();
        broker = KafkaTestCluster.get();
    }

    @AfterAll
    static void stop() {
        if (scenario != null) {
            scenario.close();
        }
    }

    private static String skipStep() {
        return "skip-poison-message";
    }

    @Test
    @Order(1)
    void planReadsOnly_theGroupStaysStuckAndTheConsumersRun() {
        Map<TopicPartition, Long> before = broker.committed(scenario.group());
        RunbookEngine engine = RunbookEngine.builder()
                .approvals(req -> Approval.denied("it", "a dry run"))
                .build();

        Plan plan = engine.plan(scenario.runbook());

        assertThat(plan)
                .isReady()
                .hasStep(skipStep())
                .withBlastRadius("messagesSkipped", 1)
                .and()
                .hasStep("start-consumers")
                .withBlastRadius("replicas", 6);
        assertThat(broker.committed(scenario.group())).isEqualTo(before);
        assertThat(scenario.readyConsumers()).isEqualTo(2);
        assertThat(scenario.lag().total()).isGreaterThan(ConsumerLagPoisonMessage.ALERT_LAG);
    }

    @Test
    @Order(2)
    void moreConsumersThanPartitions_isRefusedAtPlanAndByTheScaleItself() {
        Runbook thirteen = scenario.runbook(ConsumerLagScenario.PARTITIONS + 1);
        RunbookEngine engine = RunbookEngine.builder().build();

        assertThat(engine.plan(thirteen))
                .isNotReady()
                .hasStep("consumers-fit-partitions")
                .isRefusedWith("does not hold");
        // the scale step reads the same bound from Kafka and refuses on its own, never clamps to 12
        Step.Act start = (Step.Act) thirteen.step("start-consumers");
        assertThatThrownBy(() -> start.action().plan(ActionContext.standalone()))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("to 13 replicas is above the bound partitions of " + scenario.topic() + " = 12")
                .hasMessageContaining("scale to at most 12");
        assertThat(scenario.readyConsumers()).isEqualTo(2);
    }

    @Test
    @Order(3)
    void anOffsetPastTheLogEnd_isRefusedNotClamped() {
        // an empty group (no members), so that only the offset can be refused
        String group = KafkaTestCluster.unique("dispatch-engine-replay");
        TopicPartition p0 = new TopicPartition(scenario.topic(), 0);
        long end = broker.endOffsets(scenario.topic()).get(p0);
        broker.commit(group, Map.of(p0, 10L));
        Runbook rb = ConsumerLagPoisonMessage.runbook(
                scenario.kafkaActions(),
                scenario.k8sActions(),
                ConsumerLagPoisonMessage.NAMESPACE,
                ConsumerLagPoisonMessage.CONSUMER,
                group,
                scenario.topic(),
                0,
                end, // the skip would commit end + 1
                6,
                10,
                1,
                java.time.Duration.ofSeconds(5));
        Step.Act skip = (Step.Act) rb.step("skip-poison-message");

        assertThatThrownBy(() -> skip.action().plan(ActionContext.standalone()))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("would get an offset outside the log")
                .hasMessageContaining("clampToLogRange()");
        assertThat(broker.committed(group)).containsEntry(p0, 10L);
    }

    @Test
    @Order(4)
    void theSkipAppliedWhileTheConsumersStillRun_isRefusedAndWritesNothing() {
        Step.Act skip = (Step.Act) scenario.runbook().step(skipStep());
        ActionContext ctx = ActionContext.standalone();

        dev.runbook.core.StepPlan plan = skip.action().plan(ctx); // planned before the stop, as in the runbook

        assertThat(plan.warnings()).anyMatch(w -> w.contains("an earlier step must stop them"));
        assertThatThrownBy(() -> skip.action().apply(plan, ctx))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("planned to run after its consumers stop")
                .hasMessageContaining("nothing was written");
        assertThat(broker.committed(scenario.group()))
                .containsEntry(new TopicPartition(scenario.topic(), 0), scenario.poisonOffset());
    }

    @Test
    @Order(5)
    void apply_skipsThePoisonMessage_scalesToSix_andTheLagFalls() throws Exception {
        long poison = scenario.poisonOffset();
        TopicPartition p0 = new TopicPartition(scenario.topic(), 0);
        Path auditFile = dir.resolve("audit-INC-007.jsonl");
        Report report;
        try (JsonLinesAuditSink audit = JsonLinesAuditSink.open(auditFile)) {
            RunbookEngine engine = RunbookEngine.builder()
                    .approvals(req -> Approval.granted("it", "test"))
                    .audit(audit)
                    .build();
            Runbook rb = scenario.runbook();
            report = engine.apply(rb, engine.plan(rb));
        }

        assertThat(report)
                .succeeded()
                .step("stop-consumers")
                .hasOutcome(Outcome.CHANGED)
                .and()
                .step(skipStep())
                .hasOutcome(Outcome.CHANGED)
                .verificationPassed()
                .and()
                .step("start-consumers")
                .hasOutcome(Outcome.CHANGED);
        // read back from the broker and the cluster
        assertThat(broker.committed(scenario.group()).get(p0)).isGreaterThan(poison);
        assertThat(scenario.lag().total()).isLessThan(ConsumerLagPoisonMessage.RESOLVED_LAG);
        assertThat(scenario.readyConsumers()).isEqualTo(6);
        assertThat(scenario.fixed()).isTrue();
        List<JsonNode> records = AuditLogVerifier.verify(auditFile);
        assertThat(records)
                .extracting(r -> r.path("event").path("type").asText())
                .contains("RUN_STARTED", "APPROVAL_GRANTED", "MANUAL_CONFIRMED", "RUN_FINISHED");
    }
}
