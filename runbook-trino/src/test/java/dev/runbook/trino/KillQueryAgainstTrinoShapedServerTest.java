package dev.runbook.trino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.ApprovalGate;
import dev.runbook.core.BindingKey;
import dev.runbook.core.Guards;
import dev.runbook.core.Json;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.RefusedException;
import dev.runbook.core.Report;
import dev.runbook.core.RunStatus;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.StepPlan;
import dev.runbook.test.RecordingAuditSink;
import dev.runbook.trino.test.TrinoShapedServer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * KillQuery and QueuedQueries against {@link TrinoShapedServer}: an HTTP server that answers in Trino's
 * documented REST shape, NOT a real Trino (none can run here). The checks of the action contract are
 * written out: its stale-plan check does not apply, since a query that ends between plan and apply is
 * UNCHANGED by design, not a stale plan.
 */
class KillQueryAgainstTrinoShapedServerTest {

    static final String HEAVY = "20251207_031500_00042_abcde";
    static final String QUEUED = "20251207_032000_00043_abcde";
    static final String OTHER = "20251207_032100_00044_abcde";
    static final String DONE = "20251207_030000_00040_abcde";
    static final String WHY = "INC-42: 40-minute scan starves the dashboards";

    TrinoShapedServer server;
    TrinoActions trino;

    @BeforeEach
    void start() throws IOException {
        server = new TrinoShapedServer();
        server.add(
                HEAVY,
                "RUNNING",
                "alice",
                "superset",
                "SELECT *\n  FROM hive.lake.events e JOIN hive.lake.users u ON e.uid = u.id WHERE e.day > date '2020-01-01'",
                "41.50m",
                "1.20s",
                "3.10h",
                "12.5GB");
        server.add(
                OTHER,
                "RUNNING",
                "bob",
                "trino-cli",
                "SELECT count(*) FROM iceberg.lake.orders",
                "12.00s",
                "10.00ms",
                "30.00s",
                "256MB");
        server.add(
                QUEUED,
                "QUEUED",
                "carol",
                "airflow",
                "INSERT INTO iceberg.lake.daily SELECT ...",
                "5.00m",
                "5.00m",
                "0.00s",
                "0B");
        server.add(DONE, "FINISHED", "dave", "", "SELECT 1", "1.00s", "1.00ms", "5.00ms", "0B");
        trino = TrinoActions.connect(server.url(), "oncall");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    ActionContext ctx() {
        return ActionContext.builder().runId("run-1").stepId("kill").build();
    }

    @Test
    void queuedQueries_countsByState_theOldestQueued_andTheHeaviest() {
        QueuedQueries q = trino.queuedQueries().read();
        assertThat(q.byState()).containsExactlyInAnyOrderEntriesOf(Map.of("RUNNING", 2, "QUEUED", 1, "FINISHED", 1));
        assertThat(q.oldestQueued().queryId()).isEqualTo(QUEUED);
        assertThat(q.heaviestByCpu().queryId()).isEqualTo(HEAVY);
        assertThat(q.heaviestByCpu().cpu()).hasHours(3);
        assertThat(q.heaviestByMemory().memoryBytes()).isEqualTo(12L * 1024 * 1024 * 1024 + 512L * 1024 * 1024);
        assertThat(server.requests).allSatisfy(r -> assertThat(r).startsWith("GET "));
    }

    @Test
    void plan_listsEachQuery_writesNothing_andApplyKillsWithTheJustification() {
        KillQuery kill = trino.killQuery(HEAVY, WHY);
        Map<String, String> before = server.states();
        StepPlan plan = kill.plan(ctx());
        assertThat(server.states()).isEqualTo(before);
        assertThat(server.requests).allSatisfy(r -> assertThat(r).startsWith("GET "));
        assertThat(plan.summary()).isEqualTo("kill 1 Trino query (" + WHY + ")");
        assertThat(plan.details().get(0).asText())
                .isEqualTo(
                        HEAVY
                                + " alice@superset RUNNING 2490s \"SELECT * FROM hive.lake.events e JOIN hive.lake.users u ON e...\"");
        assertThat(plan.blastRadius()).containsEntry("queries", 1L);
        assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).startsWith("no inverse"));
        assertThat(Json.read(Json.write(plan), StepPlan.class)).isEqualTo(plan);

