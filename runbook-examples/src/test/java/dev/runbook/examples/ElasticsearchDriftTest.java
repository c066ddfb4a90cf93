package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.Plan;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Step;
import dev.runbook.core.StepKind;
import dev.runbook.elasticsearch.ClusterHealth;
import dev.runbook.elasticsearch.ElasticsearchActions;
import dev.runbook.elasticsearch.IndexInfo;
import dev.runbook.elasticsearch.IndexListing;
import dev.runbook.test.RecordingAuditSink;
import dev.runbook.test.RunbookFakes;
import dev.runbook.test.RunbookTest;
import dev.runbook.test.TestApprovals;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** INC-009's shape and plan against fakes (nothing connects); applied on Elasticsearch in {@link ElasticsearchDriftIT}. */
@RunbookTest
class ElasticsearchDriftTest {
    static ElasticsearchActions es;

    @BeforeAll
    static void connect() {
        es = ElasticsearchActions.connect("http://127.0.0.1:1"); // never connects: everything is faked
    }

    @AfterAll
    static void close() {
        es.close();
    }

    static ClusterHealth health(String status) {
        return new ClusterHealth("smp", status, 1, 1, 7, 7, 0, 0, 0, 0, 0, 100.0, List.of());
    }

    static IndexListing v2(String... aliases) {
        return new IndexListing(
                "orders-v2",
                List.of(new IndexInfo(
                        "orders-v2",
                        "u2",
                        "green",
                        "open",
                        0L,
                        227L,
                        null,
                        List.of(aliases),
                        List.of(),
                        false,
                        false,
                        null)));
    }

    @Test
    void followsTheSeed() {
        Runbook rb = ElasticsearchDrift.runbook(es);

        assertThat(rb.id()).isEqualTo("INC-009");
        assertThat(rb.steps())
                .extracting(Step::id)
                .containsExactly(
                        "the-cluster-answers",
                        "the-target-index-exists",
                        "tell-the-team",
                        "delete-the-old-indices",
                        "reindex-orders-v1-into-orders-v2",
                        "swap-alias-orders-to-orders-v2",
                        "the-cluster-is-not-red",
                        "orders-serves-orders-v2",
                        "point-the-sink-and-resolve");
        assertThat(rb.steps())
                .extracting(Step::kind)
                .containsExactly(
                        StepKind.PRECHECK,
                        StepKind.PRECHECK,
                        StepKind.MANUAL,
                        StepKind.ACTION,
                        StepKind.ACTION,
                        StepKind.ACTION,
                        StepKind.VERIFY,
                        StepKind.VERIFY,
                        StepKind.MANUAL);
        Step.Act delete = (Step.Act) rb.step("delete-the-old-indices");
        assertThat(delete.action().destructive()).isTrue();
        assertThat(delete.action().parameters().toString())
                .contains("orders-2025-*")
                .contains("24");
    }

    @Test
    void withFakes_deletesReindexesAndSwaps_inOrder(
            RunbookEngine engine, RecordingAuditSink audit, TestApprovals approvals) {
        RunbookFakes fakes = RunbookFakes.of(ElasticsearchDrift.runbook(es));
        fakes.probe("the-cluster-answers").then(health("red"), health("red"), health("green"));
        fakes.probe("the-target-index-exists").then(v2(), v2(), v2("orders"));
        fakes.action("delete-the-old-indices").blastRadius("indices", 6);

        Plan plan = engine.plan(fakes.runbook());
        assertThat(plan)
                .isReady()
                .hasStep("delete-the-old-indices")
                .withBlastRadius("indices", 6)
                .requiresApproval();
        assertThat(engine.apply(fakes.runbook(), plan)).succeeded();

        assertThat(fakes.actions().values())
                .allSatisfy(a -> assertThat(a.applies()).isEqualTo(1));
        assertThat(approvals.askedFor()).contains("delete-the-old-indices");
        audit.assertPaired();
    }

    @Test
    void withFakes_aMissingTargetIndex_isRefusedAtPlanTime(RunbookEngine engine) {
        RunbookFakes fakes = RunbookFakes.of(ElasticsearchDrift.runbook(es));
        fakes.probe("the-cluster-answers").set(health("yellow"));
        fakes.probe("the-target-index-exists").set(new IndexListing("orders-v2", List.of()));

        assertThat(engine.plan(fakes.runbook()))
                .isNotReady()
                .hasRefusalContaining("precheck 'orders-v2 exists for the corrected mapping' does not hold");
        assertThat(fakes.actions().values())
                .allSatisfy(a -> assertThat(a.applies()).isZero());
    }

    @Test
    void refusesBadParameters() {
        Duration day = Duration.ofDays(1);
        assertThatThrownBy(
                        () -> ElasticsearchDrift.runbook(es, "orders-2025-*", 24, 1L << 30, day, "orders", "v1", "v1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reindex into a new index");
        assertThatThrownBy(() -> ElasticsearchDrift.runbook(es, " ", 24, 1L << 30, day, "orders", "v1", "v2"))
                .hasMessageContaining("oldIndices is missing");
        assertThatThrownBy(
                        () -> ElasticsearchDrift.runbook(es, "orders-2025-*", 0, 1L << 30, day, "orders", "v1", "v2"))
                .hasMessageContaining("delete budget");
        assertThatThrownBy(() -> ElasticsearchDrift.runbook(
                        es, "orders-2025-*", 24, 1L << 30, Duration.ofDays(-1), "orders", "v1", "v2"))
                .hasMessageContaining("minAge must be >= 0");
    }
}
