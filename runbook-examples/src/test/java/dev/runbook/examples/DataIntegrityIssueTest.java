package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.Outcome;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Step;
import dev.runbook.k8s.K8sActions;
import dev.runbook.k8s.ScaleDeployment;
import dev.runbook.k8s.test.SimulatedCluster;
import dev.runbook.kafka.KafkaActions;
import dev.runbook.test.RunbookFakes;
import dev.runbook.test.RunbookTest;
import dev.runbook.test.TestApprovals;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Seed 004 scenario 3 planned against fakes: stop all three, record, reset, fix, resume one. */
@RunbookTest
class DataIntegrityIssueTest {
    static SimulatedCluster cluster;
    static K8sActions k8s;
    static KafkaActions kafka;
    static final OffsetDateTime GOOD = OffsetDateTime.parse("2024-01-01T00:00:00Z");

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
    void followsTheSeed_stopRecordResetFixResume() {
        Runbook rb = DataIntegrityIssue.runbook(kafka, k8s, Path.of("offsets-snapshot.csv"), GOOD);

        assertThat(rb.id()).isEqualTo("DATA-INTEGRITY");
        assertThat(rb.steps())
                .extracting(Step::id)
                .containsExactly(
                        "group-exists",
                        "stop-event-ingester",
                        "stop-download-worker",
                        "stop-result-processor",
                        "group-empty",
                        "record-offsets",
                        "reset-to-datetime",
                        "fix-the-cause",
                        "resume-download-worker",
                        "download-worker-ready",
                        "tell-the-team");
        ScaleDeployment.Params resume = (ScaleDeployment.Params)
                ((Step.Act) rb.step("resume-download-worker")).action().parameters();
        assertThat(resume.replicas()).isEqualTo(6);
        assertThat(resume.afterScaleTo()).isZero();
        assertThat(((Step.Act) rb.step("reset-to-datetime"))
                        .action()
                        .parameters()
                        .toString())
                .contains("afterConsumersStop=true")
                .contains("2024-01-01T00:00Z");
    }

    @Test
    void appliesInTheSeedsOrder_theFixIsConfirmedBeforeTheResume(RunbookEngine engine, TestApprovals approvals) {
        RunbookFakes fakes = RunbookFakes.of(DataIntegrityIssue.runbook(kafka, k8s, Path.of("o.csv"), GOOD));
        fakes.probe("group-exists").set("Stable");
        fakes.probe("group-empty").set("Empty");
        fakes.probe("download-worker-ready").set(6);

        var report = engine.apply(fakes.runbook(), engine.plan(fakes.runbook()));

        assertThat(report).succeeded().step("reset-to-datetime").hasOutcome(Outcome.CHANGED);
        // the reset (destructive) is approved, the fix confirmed by a person before the resume step runs
        assertThat(approvals.askedFor()).containsSubsequence("reset-to-datetime", "fix-the-cause", "tell-the-team");
        assertThat(fakes.action("resume-download-worker").applies()).isEqualTo(1);
    }

    @Test
    void refusesBadParameters() {
        assertThatThrownBy(() -> DataIntegrityIssue.runbook(
                        kafka, k8s, "ns", List.of(), "g", "t", Path.of("o.csv"), GOOD, Map.of()))
                .hasMessageContaining("name the deployments");
        assertThatThrownBy(() -> DataIntegrityIssue.runbook(
                        kafka, k8s, "ns", List.of("a"), "g", "t", Path.of("o.csv"), GOOD, Map.of("b", 2)))
                .hasMessageContaining("resume b is not among the deployments stopped [a]");
    }
}
