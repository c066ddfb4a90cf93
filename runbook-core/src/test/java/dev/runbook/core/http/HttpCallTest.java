package dev.runbook.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.ApprovalGate;
import dev.runbook.core.Change;
import dev.runbook.core.Json;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.RefusedException;
import dev.runbook.core.Report;
import dev.runbook.core.RunStatus;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Secret;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.core.Verification;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpCallTest {
    private AdminServer server;
    private final ActionContext ctx =
            ActionContext.builder().runId("run-1").stepId("half-open").build();

    @BeforeEach
    void start() throws IOException {
        server = new AdminServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpCall halfOpen() {
        return Http.post(server.url("/admin/circuit-breaker/half-open"))
                .body("{\"service\":\"inside\"}")
                .header("Authorization", Secret.of(AdminServer.TOKEN))
                .expectStatus(200)
                .state(server.url("/admin/circuit-breaker?service=inside"), "/state")
                .doneWhen("HALF_OPEN", "CLOSED")
                .build();
    }

    private HttpCall replay(String eventId) {
        return Http.post(server.url("/admin/events/" + eventId + "/replay"))
                .header("Authorization", Secret.of(AdminServer.TOKEN))
                .expectStatus(202)
                .build();
    }

    @Test
    void plan_readsTheStateAndNeverSendsTheCall() {
        StepPlan plan = halfOpen().plan(ctx);

        assertThat(plan.change()).isEqualTo(Change.CHANGE);
        assertThat(plan.summary()).contains("POST", "/half-open", "/state is OPEN", "HALF_OPEN");
        assertThat(plan.radius("requests")).isEqualTo(1);
        assertThat(plan.before(HttpCall.Observed.class).value()).isEqualTo("OPEN");
        assertThat(server.posts()).as("requests other than GET after plan").isZero();
        assertThat(server.breaker).isEqualTo("OPEN");
    }

    @Test
    void plan_isUnchangedWhenTheStateIsAlreadyDone() {
        server.breaker = "HALF_OPEN";

        StepPlan plan = halfOpen().plan(ctx);

        assertThat(plan.isNoop()).isTrue();
        assertThat(plan.summary()).startsWith("unchanged: ").contains("already HALF_OPEN");
        assertThat(server.posts()).isZero();
    }

    @Test
    void apply_sendsTheCallOnceWithTheIdempotencyKeyAndTheSecretHeader() {
        HttpCall call = halfOpen();
        StepPlan plan = call.plan(ctx);

        ApplyResult result = call.apply(plan, ctx);

        assertThat(result.outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(result.count("requests")).isEqualTo(1);
        assertThat(server.breaker).isEqualTo("HALF_OPEN");
        assertThat(server.requests)
                .filteredOn(r -> r.method().equals("POST"))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.idempotencyKey()).isEqualTo("run-1/half-open");
                    assertThat(r.authorization()).isEqualTo(AdminServer.TOKEN);
                    assertThat(r.body()).isEqualTo("{\"service\":\"inside\"}");
                });
        Verification v = call.verify(plan, result, ctx);
        assertThat(v.status()).isEqualTo(Verification.Status.PASSED);
        assertThat(v.message()).contains("HALF_OPEN");
    }

    @Test
    void rerun_convergesWithoutASecondCall() {
        HttpCall call = halfOpen();
        call.apply(call.plan(ctx), ctx);

        StepPlan again = call.plan(ctx);
        ApplyResult second = call.apply(call.plan(ctx), ctx);

        assertThat(again.isNoop()).isTrue();
        assertThat(second.outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(server.posts()).isEqualTo(1);
    }

    @Test
    void apply_refusesAStalePlanWithoutSending() {
        HttpCall call = halfOpen();
        StepPlan plan = call.plan(ctx);
        server.breaker = "FORCED_OPEN";

        assertThatThrownBy(() -> call.apply(plan, ctx))
                .isInstanceOf(StalePlanException.class)
                .hasMessageContaining("changed since the plan")
                .hasMessageContaining("FORCED_OPEN")
                .hasMessageContaining("plan again");
        assertThat(server.posts()).isZero();
        assertThat(server.breaker).isEqualTo("FORCED_OPEN");
    }

    @Test
    void withoutState_theServersIdempotencyKeyMakesTheSecondApplyUnchanged() {
        HttpCall call = replay("evt-42");
        StepPlan plan = call.plan(ctx);
        assertThat(plan.warnings()).singleElement().asString().contains("Idempotency-Key");

        ApplyResult first = call.apply(plan, ctx);
        ApplyResult second = call.apply(call.plan(ctx), ctx);

        assertThat(first.outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(second.outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(second.summary()).contains("already sent", "run-1/half-open");
        assertThat(server.replayed).containsExactly("evt-42");
        assertThat(call.verify(plan, first, ctx).status()).isEqualTo(Verification.Status.PASSED);
    }

    @Test
    void secrets_neverAppearInPlansOrToString() {
        HttpCall call = halfOpen();
        StepPlan plan = call.plan(ctx);

        assertThat(Json.write(plan)).doesNotContain("s3cret").contains("****");
        assertThat(call.toString()).doesNotContain("s3cret");
        assertThat(call.call().headers()).containsEntry("Authorization", "****");
    }

    @Test
    void apply_aClientErrorIsRefusedNamingTheStatus() {
        HttpCall noToken = Http.post(server.url("/admin/circuit-breaker/half-open"))
                .body("{\"service\":\"inside\"}")
                .build();

        assertThatThrownBy(() -> noToken.apply(noToken.plan(ctx), ctx))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("answered 401")
                .hasMessageContaining("admin token required")
                .hasMessageContaining("check the URL, the body and the token");
        assertThat(server.breaker).isEqualTo("OPEN");
    }

    @Test
    void apply_aServerErrorIsRetriableUnavailability() {
        HttpCall call = Http.post(server.url("/fail")).build();

        assertThatThrownBy(() -> call.apply(call.plan(ctx), ctx))
                .isInstanceOfSatisfying(TargetUnavailableException.class, e -> assertThat(e.retriable())
                        .isTrue())
                .hasMessageContaining("answered 503")
                .hasMessageContaining("Idempotency-Key run-1/half-open");
    }

    @Test
    void aServerThatIsGone_failsPlanAndApplyNamingHostAndPort() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        HttpCall call = Http.post("http://127.0.0.1:" + port + "/admin/x")
                .state("http://127.0.0.1:" + port + "/admin/state", "/state")
                .doneWhen("DONE")
                .build();
        HttpCall blind = Http.post("http://127.0.0.1:" + port + "/admin/x").build();

        assertThatThrownBy(() -> call.plan(ctx))
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("refused the connection")
                .hasMessageContaining("127.0.0.1:" + port);
        assertThatThrownBy(() -> blind.apply(blind.plan(ctx), ctx))
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("refused the connection")
                .hasMessageContaining("retrying");
    }

    @Test
    void aSlowServer_timesOutWithAClearMessage() {
        server.delayMillis = 1_500;
        HttpCall call = Http.post(server.url("/admin/events/e1/replay"))
                .timeout(Duration.ofMillis(200))
                .build();

        assertThatThrownBy(() -> call.apply(call.plan(ctx), ctx))
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("did not answer within PT0.2S");
    }

    @Test
    void badInputs_failWhenBuilt() {
        assertThatThrownBy(() -> Http.post("integration-svc:8080/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an absolute http(s) URL");
        assertThatThrownBy(() -> Http.call("post", server.url("/x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("upper-case");
        assertThatThrownBy(() -> Http.post(server.url("/x")).doneWhen("CLOSED").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(".state(url, jsonPointer)");
        assertThatThrownBy(() -> Http.post(server.url("/x")).header("Idempotency-Key", "k"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ActionContext.idempotencyKey()");
        assertThatThrownBy(() -> Http.post(server.url("/x")).expectStatus(99))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("100..599");
        assertThatThrownBy(() -> Http.post(server.url("/x")).state(server.url("/s"), "state"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("start with '/'");
        assertThatThrownBy(() -> Http.post(server.url("/x")).header("Content-Length", "3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be sent");
    }

    @Test
    void throughTheEngine_planSendsNothingAndApplyHalfOpensTheBreaker() {
        RunbookEngine engine = RunbookEngine.builder()
                .approvals(ApprovalGate.approveAll("test", "http call test"))
                .build();
        Runbook rb = Runbook.builder("INC-005", "breaker")
                .precheck(
                        "breaker is OPEN",
                        Http.field(server.url("/admin/circuit-breaker"), "/state"),
                        dev.runbook.core.Conditions.equalTo("OPEN"))
                .step("half-open", halfOpen())
                .build();

        Plan plan = engine.plan(rb);
        assertThat(server.posts()).isZero();
        Report report = engine.apply(rb, plan);

        assertThat(report.status()).as("%s", report).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(report.step("half-open").outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(server.breaker).isEqualTo("HALF_OPEN");
        assertThat(server.requests)
                .filteredOn(r -> r.method().equals("POST"))
                .singleElement()
                .satisfies(r -> assertThat(r.idempotencyKey()).isEqualTo(report.runId() + "/half-open"));
    }
}
