package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Step;
import dev.runbook.core.StepKind;
import dev.runbook.core.StepPlan;
import dev.runbook.k8s.K8sActions;
import dev.runbook.k8s.ScaleDeployment;
import dev.runbook.k8s.test.SimulatedCluster;
import dev.runbook.kafka.KafkaActions;
import dev.runbook.test.RunbookFakes;
import dev.runbook.test.RunbookTest;
import dev.runbook.test.TestApprovals;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * INC-007 planned against fakes (every Kafka read and write) and the simulated cluster (the consumer
 * Deployment): the seed's shape, and the refusals before any write.
 */
@RunbookTest
class ConsumerLagPoisonMessageTest {
    static SimulatedCluster cluster;
    static K8sActions k8s;
    static KafkaActions kafka;

    static final String STOP = "stop-consumers";
    static final String SKIP = "skip-poison-message";
    static final String START = "start-consumers";

    @BeforeAll
    static void start() {
        cluster = SimulatedCluster.start("smp-asia");
        cluster.createDeployment("smp-prod", "dispatch-engine", 3);
        k8s = K8sActions.of(cluster.client(), "smp-asia");
        kafka = KafkaActions.connect("127.0.0.1:1"); // never connects: every Kafka step is faked
    }

    @AfterAll
    static void stop() {
        kafka.close();
        cluster.close();
    }

    /**
     * The lag probe is read by the precheck (at plan and again at apply) and then by the wait; the
     * committed-offset probe by the precheck (twice) and the verification: one fake each, read in order.
     */
    private static RunbookFakes fakes(long lag, long committed, int partitions) {
        RunbookFakes fakes = RunbookFakes.of(ConsumerLagPoisonMessage.runbook(kafka, k8s, 15234));
        fakes.probe("lag-above-alert").then(lag, lag, 4_000L, 12L);
        fakes.probe("stuck-at-poison-message").then(committed, committed, 15_300L);
        fakes.probe("consumers-fit-partitions").set(partitions);
        fakes.probe("group-empty").set("Empty");
        fakes.action(SKIP).blastRadius("partitions", 1).blastRadius("messagesSkipped", 1);
        fakes.action(START).blastRadius("replicas", 6);
        return fakes;
    }

    @Test
    void followsTheSeed_triageStopSkipScaleUpResolveCommunicate() {
        Runbook rb = ConsumerLagPoisonMessage.runbook(kafka, k8s, 15234);

        assertThat(rb.id()).isEqualTo("INC-007");
        assertThat(rb.service()).isEqualTo("dispatch-engine");
        assertThat(rb.links()).anyMatch(l -> l.contains("seeds/000 INC-007"));
        assertThat(rb.steps())
                .extracting(Step::kind)
                .containsExactly(
                        StepKind.PRECHECK,
                        StepKind.PRECHECK,
                        StepKind.PRECHECK,
                        StepKind.ACTION,
                        StepKind.WAIT,
                        StepKind.ACTION,
                        StepKind.ACTION,
                        StepKind.WAIT,
                        StepKind.VERIFY,
                        StepKind.MANUAL);
        Step.Act skip = (Step.Act) rb.step(SKIP);
        assertThat(skip.action().type()).isEqualTo("kafka.resetOffsets");
        assertThat(skip.action().destructive()).isTrue();
        Step.Act start = (Step.Act) rb.step(START);
        ScaleDeployment.Params scale = (ScaleDeployment.Params) start.action().parameters();
        assertThat(scale.replicas()).isEqualTo(6);
        assertThat(scale.atMost()).isEqualTo("partitions of orders.events"); // the bound comes from Kafka
        assertThat(((Step.Act) rb.step(STOP)).action().target())
                .isEqualTo("smp-asia/smp-prod/deployment/dispatch-engine");
    }

