package dev.runbook.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApprovalGate;
import dev.runbook.core.Json;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Secret;
import dev.runbook.core.StepPlan;
import dev.runbook.core.notify.ComponentStatus;
import dev.runbook.core.notify.StatusPage;
import dev.runbook.test.ActionContract;
import dev.runbook.test.RecordingAuditSink;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SetComponentStatusIT extends ActionContract<SetComponentStatus> {
    static final FakeStatuspage fake = new FakeStatuspage();
    static final StatusPage page = NotifyActions.statuspage(
            fake.api(), FakeStatuspage.PAGE, Secret.of(FakeStatuspage.KEY), DeliveryPolicy.defaults());

    @BeforeEach
    void seed() {
        fake.reset();
        fake.component("dispatch", "Dispatch", "operational");
        fake.component("payments", "Payments", "operational");
    }

    @AfterAll
    static void stop() {
        fake.server.close();
    }

    @Override
    protected SetComponentStatus action() {
        return NotifyActions.setComponentStatus(page, "dispatch", ComponentStatus.DEGRADED_PERFORMANCE);
    }

    @Override
    protected Map<String, SetComponentStatus> variants() {
        return Map.of(
                "componentId", NotifyActions.setComponentStatus(page, "payments", ComponentStatus.DEGRADED_PERFORMANCE),
                "status", NotifyActions.setComponentStatus(page, "dispatch", ComponentStatus.MAJOR_OUTAGE),
                "from", action().from(ComponentStatus.OPERATIONAL));
    }

    @Override
    protected Object snapshot() {
        return fake.state();
    }

    @Override
    protected void moveTheWorld() {
        fake.component("dispatch", "Dispatch", "partial_outage");
    }

    @Test
    void apply_sendsTheStatuspageRequest_withTheKeyOnlyInItsHeader() {
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        assertThat(plan.summary())
                .isEqualTo("set Dispatch from operational to degraded_performance on statuspage page1");
        action().apply(plan, ctx);
        StubServer.Request patch = fake.server.requests().stream()
                .filter(r -> r.method().equals("PATCH"))
                .findFirst()
                .orElseThrow();
        assertThat(patch.path()).isEqualTo("/v1/pages/page1/components/dispatch");
        assertThat(Json.read(patch.body(), Map.class))
                .isEqualTo(Map.of("component", Map.of("status", "degraded_performance")));
        assertThat(patch.header("Authorization")).isEqualTo("OAuth " + FakeStatuspage.KEY);
        assertThat(patch.header("Content-Type")).isEqualTo("application/json");
        assertThat(fake.state()).containsEntry("component dispatch", "degraded_performance");
        assertThat(Json.write(plan) + page + action()).doesNotContain(FakeStatuspage.KEY);
    }

    @Test
    void theCurrentStatus_isUnchanged() {
        SetComponentStatus op = NotifyActions.setComponentStatus(page, "dispatch", ComponentStatus.OPERATIONAL);
        StepPlan plan = op.plan(context());
        assertThat(plan.isNoop()).isTrue();
        assertThat(plan.summary()).isEqualTo("unchanged: Dispatch is already operational on statuspage page1");
        assertThat(op.apply(plan, context()).outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(fake.server.requests()).noneMatch(r -> r.method().equals("PATCH"));
    }

    @Test
    void inverse_restoresThePreviousStatus() {
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        action().apply(plan, ctx);
        Action undo = action().inverse(plan).orElseThrow();
        undo.apply(undo.plan(ctx), ctx);
        assertThat(fake.state()).containsEntry("component dispatch", "operational");
    }

    @Test
    void anUnknownComponent_isRefusedNamingIt() {
        assertRefusedWithoutChange(
                () -> NotifyActions.setComponentStatus(page, "dispatchh", ComponentStatus.OPERATIONAL)
                        .plan(context()),
                "statuspage page1 has no component 'dispatchh'",
                "GET /v1/pages/page1/components");
    }

    @Test
    void aWrongKey_isRefusedWithoutRetry_andNotShown() {
        StatusPage wrong = NotifyActions.statuspage(
                fake.api(), FakeStatuspage.PAGE, Secret.of("wrong-key-42"), DeliveryPolicy.defaults());
        assertRefusedWithoutChange(
                () -> NotifyActions.setComponentStatus(wrong, "dispatch", ComponentStatus.MAJOR_OUTAGE)
                        .plan(context()),
                "refused with 401",
                "check the token or key");
        assertThat(fake.server.requests()).hasSize(1);
    }

    @Test
    void throughTheEngine_theStatusChangeIsAudited_withoutTheKey() {
        RecordingAuditSink audit = new RecordingAuditSink();
        RunbookEngine engine = RunbookEngine.builder()
                .audit(audit)
                .approvals(ApprovalGate.denyAll("not needed"))
                .build();
        Runbook rb = Runbook.builder("INC-001", "Dispatch engine down")
                .step("Dispatch degraded on the status page", action())
                .build();
        Plan plan = engine.plan(rb);
        Report report = engine.apply(rb, plan);
        assertThat(report.step(rb.steps().get(0).id()).outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(audit.events().toString() + plan.toJson() + report.toJson()).doesNotContain(FakeStatuspage.KEY);
    }
}
