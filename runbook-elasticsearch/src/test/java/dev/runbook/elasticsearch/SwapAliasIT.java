package dev.runbook.elasticsearch;

import static dev.runbook.elasticsearch.TestCluster.aliases;
import static dev.runbook.elasticsearch.TestCluster.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Outcome;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.test.ActionContract;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SwapAliasIT extends ActionContract<SwapAlias> {
    private static ElasticsearchActions es;

    @BeforeAll
    static void connect() {
        es = ElasticsearchActions.connect(TestCluster.url());
    }

    @AfterAll
    static void close() {
        es.close();
    }

    /** orders -> orders-v1 (write index); orders-v2 and orders-v3 wait with their corrected mapping. */
    @BeforeEach
    void seed() {
        Map<String, String> missing = new LinkedHashMap<>();
        for (String i : List.of("orders-v1", "orders-v2", "orders-v3")) {
            missing.put(i, "{}");
        }
        missing.keySet().removeAll(TestCluster.indices("orders-v*").keySet());
        TestCluster.createIndices(missing);
        ok("POST", "/orders-v1,orders-v2,orders-v3/_open", null);
        StringBuilder reset = new StringBuilder("{\"actions\":[");
        reset.append("{\"remove\":{\"index\":\"orders-v*\",\"alias\":\"*\",\"must_exist\":false}},");
        reset.append("{\"add\":{\"index\":\"orders-v1\",\"alias\":\"orders\",\"is_write_index\":true}}]}");
        ok("POST", "/_aliases", reset.toString());
    }

    private static ActionContext ctx() {
        return ActionContext.standalone();
    }

    @Override
    protected SwapAlias action() {
        return es.swapAlias("orders", "orders-v2");
    }

    @Override
    protected Object snapshot() {
        return aliases("orders-v*");
    }

    @Override
    protected void moveTheWorld() {
        ok("POST", "/_aliases", "{\"actions\":[{\"add\":{\"index\":\"orders-v3\",\"alias\":\"orders\"}}]}");
    }

    @Override
    protected Map<String, SwapAlias> variants() {
        return Map.of(
                "alias",
                es.swapAlias("orders-live", "orders-v2"),
                "index",
                es.swapAlias("orders", "orders-v3"),
                "from",
                action().from("orders-v1"),
                "restore",
                SwapAlias.of(
                        es.target(),
                        new SwapAlias.Params(
                                "orders",
                                "orders-v2",
                                null,
                                List.of(new AliasEntry("orders-v1", true, null, null, null, null)))));
    }

    @Test
    void anUnrelatedIndexWithAMetadataBlockDoesNotStopTheSwap() {
        TestCluster.createIndex("rb-locked-2025");
        ok("PUT", "/rb-locked-2025/_settings", "{\"index.blocks.metadata\":true}");
        try {
            SwapAlias swap = action().from("orders-v1");
            StepPlan plan = swap.plan(ctx());
            assertThat(plan.summary()).contains("from orders-v1 (write) to orders-v2 (write)");
            assertThat(swap.apply(plan, ctx()).outcome()).isEqualTo(Outcome.CHANGED);
            assertThat(aliases("orders-v*").get("orders-v2").has("orders")).isTrue();
        } finally {
            ok("PUT", "/rb-locked-2025/_settings", "{\"index.blocks.metadata\":null}");
            TestCluster.deleteAll("rb-locked-*");
        }
    }

    @Test
    void movesTheAliasWithItsWriteFlagInOneCall_andTheInverseRestoresIt() {
        SwapAlias swap = action().from("orders-v1");
        StepPlan plan = swap.plan(ctx());
        assertThat(plan.summary())
                .contains(
                        "move alias 'orders'",
                        "from orders-v1 (write) to orders-v2 (write)",
                        "one atomic _aliases call");
        ApplyResult r = swap.apply(plan, ctx());
        assertThat(r.count("actions")).isEqualTo(2);
        assertThat(swap.verify(plan, r, ctx()).ok()).isTrue();
        Map<String, JsonNode> now = aliases("orders-v*");
        assertThat(now.get("orders-v1")).isEmpty();
        assertThat(now.get("orders-v2").get("orders").get("is_write_index").asBoolean())
                .isTrue();

        Action back = swap.inverse(plan).orElseThrow();
        StepPlan backPlan = back.plan(ctx());
        assertThat(backPlan.summary()).contains("from orders-v2 (write) to orders-v1 (write)");
        back.apply(backPlan, ctx());
        now = aliases("orders-v*");
        assertThat(now.get("orders-v2")).isEmpty();
        assertThat(now.get("orders-v1").get("orders").get("is_write_index").asBoolean())
                .isTrue();
    }

    @Test
    void aFilteredRoutedAliasOnSeveralIndicesMovesWholeWithItsProperties_andComesBackWhole() {
        // filters travel through the client's query model, which writes them in their canonical form
        // ({"term":{"status":{"value":"paid"}}} for {"term":{"status":"paid"}}): same query, other bytes
        ok(
                "POST",
                "/_aliases",
                "{\"actions\":["
                        + "{\"add\":{\"index\":\"orders-v1\",\"alias\":\"paid\",\"is_write_index\":true,\"routing\":\"r1\","
                        + "\"filter\":{\"term\":{\"status\":{\"value\":\"paid\"}}}}},"
                        + "{\"add\":{\"index\":\"orders-v3\",\"alias\":\"paid\",\"filter\":{\"term\":{\"status\":{\"value\":\"paid\"}}}}}]}");
        Map<String, JsonNode> before = aliases("orders-v*");
        SwapAlias swap = es.swapAlias("paid", "orders-v2");
        StepPlan plan = swap.plan(ctx());
        assertThat(plan.summary()).contains("from orders-v1 (write) (filtered), orders-v3 (filtered) to orders-v2");
        swap.apply(plan, ctx());
        JsonNode moved = aliases("orders-v2").get("orders-v2").get("paid");
        assertThat(moved.get("filter").toString()).contains("\"status\"", "paid");
        assertThat(moved.get("index_routing").asText()).isEqualTo("r1");
        assertThat(aliases("orders-v*").get("orders-v3").has("paid")).isFalse();

        Action back = swap.inverse(plan).orElseThrow();
        back.apply(back.plan(ctx()), ctx());
        assertThat(aliases("orders-v*")).isEqualTo(before);
    }

    @Test
    void anAliasThatDoesNotExistIsCreated_andItsInverseRemovesIt() {
        SwapAlias create = es.swapAlias("orders-new", "orders-v2");
        StepPlan plan = create.plan(ctx());
        assertThat(plan.summary()).contains("from nothing to orders-v2");
        create.apply(plan, ctx());
        assertThat(aliases("orders-v2").get("orders-v2").has("orders-new")).isTrue();
        Action back = create.inverse(plan).orElseThrow();
        back.apply(back.plan(ctx()), ctx());
        assertThat(TestCluster.send("GET", "/_alias/orders-new", null).status()).isEqualTo(404);
    }

    @Test
    void badTargetsAreRefusedWithTheAliasUntouched() {
        Map<String, JsonNode> before = aliases("orders-v*");
        assertThatThrownBy(() -> es.swapAlias("orders", "orders-v9").plan(ctx()))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("index 'orders-v9' does not exist");
        assertThatThrownBy(() -> es.swapAlias("orders-v3", "orders-v2").plan(ctx()))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("is an index, not an alias");
        assertThatThrownBy(() -> action().from("orders-v3").plan(ctx()))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("points to [orders-v1], not [orders-v3]");
        assertThatThrownBy(() -> es.swapAlias("orders*", "orders-v2").plan(ctx()))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("not a valid alias name");
        ok("POST", "/orders-v3/_close", null);
        assertThatThrownBy(() -> es.swapAlias("orders", "orders-v3").plan(ctx()))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("is closed");
        ok("POST", "/orders-v3/_open", null);
        assertThat(aliases("orders-v*")).isEqualTo(before);
    }

    @Test
    void aRedTargetIsRefused_searchesThroughTheAliasWouldFail() {
        TestSupport.redIndex("orders-vred");
        try {
            assertThatThrownBy(() -> es.swapAlias("orders", "orders-vred").plan(ctx()))
                    .isInstanceOf(RefusedException.class)
                    .hasMessageContaining("is red");
        } finally {
            TestCluster.deleteIndices(List.of("orders-vred"));
        }
    }

    @Test
    void alreadyThereIsUnchanged() {
        SwapAlias same = es.swapAlias("orders", "orders-v1");
        StepPlan plan = same.plan(ctx());
        assertThat(plan.isNoop()).isTrue();
        assertThat(same.apply(plan, ctx()).outcome()).isEqualTo(Outcome.UNCHANGED);
    }

    @Test
    void anUnreachableServerIsTargetUnavailable() {
        try (ElasticsearchActions nowhere =
                ElasticsearchActions.connect("http://127.0.0.1:" + TestSupport.closedPort())) {
            assertThatThrownBy(() -> nowhere.swapAlias("orders", "orders-v2").plan(ctx()))
                    .isInstanceOf(TargetUnavailableException.class)
                    .hasMessageContaining("refused the connection");
        }
    }
}