    @Test
    void plansStopSkipAndScaleUp(RunbookEngine engine) {
        RunbookFakes fakes = fakes(13_266, 15_234, 12);

        Plan plan = engine.plan(fakes.runbook());

        assertThat(plan)
                .isReady()
                .hasStep(SKIP)
                .withBlastRadius("messagesSkipped", 1)
                .requiresApproval()
                .and()
                .hasStep(START)
                .withBlastRadius("replicas", 6);
    }

    @Test
    void appliesInOrderAndResolves(RunbookEngine engine, TestApprovals approvals) {
        RunbookFakes fakes = fakes(13_266, 15_234, 12);

        var report = engine.apply(fakes.runbook(), engine.plan(fakes.runbook()));

        assertThat(report)
                .succeeded()
                .step(SKIP)
                .hasOutcome(Outcome.CHANGED)
                .and()
                .step("lag-below-resolved")
                .hasOutcome(Outcome.UNCHANGED);
        assertThat(fakes.action(STOP).applies()).isEqualTo(1);
        assertThat(fakes.action(SKIP).applies()).isEqualTo(1);
        assertThat(fakes.action(START).applies()).isEqualTo(1);
        assertThat(approvals.askedFor()).contains(SKIP, "tell-the-team");
    }

    @Test
    void moreConsumersThanPartitionsIsRefusedNotClamped(RunbookEngine engine) {
        RunbookFakes fakes = fakes(13_266, 15_234, 4); // the topic has 4 partitions, not 12

        Plan plan = engine.plan(fakes.runbook());

        assertThat(plan).isNotReady().hasStep("consumers-fit-partitions").isRefusedWith("does not hold");
        assertThat(fakes.actions().values()).allMatch(a -> a.applies() == 0);
    }

    @Test
    void aGroupNotStuckAtThatOffsetIsRefused(RunbookEngine engine) {
        RunbookFakes fakes = fakes(13_266, 15_240, 12); // it moved on: the offset given is not the poison

        assertThat(engine.plan(fakes.runbook()))
                .isNotReady()
                .hasStep("stuck-at-poison-message")
                .isRefusedWith("does not hold");
    }

    @Test
    void aLagBelowTheAlertIsRefused(RunbookEngine engine) {
        assertThat(engine.plan(fakes(800, 15_234, 12).runbook()))
                .isNotReady()
                .hasStep("lag-above-alert")
                .isRefusedWith("does not hold");
    }

    @Test
    void stoppingTheConsumersPlansAgainstTheClusterAndWritesNothing() {
        Runbook rb = ConsumerLagPoisonMessage.runbook(kafka, k8s, 15234);
        Step.Act stop = (Step.Act) rb.step(STOP);

        StepPlan plan = stop.action().plan(ActionContext.standalone());

        assertThat(plan.summary()).contains("from 3 to 0");
        assertThat(plan.blastRadius()).containsEntry("pods", 3L);
        assertThat(cluster.client()
                        .apps()
                        .deployments()
                        .inNamespace("smp-prod")
                        .withName("dispatch-engine")
                        .get()
                        .getSpec()
                        .getReplicas())
                .isEqualTo(3);
    }

    @Test
    void refusesBadParameters() {
        assertThatThrownBy(() -> runbook(-1, 6, 10_000, 1_000)).hasMessageContaining("poisonOffset >= 0");
        assertThatThrownBy(() -> runbook(5, 0, 10_000, 1_000)).hasMessageContaining("at least 1 consumer");
        assertThatThrownBy(() -> runbook(5, 6, 1_000, 10_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resolvedLag < alertLag");
    }

    private static Runbook runbook(long offset, int consumers, long alert, long resolved) {
        return ConsumerLagPoisonMessage.runbook(
                kafka,
                k8s,
                "smp-prod",
                "dispatch-engine",
                "dispatch-engine",
                "orders.events",
                0,
                offset,
                consumers,
                alert,
                resolved,
                Duration.ofMinutes(1));
    }
}
