package dev.runbook.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Json;
import dev.runbook.core.Outcome;
import dev.runbook.core.RunbookException;
import dev.runbook.core.StepPlan;
import dev.runbook.test.ActionContract;
import dev.runbook.test.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The task flow of {@link Reindex} (start with {@code wait_for_completion=false}, poll the tasks API,
 * cancel, report the response) against {@link DocumentedReindexApi}: an HTTP server in this test that
 * answers in the shapes Elasticsearch documents, because the zip the integration tests run has no
 * reindex module. Everything around the task (preconditions, counts, disk, alias swap) is tested on the
 * real node in {@code ReindexIT}.
 */
class ReindexTaskFlowOnDocumentedApiResponsesTest extends ActionContract<Reindex> {
    private DocumentedReindexApi api;
    private ElasticsearchActions es;

    @BeforeEach
    void start() throws Exception {
        api = new DocumentedReindexApi();
        es = ElasticsearchActions.connect(api.url());
    }

    @AfterEach
    void stop() {
        es.close();
        api.close();
    }

    @Override
    protected Reindex action() {
        return es.reindex("orders-v1", "orders-v2").pollInterval(Duration.ofMillis(10));
    }

    @Override
    protected Object snapshot() {
        return new LinkedHashMap<>(api.docs);
    }

    @Override
    protected void moveTheWorld() {
        api.docs.put("orders-v1", 7000L); // a writer still writes to the source
    }

    @Override
    protected Map<String, Reindex> variants() {
        return Map.of(
                "source", es.reindex("orders-v0", "orders-v2").pollInterval(Duration.ofMillis(10)),
                "dest", es.reindex("orders-v1", "orders-v3").pollInterval(Duration.ofMillis(10)),
                "slices", action().slices(4),
                "requestsPerSecond", action().requestsPerSecond(500),
                "timeout", action().timeout(Duration.ofMinutes(5)),
                "pollInterval", action().pollInterval(Duration.ofMillis(20)));
    }

    @Test
    void startsOneTaskWithTheDocumentedParameters_pollsItToTheEnd_andReportsItsResponse() {
        Reindex copy = action().slices(4).requestsPerSecond(500);
        List<long[]> progress = new ArrayList<>();
        ActionContext ctx = ActionContext.builder()
                .progress((step, what, done, total) -> progress.add(new long[] {done, total}))
                .build();
        StepPlan plan = copy.plan(ctx);
        assertThat(plan.summary())
                .contains(
                        "reindex 6,154 documents",
                        "from 'orders-v1' into 'orders-v2' as a task (slices 4, 500 docs/s)");
        assertThat(plan.details(ReindexDryRun.class).request())
                .contains(
                        "wait_for_completion=false", "slices=4", "requests_per_second=500.0", "\"op_type\":\"create\"");
        ApplyResult r = copy.apply(plan, ctx);
        assertThat(r.outcome()).as(r.summary()).isEqualTo(Outcome.CHANGED);
        assertThat(r.count("created")).isEqualTo(6154);
        assertThat(r.summary()).contains("task " + DocumentedReindexApi.NODE + ":12345", "6,154 created");
        assertThat(api.requests)
                .filteredOn(l -> l.startsWith("POST /_reindex"))
                .singleElement()
                .satisfies(l ->
                        assertThat(l).contains("wait_for_completion=false", "slices=4", "requests_per_second=500"));
        assertThat(Json.read(api.reindexBodies.get(0), com.fasterxml.jackson.databind.JsonNode.class)
                        .toString())
                .contains(
                        "\"conflicts\":\"proceed\"",
                        "\"op_type\":\"create\"",
                        "\"index\":[\"orders-v1\"]",
                        "\"index\":\"orders-v2\"");
        assertThat(api.requests).filteredOn(l -> l.startsWith("GET /_tasks/")).hasSize(2);
        assertThat(progress).singleElement().satisfies(p -> assertThat(p).containsExactly(3077, 6154));
        assertThat(copy.verify(plan, r, ctx).ok()).isTrue();
    }

    @Test
    void documentFailuresInTheResponseFailTheStep_andVerifyNamesTheMissingDocuments() {
        api.failures = Json.read(
                "[{\"index\":\"orders-v2\",\"id\":\"7\",\"cause\":{\"type\":\"document_parsing_exception\","
                        + "\"reason\":\"failed to parse field [amount] of type [scaled_float]\"},\"status\":400}]",
                com.fasterxml.jackson.databind.JsonNode.class);
        ActionContext ctx = ActionContext.standalone();
        StepPlan plan = action().plan(ctx);
        ApplyResult r = action().apply(plan, ctx);
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.summary()).contains("1 documents failed", "document_parsing_exception", "plan again");
        assertThat(action().verify(plan, r, ctx).message()).contains("documents are missing");
    }

    @Test
    void aTaskStillRunningAtTheTimeoutIsCancelled() {
        api.pollsUntilDone = 1_000;
        MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
        ActionContext ctx = ActionContext.builder().clock(clock).sleeper(clock).build();
        Reindex copy = action().timeout(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(10));
        StepPlan plan = copy.plan(ctx);
        ApplyResult r = copy.apply(plan, ctx);
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.summary()).contains("cancelled after the timeout of 60 s", "holds part of the copy");
        assertThat(api.cancelled).isTrue();
        assertThat(api.requests).filteredOn(l -> l.startsWith("GET /_tasks/")).hasSize(7);
    }

    @Test
    void anInterruptedApplyCancelsTheTask() {
        api.pollsUntilDone = 1_000;
        ActionContext ctx = ActionContext.builder()
                .sleeper(d -> {
                    throw new RunbookException("interrupted while waiting " + d);
                })
                .build();
        StepPlan plan = action().plan(ctx);
        assertThatThrownBy(() -> action().apply(plan, ctx))
                .isInstanceOf(RunbookException.class)
                .hasMessageContaining("the task was cancelled");
        assertThat(api.cancelled).isTrue();
    }

    @Test
    void aReindexStillRunningFromACrashedRunIsFollowed_notStartedTwice() {
        api.runningTask = DocumentedReindexApi.NODE + ":777";
        ActionContext ctx = ActionContext.standalone();
        StepPlan plan = action().plan(ctx);
        assertThat(plan.summary()).contains("follow the reindex task " + DocumentedReindexApi.NODE + ":777");
        ApplyResult r = action().apply(plan, ctx);
        assertThat(r.outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(api.requests).noneMatch(l -> l.startsWith("POST /_reindex"));
        assertThat(api.docs.get("orders-v2")).isEqualTo(6154L);
    }

    @Test
    void aTaskThatFailsAsAWholeFailsTheStep() {
        api.taskError = "index_not_found_exception";
        ActionContext ctx = ActionContext.standalone();
        ApplyResult r = action().apply(action().plan(ctx), ctx);
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.summary()).contains("the task failed: index_not_found_exception");
    }

    @Test
    void cancelFromAnotherThreadFindsTheRunningTask() {
        assertThat(action().cancel()).isFalse();
        api.runningTask = DocumentedReindexApi.NODE + ":778";
        assertThat(action().cancel()).isTrue();
        assertThat(api.requests).contains("POST /_tasks/" + DocumentedReindexApi.NODE + ":778/_cancel");
    }
}
