package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.Outcome;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Step;
import dev.runbook.core.StepKind;
import dev.runbook.core.StepPlan;
import dev.runbook.k8s.K8sActions;
import dev.runbook.k8s.test.SimulatedCluster;
import dev.runbook.kafka.KafkaActions;
import dev.runbook.kafka.PartitionHealth;
import dev.runbook.test.RunbookFakes;
import dev.runbook.test.RunbookTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** INC-006 planned against fakes (Kafka) and the simulated cluster (the kafka StatefulSet). */
@RunbookTest
class KafkaBrokerDownTest {
    static SimulatedCluster cluster;
    static K8sActions k8s;
    static KafkaActions kafka;

    static final PartitionHealth DEGRADED =
            new PartitionHealth(36, List.of("orders.events-0", "orders.events-3"), List.of());
    static final PartitionHealth HEALTHY = new PartitionHealth(36, List.of(), List.of());

    @BeforeAll
    static void start() {
        cluster = SimulatedCluster.start("smp-asia");
        cluster.createStatefulSet("smp-prod", "kafka", 3);
        k8s = K8sActions.of(cluster.client(), "smp-asia");
        kafka = KafkaActions.connect("127.0.0.1:1"); // never connects: every Kafka read is faked
    }

    @AfterAll
    static void stop() {
        kafka.close();
        cluster.close();
    }

    private static RunbookFakes fakes(PartitionHealth first) {
        RunbookFakes fakes = RunbookFakes.of(KafkaBrokerDown.runbook(kafka, k8s));
        fakes.probe("partitions-unhealthy").set(first);
        fakes.probe("partitions-healthy").then(DEGRADED, HEALTHY); // one broker still catching up, then whole
        fakes.probe("urp-zero").set(0);
        fakes.probe("brokers-up").set(3);
        fakes.action("restart-brokers").blastRadius("pods", 3);
        return fakes;
    }

    @Test
    void followsTheSeed_urpRestartTheStatefulSetUrpZero() {
        Runbook rb = KafkaBrokerDown.runbook(kafka, k8s);

        assertThat(rb.id()).isEqualTo("INC-006");
        assertThat(rb.steps())
                .extracting(Step::kind)
                .containsExactly(
                        StepKind.PRECHECK,
                        StepKind.ACTION,
                        StepKind.WAIT,
                        StepKind.VERIFY,
                        StepKind.VERIFY,
                        StepKind.MANUAL);
        assertThat(((Step.Act) rb.step("restart-brokers")).action().target())
                .isEqualTo("smp-asia/smp-prod/statefulset/kafka");
    }

    @Test
    void restartsOnceAndWaitsForFullReplication(RunbookEngine engine) {
        RunbookFakes fakes = fakes(DEGRADED);

        var report = engine.apply(fakes.runbook(), engine.plan(fakes.runbook()));

        assertThat(report)
                .succeeded()
                .step("restart-brokers")
                .hasOutcome(Outcome.CHANGED)
                .and()
                .step("urp-zero")
                .hasOutcome(Outcome.UNCHANGED);
        assertThat(fakes.action("restart-brokers").applies()).isEqualTo(1);
    }

    @Test
    void aHealthyClusterIsRefused_nothingIsRestarted(RunbookEngine engine) {
        RunbookFakes fakes = fakes(HEALTHY);

        assertThat(engine.plan(fakes.runbook()))
                .isNotReady()
                .hasStep("partitions-unhealthy")
                .isRefusedWith("does not hold");
        assertThat(fakes.action("restart-brokers").applies()).isZero();
    }

    @Test
    void theRestartPlansAgainstTheStatefulSetAndWritesNothing() {
        Step.Act restart = (Step.Act) KafkaBrokerDown.runbook(kafka, k8s).step("restart-brokers");
        String before = cluster.client()
                .apps()
                .statefulSets()
                .inNamespace("smp-prod")
                .withName("kafka")
                .get()
                .getMetadata()
                .getResourceVersion();

        StepPlan plan = restart.action().plan(ActionContext.standalone());

        assertThat(plan.summary()).contains("statefulset/kafka");
        assertThat(cluster.client()
                        .apps()
                        .statefulSets()
                        .inNamespace("smp-prod")
                        .withName("kafka")
                        .get()
                        .getMetadata()
                        .getResourceVersion())
                .isEqualTo(before);
    }

    @Test
    void refusesBadParameters() {
        assertThatThrownBy(() -> KafkaBrokerDown.runbook(kafka, k8s, "smp-prod", "kafka", 0, Duration.ofMinutes(1)))
                .hasMessageContaining("at least 1 broker");
        assertThatThrownBy(() -> KafkaBrokerDown.runbook(kafka, k8s, "smp-prod", "kafka", 3, Duration.ZERO))
                .hasMessageContaining("must be > 0");
    }
}
