package dev.runbook.elasticsearch;

import static dev.runbook.elasticsearch.TestCluster.createIndex;
import static dev.runbook.elasticsearch.TestCluster.indices;
import static dev.runbook.elasticsearch.TestCluster.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Guards;
import dev.runbook.core.Outcome;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.test.ActionContract;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeleteIndicesIT extends ActionContract<DeleteIndices> {
    private static ElasticsearchActions es;

    @BeforeAll
    static void connect() {
        es = ElasticsearchActions.connect(TestCluster.url());
    }

    @AfterAll
    static void close() {
        es.close();
    }

    /** Three old monthly indices to delete, and next to them what must be kept. */
    private static final Map<String, String> FIXTURE = new LinkedHashMap<>();

    static {
        FIXTURE.put("orders-2025-01", "{}");
        FIXTURE.put("orders-2025-02", "{}");
        FIXTURE.put("orders-2025-03", "{}");
        FIXTURE.put("orders-2025-04", "{\"aliases\":{\"orders-read\":{}}}");
        FIXTURE.put("orders-2025-05", "{\"aliases\":{\"orders\":{\"is_write_index\":true}}}");
        FIXTURE.put("orders-2025-hid", "{\"settings\":{\"index.hidden\":true}}");
        FIXTURE.put("orders-2026-01", "{}");
    }

    private static final Map<String, String> FIXTURE_ALIASES = Map.of(
            "orders-2025-04", "{\"orders-read\":{}}", "orders-2025-05", "{\"orders\":{\"is_write_index\":true}}");

    /** Puts the fixture back, touching only what the last test changed (creating indices is slow). */
    @BeforeEach
    void seed() {
        Map<String, com.fasterxml.jackson.databind.JsonNode> aliases = TestCluster.aliases("orders-*");
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e : aliases.entrySet()) {
            String want = FIXTURE_ALIASES.getOrDefault(e.getKey(), "{}");
            if (!FIXTURE.containsKey(e.getKey())
                    || !e.getValue()
                            .equals(dev.runbook.core.Json.read(want, com.fasterxml.jackson.databind.JsonNode.class))) {
                wrong.add(e.getKey());
            }
        }
        TestCluster.deleteIndices(wrong);
        Map<String, String> missing = new LinkedHashMap<>(FIXTURE);
        missing.keySet().removeAll(indices("orders-*").keySet());
        TestCluster.createIndices(missing);
        if (missing.containsKey("orders-2025-01")) {
            TestCluster.docs("orders-2025-01", 5);
        }
        ok("PUT", "/orders-*/_settings?expand_wildcards=all", "{\"index.blocks.read_only\":null}");
    }

    @Override
    protected DeleteIndices action() {
        return es.deleteIndices("orders-2025-*").minAge(Duration.ZERO);
    }

    @Override
    protected Object snapshot() {
        return List.of(indices("orders-*"), TestCluster.aliases("orders-*"));
    }

    @Override
    protected void moveTheWorld() {
        ok("POST", "/_aliases", "{\"actions\":[{\"add\":{\"index\":\"orders-2025-02\",\"alias\":\"orders-late\"}}]}");
    }

    @Override
    protected Map<String, DeleteIndices> variants() {
        Map<String, DeleteIndices> v = new LinkedHashMap<>();
        v.put("pattern", es.deleteIndices("orders-2025-0*").minAge(Duration.ZERO));
        v.put("minAge", action().minAge(Duration.ofSeconds(1)));
        v.put("maxIndices", action().maxIndices(499));
        v.put("maxBytes", action().maxBytes(1L << 40));
        v.put("includeHidden", action().includeHidden());
        v.put("includeSystem", action().includeSystem());
        v.put("includeDataStreamIndices", action().includeDataStreamIndices());
        v.put("includeAliased", action().includeAliased());
        v.put("includeWriteIndices", action().includeWriteIndices());
        v.put("protect", action().protect("orders-2025-03"));
        return v;
    }

    private static Map<String, String> bodies(List<String> names) {
        Map<String, String> out = new LinkedHashMap<>();
        names.forEach(n -> out.put(n, "{}"));
        return out;
    }

    private static ActionContext ctx() {
        return ActionContext.standalone();
    }

    @Test
    void dryRunListsEveryMatchingIndexWithItsFactsAndWhyItIsKept() {
        Map<String, String> before = indices("orders-*");
        StepPlan plan = action().plan(ctx());
        DeleteIndicesDryRun dry = plan.details(DeleteIndicesDryRun.class);
        assertThat(dry.deleting()).isEqualTo(3);
        assertThat(dry.requests()).isEqualTo(1);
        Map<String, String> why = new LinkedHashMap<>();
        dry.indices().forEach(e -> why.put(e.index().name(), String.valueOf(e.excludedBecause())));
        assertThat(why)
                .containsEntry("orders-2025-01", "null")
                .containsEntry("orders-2025-04", "has alias orders-read (.includeAliased())")
                .containsEntry("orders-2025-05", "write index of alias orders (.includeWriteIndices())")
                .containsEntry("orders-2025-hid", "hidden (.includeHidden())")
                .doesNotContainKey("orders-2026-01");
        IndexInfo first = dry.indices().get(0).index();
        assertThat(first.docs()).isEqualTo(5);
        assertThat(first.bytes()).isPositive();
        assertThat(first.health()).isEqualTo("green");
        assertThat(first.status()).isEqualTo("open");
        assertThat(first.created()).isNotNull();
        assertThat(dry.toString())
                .contains("orders-2025-05", "orders (write)", "write index of alias orders")
                .contains("delete 3");
        assertThat(plan.summary())
                .contains("delete 3 indices matching 'orders-2025-*'", "in 1 request", "3 matching indices are kept");
        assertThat(plan.resources()).containsExactly("orders-2025-01", "orders-2025-02", "orders-2025-03");
        assertThat(indices("orders-*")).isEqualTo(before);
    }

    @Test
    void applyDeletesExactlyTheReviewedNames_neverAWildcard_andVerifies() throws Exception {
        try (TcpProxy proxy = new TcpProxy(TestCluster.server().httpPort());
                ElasticsearchActions viaProxy = ElasticsearchActions.connect(proxy.url())) {
            DeleteIndices cleanup = viaProxy.deleteIndices("orders-2025-*").minAge(Duration.ZERO);
            StepPlan plan = cleanup.plan(ctx());
            createIndex("orders-2025-07"); // after the review: must survive
            ApplyResult r = cleanup.apply(plan, ctx());
            assertThat(r.outcome()).isEqualTo(Outcome.CHANGED);
            assertThat(r.count("deleted")).isEqualTo(3);
            assertThat(r.summary())
                    .contains("1 index matching the pattern appeared since the plan and was left: [orders-2025-07]");
            assertThat(cleanup.verify(plan, r, ctx()).ok()).isTrue();
            List<String> deletes = proxy.requests().stream()
                    .filter(l -> l.startsWith("DELETE "))
                    .toList();
            assertThat(deletes).hasSize(1);
            assertThat(deletes.get(0))
                    .doesNotContain("*")
                    .matches("DELETE /orders-2025-01(%2C|,)orders-2025-02(%2C|,)orders-2025-03\\?.*")
                    .contains("expand_wildcards=none");
        }
        assertThat(indices("orders-*").keySet())
                .containsExactly(
                        "orders-2025-04", "orders-2025-05", "orders-2025-07", "orders-2025-hid", "orders-2026-01");
    }

    @Test
    void optInsDeleteAliasedWriteAndHiddenIndices_andTheirAliasesGoWithThem() {
        DeleteIndices all = action().includeHidden().includeAliased().includeWriteIndices();
        StepPlan plan = all.plan(ctx());
        assertThat(plan.radius("indices")).isEqualTo(6);
        assertThat(all.apply(plan, ctx()).outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(indices("orders-*").keySet()).containsExactly("orders-2026-01");
        assertThat(TestCluster.send("GET", "/_alias/orders", null).status()).isEqualTo(404);
    }

    @Test
    void indicesNewerThanMinAgeAreKeptByTheContextsClock() {
        StepPlan fresh = es.deleteIndices("orders-2025-*").plan(ctx()); // default minAge: one day
        assertThat(fresh.isNoop()).isTrue();
        assertThat(fresh.summary()).contains("newer than minAge");
        ActionContext twoDaysLater = ActionContext.builder()
                .clock(Clock.offset(Clock.systemUTC(), Duration.ofDays(2)))
                .build();
        assertThat(es.deleteIndices("orders-2025-*").plan(twoDaysLater).radius("indices"))
                .isEqualTo(3);
    }

    @Test
    void protectedNamesAreKept_fromTheGuardsAndFromProtect() {
        ActionContext guarded = ActionContext.builder()
                .guards(Guards.builder().protect("orders-2025-01").build())
                .build();
        StepPlan plan = action().protect("orders-2025-02").plan(guarded);
        assertThat(plan.resources()).containsExactly("orders-2025-03");
        assertThat(plan.details(DeleteIndicesDryRun.class).toString())
                .contains("protected by 'orders-2025-01'", "protected by 'orders-2025-02'");
    }

    @Test
    void systemIndicesAreKeptEvenWhenThePatternNamesThem() {
        TestSupport.ensureTasksIndex();
        Map<String, String> before = indices(".tasks");
        assertThat(before).containsKey(".tasks");
        StepPlan plan =
                es.deleteIndices(".tas*").minAge(Duration.ZERO).includeHidden().plan(ctx());
        assertThat(plan.isNoop()).isTrue();
        assertThat(plan.summary()).contains("1 system index [.tasks]");
        assertThat(es.deleteIndices(".tas*")
                        .minAge(Duration.ZERO)
                        .apply(plan, ctx())
                        .outcome())
                .isEqualTo(Outcome.UNCHANGED);
        assertThat(indices(".tasks")).isEqualTo(before);
        // Guards.defaults() protects dot-names as well
        ActionContext defaults =
                ActionContext.builder().guards(Guards.defaults()).build();
        assertThat(es.deleteIndices(".tas*")
                        .minAge(Duration.ZERO)
                        .includeSystem()
                        .plan(defaults)
                        .summary())
                .contains("protected");
    }

    @Test
    void dataStreamBackingIndicesAreKept_andWhenOptedInTheWriteOneStaysOutOfThePlan() {
        TestSupport.dataStream("logs-rb-app");
        ok("POST", "/logs-rb-app/_rollover", null);
        List<String> backing = new ArrayList<>();
        ok("GET", "/_resolve/index/logs-rb-app", null)
                .at("/data_streams/0/backing_indices")
                .forEach(n -> backing.add(n.asText()));
        String write = backing.get(backing.size() - 1); // Elasticsearch's write index is the last generation
        List<String> older = backing.subList(0, backing.size() - 1);
        DeleteIndices ds = es.deleteIndices(".ds-logs-rb-app-*").minAge(Duration.ZERO);
        StepPlan kept = ds.plan(ctx());
        assertThat(kept.isNoop()).isTrue();
        assertThat(kept.summary()).contains("data stream backing");
        DeleteIndices optIn = ds.includeDataStreamIndices();
        StepPlan plan = optIn.plan(ctx());
        assertThat(plan.resources()).containsExactlyElementsOf(older);
        assertThat(plan.details(DeleteIndicesDryRun.class).toString())
                .contains(write, "write index of data stream logs-rb-app", "POST logs-rb-app/_rollover");
        ApplyResult r = optIn.apply(plan, ctx());
        assertThat(r.outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(r.count("deleted")).isEqualTo(older.size());
        assertThat(indices(".ds-logs-rb-app-*").keySet()).containsExactly(write);
    }

    @Test
    void aPatternMatchingNothingIsAnUnchangedPlanThatSaysSo() {
        StepPlan plan = es.deleteIndices("orderz-2025-*").plan(ctx());
        assertThat(plan.isNoop()).isTrue();
        assertThat(plan.summary()).contains("no index matches 'orderz-2025-*'");
        assertThat(es.deleteIndices("orderz-2025-*").apply(plan, ctx()).outcome())
                .isEqualTo(Outcome.UNCHANGED);
    }

    @Test
    void badPatternsAreRefusedBeforeAnyRequest() {
        Map<String, String> before = indices("orders-*");
        long requests = es.requestsSent();
        for (String pattern : List.of("", "*", "_all", "orders-*,-orders-2026*", "-orders-*", "Orders-*")) {
            assertThatThrownBy(() -> es.deleteIndices(pattern).plan(ctx()))
                    .as(pattern)
                    .isInstanceOf(RefusedException.class)
                    .hasMessageContaining("pattern");
        }
        assertThat(es.requestsSent()).isEqualTo(requests);
        assertThat(indices("orders-*")).isEqualTo(before);
    }

    @Test
    void budgetsRefuseRatherThanClamp() {
        Map<String, String> before = indices("orders-*");
        assertThatThrownBy(() -> action().maxIndices(2).plan(ctx()))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("would delete 3 indices")
                .hasMessageContaining(".maxIndices(3)");
        assertThatThrownBy(() -> action().maxBytes(100).plan(ctx()))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("more than maxBytes 100");
        assertThat(indices("orders-*")).isEqualTo(before);
    }

    @Test
    void maxBytesRefusesIndicesWhoseSizeIsUnknown_aClosedIndexIsNotZeroBytes() {
        createIndex("archive-2025.01.15");
        createIndex("archive-2025.01.31");
        try {
            TestCluster.docs("archive-2025.01.15", 500);
            ok("POST", "/archive-2025.01.15/_close", null);
            Map<String, String> before = indices("archive-*");
            DeleteIndices budgeted =
                    es.deleteIndices("archive-2025.*").minAge(Duration.ZERO).maxBytes(1L << 20);
            assertThatThrownBy(() -> budgeted.plan(ctx()))
                    .isInstanceOf(RefusedException.class)
                    .hasMessageContaining("size of 1 index is unknown")
                    .hasMessageContaining("archive-2025.01.15 (closed)")
                    .hasMessageContaining("maxBytes")
                    .hasMessageContaining("POST archive-2025.01.15/_open");
            // without a byte budget the plan proceeds, and says what it could not size
            StepPlan plan =
                    es.deleteIndices("archive-2025.*").minAge(Duration.ZERO).plan(ctx());
            assertThat(plan.radius("indices")).isEqualTo(2);
            assertThat(plan.summary()).contains("size unknown for 1: archive-2025.01.15 (closed)");
            assertThat(indices("archive-*")).isEqualTo(before);
        } finally {
            TestCluster.deleteAll("archive-*");
        }
    }

    @Test
    void aPatternNamingAnAliasOrADataStreamSaysSoInsteadOfNoIndexMatches() {
        StepPlan alias = es.deleteIndices("orders").minAge(Duration.ZERO).plan(ctx());
        assertThat(alias.isNoop()).isTrue();
        assertThat(alias.summary())
                .contains("'orders' is an alias (of orders-2025-05)")
                .contains("name the indices");
        TestSupport.dataStream("logs-rb-app");
        StepPlan stream = es.deleteIndices("logs-rb-ap*").minAge(Duration.ZERO).plan(ctx());
        assertThat(stream.isNoop()).isTrue();
        assertThat(stream.summary())
                .contains("data stream logs-rb-app")
                .contains(".ds-logs-rb-app-")
                .contains(".includeDataStreamIndices()");
    }

    @Test
    void aReadOnlyIndexInAChunkIsReported_theOthersAreDeleted_andARerunRetriesOnlyIt() {
        ok("PUT", "/orders-2025-02/_settings", "{\"index.blocks.read_only\":true}");
        StepPlan plan = action().plan(ctx());
        ApplyResult r = action().apply(plan, ctx());
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.count("deleted")).isEqualTo(2);
        assertThat(r.count("failed")).isEqualTo(1);
        assertThat(r.count("requests"))
                .isEqualTo(5); // 3 names: refused, then [01] ok, [02,03] refused, [02] refused, [03] ok
        assertThat(r.summary()).contains("orders-2025-02", "cluster_block_exception", "index.blocks.read_only");
        assertThat(indices("orders-2025-0*").keySet())
                .containsExactly("orders-2025-02", "orders-2025-04", "orders-2025-05");
        assertThat(action().verify(plan, r, ctx()).ok()).isFalse();

        ok("PUT", "/orders-2025-02/_settings", "{\"index.blocks.read_only\":null}");
        StepPlan rerun = action().plan(ctx());
        assertThat(rerun.resources()).containsExactly("orders-2025-02");
        assertThat(action().apply(rerun, ctx()).count("deleted")).isEqualTo(1);
        assertThat(indices("orders-2025-0*").keySet()).containsExactly("orders-2025-04", "orders-2025-05");
    }

    @Test
    void anIndexDeletedByOthersMidRunIsCountedAsVanished_andTheRestOfItsChunkIsStillDeleted() {
        List<String> names = TestSupport.longNames("orders-2025-x", 30); // about 14 names per request
        TestCluster.createIndices(bodies(names));
        DeleteIndices many = action().maxIndices(100);
        StepPlan plan = many.plan(ctx());
        assertThat(plan.details(DeleteIndicesDryRun.class).requests()).isGreaterThanOrEqualTo(3);
        String victim = names.get(names.size() - 1); // in the last request
        AtomicBoolean done = new AtomicBoolean();
        ActionContext sneaky = ActionContext.builder()
                .progress((step, what, n, total) -> {
                    if (done.compareAndSet(false, true)) {
                        TestCluster.ok("DELETE", "/" + victim, null);
                    }
                })
                .build();
        ApplyResult r = many.apply(plan, sneaky);
        assertThat(r.outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(r.count("vanished")).isEqualTo(1);
        assertThat(r.count("deleted")).isEqualTo(names.size() + 3 - 1);
        assertThat(r.items()).anySatisfy(i -> assertThat(i.item()).isEqualTo(victim));
        assertThat(indices("orders-2025-x*")).isEmpty();
    }

    @Test
    void theServerGoingAwayMidRunSaysWhatWasDeleted_andANewPlanFinishesTheJob() throws Exception {
        List<String> names = TestSupport.longNames("orders-2025-y", 30);
        TestCluster.createIndices(bodies(names));
        List<Long> progress = new ArrayList<>();
        try (TcpProxy proxy = new TcpProxy(TestCluster.server().httpPort());
                ElasticsearchActions viaProxy = ElasticsearchActions.connect(proxy.url())) {
            DeleteIndices many = viaProxy.deleteIndices("orders-2025-*")
                    .minAge(Duration.ZERO)
                    .maxIndices(100);
            StepPlan plan = many.plan(ctx());
            ActionContext cutAfterFirst = ActionContext.builder()
                    .progress((step, what, n, total) -> {
                        progress.add(n);
                        proxy.cut();
                    })
                    .build();
            assertThatThrownBy(() -> many.apply(plan, cutAfterFirst))
                    .isInstanceOf(TargetUnavailableException.class)
                    .hasMessageContaining("were deleted before it")
                    .hasMessageContaining("Plan again");
        }
        assertThat(progress).hasSize(1);
        int left = indices("orders-2025-*").size() - 3; // 04, 05 and the hidden one are kept
        assertThat(left).isEqualTo(names.size() + 3 - progress.get(0));
        StepPlan rerun = action().maxIndices(100).plan(ctx());
        assertThat(rerun.radius("indices")).isEqualTo(left);
        assertThat(action().maxIndices(100).apply(rerun, ctx()).count("deleted"))
                .isEqualTo(left);
        assertThat(indices("orders-2025-*").keySet())
                .containsExactly("orders-2025-04", "orders-2025-05", "orders-2025-hid");
    }

    @Test
    void anUnreachableServerIsATargetUnavailableExceptionNamingIt() {
        try (ElasticsearchActions nowhere =
                ElasticsearchActions.connect("http://127.0.0.1:" + TestSupport.closedPort())) {
            assertThatThrownBy(() -> nowhere.deleteIndices("orders-2025-*").plan(ctx()))
                    .isInstanceOf(TargetUnavailableException.class)
                    .hasMessageContaining("refused the connection")
                    .hasMessageContaining("127.0.0.1");
        }
    }

    @Test
    void onARedClusterThePlanWarns_andDeletingTheRedIndexWorks() {
        TestSupport.redIndex("orders-2025-red");
        StepPlan plan = action().plan(ctx());
        assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("cluster is red", "orders-2025-red"));
        assertThat(plan.resources()).contains("orders-2025-red");
        assertThat(action().apply(plan, ctx()).outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(es.clusterHealth().read().status()).isNotEqualTo("red");
    }
}
