package dev.runbook.elasticsearch;

import static dev.runbook.elasticsearch.TestCluster.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Everything around the reindex task on the real node: the preconditions, the counts, the disk check
 * against the watermarks, and the alias swap that follows. The task flow itself runs against documented
 * responses in {@link ReindexTaskFlowOnDocumentedApiResponsesTest}: this zip has no reindex module.
 */
class ReindexIT {
    private static final String MAPPING =
            "{\"mappings\":{\"properties\":{\"order\":{\"type\":\"long\"}," + "\"amount\":{\"type\":\"double\"}}}}";
    private static ElasticsearchActions es;
    private final ActionContext ctx = ActionContext.standalone();

    @BeforeAll
    static void connect() {
        es = ElasticsearchActions.connect(TestCluster.url());
    }

    @AfterAll
    static void close() {
        es.close();
    }

    @BeforeEach
    void seed() {
        TestCluster.deleteAll("sales-*");
        TestCluster.createIndices(Map.of(
                "sales-v1", "{\"aliases\":{\"sales\":{\"is_write_index\":true}}}",
                "sales-v2", MAPPING,
                "sales-v3", "{}"));
        TestCluster.docs("sales-v1", 50);
    }

    @Test
    void theDestinationMustExistWithItsMapping() {
        assertThatThrownBy(() -> es.reindex("sales-v1", "sales-v9").plan(ctx))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("destination index 'sales-v9' does not exist")
                .hasMessageContaining("create it with the corrected mapping first");
        assertThatThrownBy(() -> es.reindex("sales-v1", "sales-v3").plan(ctx))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("has no mapping");
        assertThatThrownBy(() -> es.reindex("sales-v1", "sales-v1").plan(ctx))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("is also the source");
        assertThatThrownBy(() -> es.reindex("sales-v0", "sales-v2").plan(ctx))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("neither an index nor an alias");
        assertThat(TestCluster.indices("sales-*").keySet()).containsExactly("sales-v1", "sales-v2", "sales-v3");
    }

    @Test
    void theDryRunCountsSizesAndShowsTheRequest_andAnAliasAsSourceWorks() {
        StepPlan plan = es.reindex("sales", "sales-v2").slices(0).plan(ctx);
        assertThat(plan.summary()).contains("reindex 50 documents", "from 'sales' into 'sales-v2'", "slices auto");
        ReindexDryRun dry = plan.details(ReindexDryRun.class);
        assertThat(dry.sourceDocs()).isEqualTo(50);
        assertThat(dry.bytes()).isPositive();
        assertThat(dry.headroomBytes()).isGreaterThan(dry.bytes());
        assertThat(dry.watermarks()).contains("high 20mb");
        assertThat(dry.toString()).contains("POST /_reindex?wait_for_completion=false&refresh=true&slices=auto");
        assertThat(TestCluster.count("sales-v2")).isZero();
    }

    @Test
    void aCopyLargerThanTheHeadroomBelowTheHighWatermarkIsRefused() {
        long avail = es.diskAllocation().read().nodes().get(0).availBytes();
        String high = (avail + (1L << 30)) + "b"; // more free space required than there is
        ok(
                "PUT",
                "/_cluster/settings",
                "{\"transient\":{"
                        + "\"cluster.routing.allocation.disk.watermark.low\":\"" + high + "\","
                        + "\"cluster.routing.allocation.disk.watermark.high\":\"" + high + "\","
                        + "\"cluster.routing.allocation.disk.watermark.flood_stage\":\"10mb\"}}");
        try {
            assertThat(es.diskAllocation().read().headroomBytes()).isZero();
            assertThatThrownBy(() -> es.reindex("sales-v1", "sales-v2").plan(ctx))
                    .isInstanceOf(RefusedException.class)
                    .hasMessageContaining("needs more disk than")
                    .hasMessageContaining("below the high watermark")
                    .hasMessageContaining("nothing was started");
        } finally {
            ok(
                    "PUT",
                    "/_cluster/settings",
                    "{\"transient\":{\"cluster.routing.allocation.disk.watermark.low\":null,"
                            + "\"cluster.routing.allocation.disk.watermark.high\":null,"
                            + "\"cluster.routing.allocation.disk.watermark.flood_stage\":null}}");
        }
    }

    @Test
    void aRedSourceIsRefused_itsMissingShardWouldBeMissingDocuments() {
        TestSupport.redIndex("sales-red");
        try {
            assertThatThrownBy(() -> es.reindex("sales-red", "sales-v2").plan(ctx))
                    .isInstanceOf(RefusedException.class)
                    .hasMessageContaining("source index 'sales-red'")
                    .hasMessageContaining("is red");
        } finally {
            TestCluster.deleteIndices(List.of("sales-red"));
        }
    }

    @Test
    void onThisZipApplySaysThereIsNoReindexModule_andStartsNothing() {
        Reindex copy = es.reindex("sales-v1", "sales-v2");
        StepPlan plan = copy.plan(ctx);
        assertThatThrownBy(() -> copy.apply(plan, ctx))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("has no _reindex API");
        assertThat(TestCluster.count("sales-v2")).isZero();
    }

    @Test
    void countsDecideWhetherThereIsWorkAndWhetherItIsVerified_thenTheAliasSwaps() {
        Reindex copy = es.reindex("sales-v1", "sales-v2");
        StepPlan plan = copy.plan(ctx);
        // what the reindex task would have written (this zip has none): 49 of the 50 documents
        TestCluster.docs("sales-v2", 49);
        Verification partial = copy.verify(plan, null, ctx);
        assertThat(partial.ok()).isFalse();
        assertThat(partial.message())
                .contains("'sales-v1' holds 50 documents and 'sales-v2' 49", "documents are missing");
        assertThat(copy.plan(ctx).summary()).contains("reindex 1 documents");

        TestCluster.docs("sales-v2", 50);
        assertThat(copy.verify(plan, null, ctx).ok()).isTrue();
        StepPlan again = copy.plan(ctx);
        assertThat(again.isNoop()).isTrue();
        assertThat(again.summary()).contains("'sales-v2' already holds 50 documents");

        SwapAlias swap = es.swapAlias("sales", "sales-v2").from("sales-v1");
        swap.apply(swap.plan(ctx), ctx);
        assertThat(TestCluster.aliases("sales-*")
                        .get("sales-v2")
                        .get("sales")
                        .get("is_write_index")
                        .asBoolean())
                .isTrue();
        assertThat(TestCluster.aliases("sales-*").get("sales-v1")).isEmpty();
    }
}
