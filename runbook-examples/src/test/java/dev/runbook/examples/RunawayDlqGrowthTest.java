package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.Outcome;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Step;
import dev.runbook.k8s.K8sActions;
import dev.runbook.k8s.test.SimulatedCluster;
import dev.runbook.kafka.KafkaActions;
import dev.runbook.test.RunbookFakes;
import dev.runbook.test.RunbookTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Seed 004 scenario 5 planned against fakes: pause, fix, replay one error class. */
@RunbookTest
class RunawayDlqGrowthTest {
    static final String ERROR = "com.xact.pipeline.DomainNotAllowedException";
    static SimulatedCluster cluster;
    static K8sActions k8s;
    static KafkaActions kafka;

    @BeforeAll
    static void start() {
        cluster = SimulatedCluster.start("pipeline");
        k8s = K8sActions.of(cluster.client(), "pipeline");
        kafka = KafkaActions.connect("127.0.0.1:1"); // never connects: every step is faked
    }

    @AfterAll
    static void stop() {
        kafka.close();
        cluster.close();
    }

    @Test
    void followsTheSeed_pauseFixReplayTheErrorClass() {
        Runbook rb = RunawayDlqGrowth.runbook(kafka, k8s, ERROR);

        assertThat(rb.id()).isEqualTo("DLQ-GROWTH");
        assertThat(rb.title()).contains("DomainNotAllowedException");
        assertThat(rb.steps())
                .extracting(Step::id)
                .containsExactly(
                        "dlq-has-error-class",
                        "pause-ingestion",
                        "fix-deployed",
                        "replay-error-class",
                        "error-class-drained",
                        "tell-the-team");
        assertThat(((Step.Act) rb.step("replay-error-class"))
                        .action()
                        .parameters()
                        .toString())
                .contains(ERROR);
        assertThat(((Step.Act) rb.step("pause-ingestion")).action().target())
                .isEqualTo("pipeline/kafka-pipeline/deployment/event-ingester");
    }

    @Test
    void pausesThenReplays(RunbookEngine engine) {
        RunbookFakes fakes = RunbookFakes.of(RunawayDlqGrowth.runbook(kafka, k8s, ERROR));
        fakes.probe("dlq-has-error-class").then(40L, 40L, 0L);

        var report = engine.apply(fakes.runbook(), engine.plan(fakes.runbook()));

        assertThat(report)
                .succeeded()
                .step("pause-ingestion")
                .hasOutcome(Outcome.CHANGED)
                .and()
                .step("replay-error-class")
                .hasOutcome(Outcome.CHANGED);
    }

    @Test
    void noRecordOfThatClassIsRefused(RunbookEngine engine) {
        RunbookFakes fakes = RunbookFakes.of(RunawayDlqGrowth.runbook(kafka, k8s, ERROR));
        fakes.probe("dlq-has-error-class").set(0L);

        assertThat(engine.plan(fakes.runbook()))
                .isNotReady()
                .hasStep("dlq-has-error-class")
                .isRefusedWith("does not hold");
        assertThat(fakes.action("pause-ingestion").applies()).isZero();
    }

    @Test
    void refusesABlankErrorClass() {
        assertThatThrownBy(() -> RunawayDlqGrowth.runbook(kafka, k8s, " "))
                .hasMessageContaining("name the error class");
    }
}