        ApplyResult result = kill.apply(plan, ctx());
        assertThat(result.outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(server.states()).containsEntry(HEAVY, "FAILED").containsEntry(OTHER, "RUNNING");
        assertThat(server.killMessages).containsExactly(HEAVY + ": " + WHY + " (runbook run-1/kill)");
        assertThat(kill.verify(plan, result, ctx()).ok()).isTrue();

        StepPlan again = kill.plan(ctx());
        assertThat(again.isNoop()).isTrue();
        assertThat(kill.apply(again, ctx()).outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(server.killMessages).hasSize(1);
    }

    @Test
    void aQueryThatFinishedMeanwhile_isUnchanged_notAnError() {
        KillQuery kill = trino.killQuery(HEAVY, WHY);
        StepPlan plan = kill.plan(ctx());
        server.setState(HEAVY, "FINISHED");
        ApplyResult result = kill.apply(plan, ctx());
        assertThat(result.outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(result.items()).singleElement().satisfies(i -> assertThat(i.detail())
                .isEqualTo("finished meanwhile"));
        assertThat(server.killMessages).isEmpty();
        assertThat(server.states()).containsEntry(HEAVY, "FINISHED");
    }

    @Test
    void anUnknownQuery_isRefused_andAMalformedIdOrNoJustificationFailWhenBuilt() {
        Map<String, String> before = server.states();
        assertThatThrownBy(() ->
                        trino.killQuery("20251207_000000_00001_zzzzz", WHY).plan(ctx()))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("does not know query 20251207_000000_00001_zzzzz");
        assertThatThrownBy(() -> trino.killQuery("SELECT 1", WHY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a Trino query id");
        assertThatThrownBy(() -> trino.killQuery(HEAVY, " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("give a justification");
        assertThat(server.states()).isEqualTo(before);
    }

    @Test
    void theQueriesBudget_theJustificationInTheAudit_andAPlanReviewedForOtherParameters() {
        RecordingAuditSink audit = new RecordingAuditSink();
        RunbookEngine capped = RunbookEngine.builder()
                .guards(Guards.builder().budget("queries", 1).build())
                .approvals(ApprovalGate.approveAll("oncall", "test"))
                .audit(audit)
                .bindingKey(BindingKey.random())
                .build();
        Runbook two = Runbook.builder("TRINO-1", "kill the heavy queries")
                .step("kill", trino.killQueries(List.of(HEAVY, OTHER), WHY))
                .build();
        Plan tooMany = capped.plan(two);
        assertThat(tooMany.isReady()).isFalse();
        assertThat(tooMany.refusals())
                .anySatisfy(r -> assertThat(r).contains("would touch 2 queries; the budget 'queries' is 1"));

        Runbook one = Runbook.builder("TRINO-1", "kill the heavy queries")
                .step("kill", trino.killQuery(HEAVY, WHY))
                .build();
        Plan reviewed = capped.plan(one);
        Runbook rebuilt = Runbook.builder("TRINO-1", "kill the heavy queries")
                .step("kill", trino.killQuery(OTHER, WHY))
                .build();
        assertThatThrownBy(() -> capped.apply(rebuilt, reviewed))
                .isInstanceOf(StalePlanException.class)
                .hasMessageContaining("parameter 'queryIds");
        Runbook otherReason = Runbook.builder("TRINO-1", "kill the heavy queries")
                .step("kill", trino.killQuery(HEAVY, "because"))
                .build();
        assertThatThrownBy(() -> capped.apply(otherReason, Plan.fromJson(reviewed.toJson())))
                .isInstanceOf(StalePlanException.class)
                .hasMessageContaining("parameter 'justification");
        assertThat(server.killMessages).isEmpty();

        audit.clear();
        Report report = capped.apply(one, reviewed);
        assertThat(report.status()).as("%s", report).isEqualTo(RunStatus.SUCCEEDED);
        audit.assertPaired();
        assertThat(audit.events()).anySatisfy(e -> assertThat(Json.write(e)).contains(WHY));
        assertThat(server.states()).containsEntry(HEAVY, "FAILED").containsEntry(OTHER, "RUNNING");
    }
}
